package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/internal/golden"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		own      []string
		rest     []string
		wantsErr bool
	}{
		{"nothing of ours", []string{"site.yml", "-i", "hosts", "--check"}, nil, []string{"site.yml", "-i", "hosts", "--check"}, false},
		{"before the playbook", []string{"--format", "table", "site.yml"}, []string{"--format", "table"}, []string{"site.yml"}, false},
		{"after the playbook, with =", []string{"site.yml", "--format=jsonl", "-e", "x=1"}, []string{"--format=jsonl"}, []string{"site.yml", "-e", "x=1"}, false},
		{"bool flag", []string{"site.yml", "--no-color", "--diff"}, []string{"--no-color"}, []string{"site.yml", "--diff"}, false},
		{"order of the rest kept", []string{"-i", "h", "--format", "text", "--limit", "web", "site.yml", "--tags", "a,b"},
			[]string{"--format", "text"}, []string{"-i", "h", "--limit", "web", "site.yml", "--tags", "a,b"}, false},
		{"-- ends our flags", []string{"site.yml", "--", "--format", "x"}, nil, []string{"site.yml", "--format", "x"}, false},
		{"ansible's own long options pass", []string{"--vault-password-file", "v", "site.yml"}, nil, []string{"--vault-password-file", "v", "site.yml"}, false},
		{"value missing", []string{"site.yml", "--format"}, nil, nil, true},
		{"a bool with a value", []string{"--no-color=false", "site.yml"}, []string{"--no-color=false"}, []string{"site.yml"}, false},
		{"a bool with a bad value", []string{"--no-color=maybe", "site.yml"}, nil, nil, true},
		{"help", []string{"--help"}, []string{"--help"}, nil, false},
	}
	flags := append(coreFlags(), cli.HelpFlag, cli.VersionFlag)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, rest, err := splitArgs(tt.args, flags)
			if (err != nil) != tt.wantsErr {
				t.Fatalf("err = %v, wantsErr %v", err, tt.wantsErr)
			}
			if diff := cmp.Diff(tt.own, own); diff != "" {
				t.Errorf("own (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rest, rest); diff != "" {
				t.Errorf("rest (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsageErrorsExitFive(t *testing.T) {
	tests := [][]string{
		{"--format=xml", "site.yml"},
		{"site.yml", "--format"},
		{"--log-level=loud", "site.yml"},
		{"--max-line-size=big", "site.yml"},
		{"--max-line-size=63KiB", "site.yml"},
		{"--max-line-size", "0", "replay", "-"},
		{"replay"},
		{"replay", "a", "b"},
		{},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"ansible-tap"}, args...), strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "ansible-tap: ") {
				t.Errorf("want one clear line on stderr, got %q", stderr.String())
			}
		})
	}
}

// A flag value of the wrong type is told in one line that names the flag
// as the user wrote it, with two dashes.
func TestFlagValueErrorsNameTheFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--notify-timeout", "abc"}, `--notify-timeout: "abc" is not a duration such as 30s, 2m or 1m30s`},
		{[]string{"--metrics-timeout=5"}, `--metrics-timeout: "5" is not a duration such as 30s, 2m or 1m30s`},
		{[]string{"--summary-slowest", "five"}, `--summary-slowest: "five" is not a whole number`},
		{[]string{"--webhook-batch=maybe"}, `--webhook-batch: "maybe" is not true or false`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append(append([]string{"ansible-tap"}, tc.args...), "site.yml"), strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if got, want := stderr.String(), "ansible-tap: "+tc.want+"\n"; got != want {
				t.Errorf("stderr %q, want %q", got, want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"ansible-tap", "--help"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--help exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"--format", "--events-file", "--no-color", "--ansible-playbook", "--log-level", "goes to ansible-playbook"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help does not mention %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	if code := run([]string{"ansible-tap", "--version"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--version exit %d", code)
	}
	if !strings.HasPrefix(stdout.String(), "ansible-tap ") {
		t.Errorf("--version: %q", stdout.String())
	}
	if _, err := exec.LookPath("ansible-playbook"); err == nil && !strings.Contains(stdout.String(), "ansible-playbook [core") {
		t.Errorf("--version does not name the ansible-playbook found: %q", stdout.String())
	}
}

func TestMissingAnsiblePlaybook(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"ansible-tap", "--ansible-playbook", "/nonexistent/ansible-playbook", "site.yml"}, nil, &stdout, &stderr)
	if code != exitNotFound {
		t.Errorf("exit %d, want %d", code, exitNotFound)
	}
	if !strings.Contains(stderr.String(), "cannot start ansible-playbook") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// With --format=jsonl, stdout carries nothing but JSON lines, even when
// Ansible prints warnings and verbose output of its own.
func TestJSONLStdoutStaysPure(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	var stdout, stderr bytes.Buffer
	code := run([]string{"ansible-tap", "testdata/cli/warn.yml", "-v", "-i", "testdata/cli/hosts.ini", "--format=jsonl"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Using ") && !strings.Contains(stderr.String(), "config file") {
		t.Errorf("ansible-playbook's own -v output did not reach stderr:\n%s", stderr.String())
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var rec struct {
			Schema    int    `json:"schema_version"`
			EventType string `json:"event_type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		if rec.Schema != 1 {
			t.Errorf("schema_version %d in %s", rec.Schema, sc.Text())
		}
		kinds[rec.EventType]++
	}
	for _, k := range []string{"playbook_on_start", "runner_on_ok", "playbook_on_stats", "run_end"} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in %v", k, kinds)
		}
	}
}

// The --help text is part of the interface: a change to it shows up here.
func TestHelpGolden(t *testing.T) {
	for _, name := range []string{"ANSIBLE_TAP_FORMAT", "SLACK_WEBHOOK_URL", "ANSIBLE_TAP_WEBHOOK_URL", "GITHUB_STEP_SUMMARY"} {
		t.Setenv(name, "")
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"ansible-tap", "--help"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--help exit %d: %s", code, stderr.String())
	}
	golden.Check(t, filepath.Join("testdata", "cli", "help.golden"), stdout.Bytes())
}
