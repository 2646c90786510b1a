package report

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

// runPlaybook runs ansible-playbook on a playbook of testdata with the
// inventory of testdata, feeding handler, and returns the finished summary.
func runPlaybook(t *testing.T, playbook string, handler event.Handler) *event.Summary {
	t.Helper()
	testio.RequireTool(t, "ansible-playbook")
	s, err := runner.Run(context.Background(), runner.Options{
		Command: "ansible-playbook",
		Args:    []string{"-i", "testdata/inventory.ini", filepath.Join("testdata", playbook)},
		Stdout:  io.Discard, Stderr: io.Discard, Text: io.Discard,
		Handler: handler, Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestJUnitRealRun runs real playbooks with three JUnit writers and reads
// each report back with junitparser: its counts must be the run's.
func TestJUnitRealRun(t *testing.T) {
	for _, c := range []struct {
		playbook string
		exitCode int
	}{
		{"mixed.yml", 4},  // a host unreachable
		{"broken.yml", 4}, // a parser error: no task ran
	} {
		t.Run(c.playbook, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			variants := []struct {
				name                       string
				failOnIgnore, failOnChange bool
			}{{"default", false, false}, {"fail-on-ignore", true, false}, {"fail-on-change", false, true}}
			var handlers []event.Handler
			for _, v := range variants {
				if err := os.Mkdir(filepath.Join(dir, v.name), 0o755); err != nil {
					t.Fatal(err)
				}
				handlers = append(handlers, NewJUnit(JUnitOptions{
					Path: filepath.Join(dir, v.name, "junit.xml"), FailOnIgnore: v.failOnIgnore, FailOnChange: v.failOnChange,
				}))
			}
			s := runPlaybook(t, c.playbook, event.NewFanout(zerolog.Nop(), handlers...))
			if s.ExitCode != c.exitCode {
				t.Errorf("exit code %d, want %d", s.ExitCode, c.exitCode)
			}
			for _, v := range variants {
				path := filepath.Join(dir, v.name, "junit.xml")
				got := readWithJunitparser(t, path).Cases
				if want := expectedCounts(s, v.failOnIgnore, v.failOnChange); got != want {
					t.Errorf("%s: junitparser counts %+v, the run's are %+v", v.name, got, want)
				}
				data, _ := os.ReadFile(path)
				if strings.Contains(string(data), "hunter2") {
					t.Errorf("%s: a no_log message leaked into the report", v.name)
				}
			}
		})
	}
}

// TestMarkdownRealRun runs a real playbook with the summary appended to a
// file that earlier steps wrote to, as $GITHUB_STEP_SUMMARY, and checks what
// GitHub would show.
func TestMarkdownRealRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "step_summary")
	const earlier = "# Build\n\nThe build passed.\n"
	writeTestFile(t, path, []byte(earlier))
	s := runPlaybook(t, "mixed.yml", NewMarkdown(MarkdownOptions{Path: path, Append: true, Slowest: DefaultSlowest}))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	summary, ok := strings.CutPrefix(string(data), earlier+"\n")
	if !ok {
		t.Fatalf("the earlier content was not kept:\n%s", data)
	}
	checkMarkdown(t, s, []byte(summary))
	if strings.Contains(summary, "hunter2") {
		t.Error("a no_log message leaked into the summary")
	}
	if len(s.FatalFailures()) == 0 || s.Outcome() != "failed" {
		t.Errorf("the playbook should fail: %d fatal failures, outcome %s", len(s.FatalFailures()), s.Outcome())
	}
}
