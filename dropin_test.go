package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// dropInCase is one run compared between plain ansible-playbook and
// ansible-tap's default output.
type dropInCase struct {
	name string
	args []string // ansible-playbook's arguments
	env  []string // added to both runs' environment
	cfg  string   // an ansible.cfg for both runs, when set (ANSIBLE_CONFIG)
	// unordered compares the lines as a multiset: under the free and
	// host_pinned strategies the order of results depends on timing.
	unordered bool
	// matrix says the run is a row of testdata/matrix.txt, whose fidelity
	// (fidelityCases) is checked too.
	matrix bool
}

const (
	localInventory = "-i testdata/inventory/local.ini"
	multiInventory = "-i testdata/inventory/multi.ini"
	outputPlaybook = "testdata/playbooks/output.yml"
)

// dropInVariants are the runs beyond the matrix: verbosity, the default
// callback's settings, other stdout callbacks and configuration files.
var dropInVariants = []dropInCase{
	{name: "output", args: fields(localInventory, outputPlaybook)},
	{name: "output -v", args: fields(localInventory, "-v", outputPlaybook)},
	{name: "output -vvv", args: fields(localInventory, "-vvv", outputPlaybook)},
	{name: "basic -vvvv", args: fields(localInventory, "-vvvv", "testdata/playbooks/basic.yml")},
	{name: "output --check --diff", args: fields(localInventory, "--check", "--diff", outputPlaybook)},
	{name: "check_mode_markers", args: fields(localInventory, "--check", outputPlaybook), env: []string{"ANSIBLE_CHECK_MODE_MARKERS=yes"}},
	{name: "display_skipped_hosts=no", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_DISPLAY_SKIPPED_HOSTS=no"}},
	{name: "display_ok_hosts=no", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_DISPLAY_OK_HOSTS=no"}},
	{name: "display_failed_stderr", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_DISPLAY_FAILED_STDERR=yes"}},
	{name: "show_task_path_on_failure", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_SHOW_TASK_PATH_ON_FAILURE=yes"}},
	{name: "result_format=yaml", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_CALLBACK_RESULT_FORMAT=yaml"}},
	{name: "format_pretty", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_CALLBACK_FORMAT_PRETTY=yes"}},
	{name: "show_custom_stats", args: fields(multiInventory, "testdata/playbooks/set_stats.yml"), env: []string{"ANSIBLE_SHOW_CUSTOM_STATS=yes"}},
	{name: "host_pinned", args: fields(multiInventory, "testdata/playbooks/handlers.yml"), env: []string{"ANSIBLE_STRATEGY=host_pinned"}, unordered: true},
	{name: "delegate", args: fields("-i testdata/inventory/delegate.ini", "testdata/playbooks/delegate.yml")},
	{name: "unreachable -v", args: fields("-i testdata/inventory/unreachable.ini", "-v", "testdata/playbooks/unreachable.yml")},
	{name: "minimal", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_STDOUT_CALLBACK=minimal"}},
	{name: "oneline", args: fields(localInventory, outputPlaybook), env: []string{"ANSIBLE_STDOUT_CALLBACK=oneline"}},
	{name: "ansible.cfg stdout_callback", args: fields(localInventory, outputPlaybook), cfg: "[defaults]\nstdout_callback = minimal\n"},
	{name: "ansible.cfg callback_plugins", args: fields(localInventory, outputPlaybook),
		cfg: "[defaults]\ncallback_plugins = {{dir}}/testdata/callback_plugins\nstdout_callback = tap_marker\n"},
	{name: "json stdout callback", args: fields(localInventory, "testdata/playbooks/basic.yml"), env: []string{"ANSIBLE_STDOUT_CALLBACK=ansible.posix.json"}},
}

// TestDropIn runs each playbook of the matrix, and each variant above, with
// plain ansible-playbook and with ansible-tap's default output, and
// compares stdout and stderr line for line; then it replays ansible-tap's
// events file and compares again. For the matrix it also checks the
// fidelity of the events to the run (checkFidelity). Only times,
// durations, temporary names, task ids and async job ids (made of times,
// process ids and random numbers) are normalised, and async polls and the
// count of an until loop's retries are dropped (they depend on timing).
func TestDropIn(t *testing.T) {
	ansiblePlaybook := testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	var cases []dropInCase
	for name, args := range readMatrix(t) {
		cases = append(cases, dropInCase{name: name, args: args, unordered: name == "free", matrix: true})
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	cases = append(cases, dropInVariants...)
	slots := make(chan struct{}, fidelityParallel)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			checkDropIn(t, tc, ansiblePlaybook, tap)
		})
	}
}

func checkDropIn(t *testing.T, tc dropInCase, ansiblePlaybook, tap string) {
	env := append(os.Environ(), tc.env...)
	if tc.cfg != "" {
		dir, _ := os.Getwd()
		cfg := filepath.Join(t.TempDir(), "ansible.cfg")
		if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(tc.cfg, "{{dir}}", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
		env = append(env, "ANSIBLE_CONFIG="+cfg)
	}
	plain := runCommand(t, env, ansiblePlaybook, tc.args...)
	events := filepath.Join(t.TempDir(), "events.jsonl")
	tapArgs := append([]string{"--no-summary", "--events-file", events, "--ansible-playbook", ansiblePlaybook}, tc.args...)
	tapped := runCommand(t, env, tap, tapArgs...)
	if tapped.code != plain.code {
		t.Errorf("ansible-tap exited %d, ansible-playbook %d", tapped.code, plain.code)
	}
	compareOutput(t, "ansible-tap", plain, tapped, tc.unordered)

	var stdout, stderr bytes.Buffer
	code := run([]string{"ansible-tap", "replay", "--no-summary", events}, strings.NewReader(""), &stdout, &stderr)
	if code != plain.code {
		t.Errorf("the replay exited %d, ansible-playbook %d", code, plain.code)
	}
	compareOutput(t, "the replay", plain, commandOutput{stdout: stdout.String(), stderr: stderr.String()}, tc.unordered)

	if tc.matrix {
		for _, fc := range fidelityCases {
			if fc.name == tc.name {
				checkFidelity(t, fc, plain, events)
			}
		}
	}
}

// TestDropInSummary checks what ansible-tap appends to Ansible's output:
// its summary after the recap on stdout, or on stderr when Ansible's
// stdout is a JSON document; before it, Ansible's output is unchanged.
func TestDropInSummary(t *testing.T) {
	ansiblePlaybook := testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	args := fields(localInventory, "testdata/playbooks/basic.yml")
	for _, tc := range []struct {
		name     string
		env      string
		onStderr bool
	}{
		{"default callback", "ANSIBLE_STDOUT_CALLBACK=default", false},
		{"json callback", "ANSIBLE_STDOUT_CALLBACK=ansible.posix.json", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append(os.Environ(), tc.env)
			plain := runCommand(t, env, ansiblePlaybook, args...)
			tapped := runCommand(t, env, tap, append([]string{"--ansible-playbook", ansiblePlaybook}, args...)...)
			plainOut, tappedOut, plainRest, tappedRest := plain.stdout, tapped.stdout, plain.stderr, tapped.stderr
			if tc.onStderr {
				plainOut, tappedOut, plainRest, tappedRest = plain.stderr, tapped.stderr, plain.stdout, tapped.stdout
			}
			compareOutput(t, "ansible-tap", commandOutput{stdout: plainRest}, commandOutput{stdout: tappedRest}, false)
			n := len(plainOut)
			if len(tappedOut) < n {
				t.Fatalf("ansible-tap printed less than ansible-playbook:\n%s", tappedOut)
			}
			compareOutput(t, "ansible-tap", commandOutput{stdout: plainOut}, commandOutput{stdout: tappedOut[:n]}, false)
			tail := tappedOut[n:]
			for _, want := range []string{"Duration: ", "Failed tasks:\n  ignored  localhost  An ignored failure", "Slowest tasks:\n"} {
				if !strings.Contains(tail, want) {
					t.Errorf("the summary after Ansible's output lacks %q:\n%s", want, tail)
				}
			}
			if !strings.HasPrefix(tail, "Duration: ") {
				t.Errorf("the summary does not follow Ansible's output directly:\n%s", tail)
			}
		})
	}
}

// commandOutput is what a command printed, and its exit code.
type commandOutput struct {
	code           int
	stdout, stderr string
}

func runCommand(t *testing.T, env []string, name string, args ...string) commandOutput {
	t.Helper()
	return runCommandIn(t, "", env, name, args...)
}

// runCommandIn runs a command in dir ("" is the test's own directory).
func runCommandIn(t *testing.T, dir string, env []string, name string, args ...string) commandOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = env, dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := commandOutput{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		out.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func compareOutput(t *testing.T, who string, want, got commandOutput, unordered bool) {
	t.Helper()
	for _, s := range []struct {
		name      string
		want, got string
	}{{"stdout", want.stdout, got.stdout}, {"stderr", want.stderr, got.stderr}} {
		w, g := normalizeOutput(s.want, unordered), normalizeOutput(s.got, unordered)
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s's %s differs from ansible-playbook's (-ansible-playbook +%s):\n%s", who, s.name, who, diff)
		}
	}
}

// The parts of Ansible's output that differ from run to run.
var outputNoise = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?`), "<time>"},
	{regexp.MustCompile(`\b\d+:\d\d:\d\d\.\d+\b`), "<duration>"},
	{regexp.MustCompile(`ansible-tmp-[\d.]+-\d+-\d+`), "ansible-tmp-<n>"},
	{regexp.MustCompile(`ansible-local-\w+`), "ansible-local-<n>"},
	{regexp.MustCompile(`/tmp\w{8}\b`), "/tmp<n>"},
	{regexp.MustCompile(`\bj\d+\.\d+\b`), "<jid>"},
	{regexp.MustCompile(`ansible-tap-diff\.\w{8}`), "ansible-tap-diff.<n>"}, // diff.yml's temporary directory
	{regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "<uuid>"},
}

var asyncPoll = regexp.MustCompile(`(?m)^ASYNC POLL on .*\n`)

// includedHosts is the host list of an "included: FILE for HOSTS" line,
// which Ansible writes in the order the hosts' include results arrived.
var includedHosts = regexp.MustCompile(`(?m)^(included: .* for )([^\s,]+(?:, [^\s,]+)+)((?: => .*)?)$`)

// sortIncludedHosts puts the hosts of each "included:" line in sorted order.
func sortIncludedHosts(s string) string {
	return includedHosts.ReplaceAllStringFunc(s, func(line string) string {
		m := includedHosts.FindStringSubmatch(line)
		hosts := strings.Split(m[2], ", ")
		sort.Strings(hosts)
		return m[1] + strings.Join(hosts, ", ") + m[3]
	})
}

// retrying is a retry of an until loop; how often a loop that waits for a
// job retries depends on timing, so the count is dropped and repeats are
// one line.
var retrying = regexp.MustCompile(`(?m)^(FAILED - RETRYING: .*) \(\d+ retries left\)\.\n(?:FAILED - RETRYING: .* \(\d+ retries left\)\.\n)*`)

// normalizeOutput replaces what differs from run to run in Ansible's
// output. The hosts of one task report in the order they finish, so the
// lines under each banner, and the hosts an include names, are compared in
// sorted order. Unordered, it keeps the lines that say something of a host, in
// sorted order: how often a free strategy repeats a task's banner depends
// on how the hosts' results interleave.
func normalizeOutput(s string, unordered bool) []string {
	s = asyncPoll.ReplaceAllString(s, "")
	s = retrying.ReplaceAllString(s, "$1 (<n> retries left).\n")
	s = sortIncludedHosts(s)
	for _, n := range outputNoise {
		s = n.re.ReplaceAllString(s, n.with)
	}
	lines := strings.Split(s, "\n")
	if !unordered {
		return sortWithinBanners(lines)
	}
	kept := lines[:0]
	for _, line := range lines {
		if line != "" && !strings.HasPrefix(line, "TASK [") && !strings.HasPrefix(line, "RUNNING HANDLER [") {
			kept = append(kept, line)
		}
	}
	sort.Strings(kept)
	return kept
}

var (
	tapBinary   string
	tapBuildErr error
	tapBuild    sync.Once
)

// buildTap builds the ansible-tap command once for the tests that run it as
// a user does, in its own process with its own environment.
func buildTap(t *testing.T) string {
	t.Helper()
	tapBuild.Do(func() {
		dir, err := os.MkdirTemp("", "ansible-tap-test-")
		if err != nil {
			tapBuildErr = err
			return
		}
		tapBinary = filepath.Join(dir, "ansible-tap")
		out, err := exec.Command("go", "build", "-o", tapBinary, ".").CombinedOutput()
		if err != nil {
			tapBuildErr = &buildError{err: err, out: out}
		}
	})
	if tapBuildErr != nil {
		t.Fatal(tapBuildErr)
	}
	return tapBinary
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + string(e.out) }

// fields splits each argument on spaces: the cases' arguments hold no quotes.
func fields(args ...string) []string {
	var out []string
	for _, a := range args {
		out = append(out, strings.Fields(a)...)
	}
	return out
}

// sortWithinBanners sorts the lines between one banner (PLAY, TASK,
// RUNNING HANDLER, PLAY RECAP…: a line that ends in stars) and the next.
func sortWithinBanners(lines []string) []string {
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i == len(lines) || strings.HasSuffix(lines[i], "***") {
			sort.Strings(lines[start:i])
			start = i + 1
		}
	}
	return lines
}

func TestSortIncludedHosts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"included: /p/a.yml for web3, web1, web2\n", "included: /p/a.yml for web1, web2, web3\n"},
		{"included: /p/a.yml for web2, web1 => (item=b)", "included: /p/a.yml for web1, web2 => (item=b)"},
		{"included: /p/a.yml for web1", "included: /p/a.yml for web1"},
		{"ok: [web2] => (item=included: x for b, a)", "ok: [web2] => (item=included: x for b, a)"},
	} {
		if got := sortIncludedHosts(tc.in); got != tc.want {
			t.Errorf("sortIncludedHosts(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
