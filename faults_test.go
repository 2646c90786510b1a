package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// The fault suite: what goes wrong around ansible-tap must never make the
// deploy worse than ansible-playbook alone in the same situation. Each case
// runs the real ansible-playbook alone and through ansible-tap, the same
// way, and compares.

// A reader that stops early (`| head -1`, `| grep -q`) must not stop the
// run: every task still runs on every host, ansible-tap says once that
// stdout is gone, writes every other output, and exits as ansible-playbook
// alone exits in the same pipeline.
func TestClosedStdoutNeverStopsTheRun(t *testing.T) {
	plainPath := testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	playbook := filepath.Join("testdata", "faults", "closed_pipe.yml")
	inventory := filepath.Join("testdata", "inventory", "multi.ini")
	hosts := []string{"web1", "web2", "web3"}

	marks := t.TempDir()
	plain := runReadingOneLine(t, exec.Command(plainPath, "-i", inventory, playbook, "-e", "mark_dir="+marks))
	checkMarks(t, "ansible-playbook alone", marks, hosts)
	if plain.code != 0 {
		t.Fatalf("ansible-playbook alone exits %d under `| head -1`; stderr:\n%s", plain.code, plain.stderr)
	}

	tests := []struct {
		name   string
		args   []string
		events bool // --events-file
	}{
		{"ansible, Ansible writing to the pipe itself", nil, false},
		{"ansible, with its output recorded", nil, true},
		{"compact", []string{"--format=compact"}, true},
		{"table", []string{"--format=table"}, false},
		{"jsonl", []string{"--format=jsonl"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir, marks := t.TempDir(), t.TempDir()
			args := []string{"-i", inventory, playbook, "-e", "mark_dir=" + marks,
				"--junit-file", filepath.Join(dir, "junit.xml"), "--prom-file", filepath.Join(dir, "ansible.prom")}
			args = append(args, tt.args...)
			if tt.events {
				args = append(args, "--events-file", filepath.Join(dir, "events.jsonl"))
			}
			got := runReadingOneLine(t, exec.Command(tap, args...))
			if got.code != plain.code {
				t.Errorf("exit code %d; ansible-playbook alone exits %d; stderr:\n%s", got.code, plain.code, got.stderr)
			}
			checkMarks(t, "ansible-tap", marks, hosts)
			if n := strings.Count(got.stderr, "stdout is gone"); n != 1 {
				t.Errorf("ansible-tap says %d times that stdout is gone, want once; stderr:\n%s", n, got.stderr)
			}
			if strings.Contains(got.stderr, "ERR") {
				t.Errorf("an output failed:\n%s", got.stderr)
			}
			for _, f := range []string{"junit.xml", "ansible.prom"} {
				if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s was not written: %v", f, err)
				}
			}
			if tt.events {
				checkRunEnd(t, filepath.Join(dir, "events.jsonl"), plain.code, false)
			}
		})
	}
}

// runReadingOneLine runs cmd with its stdout read as `| head -1` reads it:
// the first line, then the pipe is closed.
func runReadingOneLine(t *testing.T, cmd *exec.Cmd) commandOutput {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	bufio.NewReader(r).ReadString('\n')
	r.Close()
	return commandOutput{code: exitCodeOf(t, cmd.Wait()), stderr: stderr.String()}
}

func exitCodeOf(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// checkMarks checks that the last task left its mark on every host.
func checkMarks(t *testing.T, who, dir string, hosts []string) {
	t.Helper()
	for _, h := range hosts {
		if _, err := os.Stat(filepath.Join(dir, h)); err != nil {
			t.Errorf("%s: the run's last task did not run on %s: %v", who, h, err)
		}
	}
}

// checkRunEnd checks that an events file is a whole recording: it ends with
// the run-end record of the run's exit code.
func checkRunEnd(t *testing.T, path string, code int, interrupted bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var end struct {
		Event       string `json:"_event"`
		ExitCode    int    `json:"exit_code"`
		Interrupted bool   `json:"interrupted"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &end); err != nil || end.Event != "ansible_tap_run_end" {
		t.Fatalf("the events file does not end with the run-end record: %q (%v)", lines[len(lines)-1], err)
	}
	if end.ExitCode != code || end.Interrupted != interrupted {
		t.Errorf("run-end record: exit code %d, interrupted %v; want %d, %v", end.ExitCode, end.Interrupted, code, interrupted)
	}
}

// A session that ends mid-task (an ssh hang-up, Ctrl-\, a kill of the
// foreground job) signals the whole process group. ansible-tap must end as
// ansible-playbook alone ends, and still write every output, its run-end
// record, and durations that run to the moment the run stopped; it leaves
// no temporary files of its own.
func TestSessionEndingSignals(t *testing.T) {
	plainPath := testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	const held = time.Second // how long the slow task runs before the signal
	args := []string{"-i", filepath.Join("testdata", "inventory", "local.ini"),
		filepath.Join("testdata", "faults", "hangup.yml"), "-e", "sleep=30"}
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			plain := signalMidTask(t, exec.Command(plainPath, args...), sig, held)
			dir, tmp := t.TempDir(), t.TempDir()
			cmd := exec.Command(tap, append(args, "--events-file", filepath.Join(dir, "events.jsonl"),
				"--junit-file", filepath.Join(dir, "junit.xml"), "--prom-file", filepath.Join(dir, "ansible.prom"))...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			got := signalMidTask(t, cmd, sig, held)
			if got.code != plain.code || got.code != 128+int(sig) {
				t.Errorf("exit code %d; ansible-playbook alone exits %d (want %d)\nstderr:\n%s", got.code, plain.code, 128+int(sig), got.stderr)
			}
			if strings.Contains(got.stderr, "goroutine ") {
				t.Errorf("ansible-tap printed a Go stack dump:\n%s", got.stderr)
			}
			checkRunEnd(t, filepath.Join(dir, "events.jsonl"), got.code, true)
			for _, f := range []string{"junit.xml", "ansible.prom"} {
				if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s was not written: %v", f, err)
				}
			}
			prom := readFile(t, filepath.Join(dir, "ansible.prom"))
			if !strings.Contains(prom, `ansible_playbook_outcome{outcome="interrupted",playbook=`) ||
				!regexp.MustCompile(`ansible_playbook_outcome\{outcome="interrupted",[^}]*\} 1`).MatchString(prom) {
				t.Errorf("the Prometheus file does not say the run was interrupted:\n%s", prom)
			}
			// The slow task ran at least `held` before the signal: its
			// duration, and the run's, must say so.
			if d := slowestTaskSeconds(t, got.stdout, "Slow"); d < held.Seconds() {
				t.Errorf("the interrupted task lasted %.2fs by the summary; it ran at least %s\n%s", d, held, got.stdout)
			}
			if d := promValue(t, prom, "ansible_playbook_run_duration_seconds"); d < held.Seconds() {
				t.Errorf("run_duration_seconds %.2f; the run lasted at least %s", d, held)
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "ansible-tap-*"))
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// signalMidTask runs cmd in a process group of its own, and once the slow
// task has run for held, signals the whole group, as a terminal's hang-up
// or Ctrl-\ does.
func signalMidTask(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, held time.Duration) commandOutput {
	t.Helper()
	stdout := &watchedBuffer{}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "ANSIBLE_NOCOLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if !stdout.waitFor("TASK [Slow]", done) {
		t.Fatalf("the slow task never started:\n%s\n%s", stdout.String(), stderr.String())
	}
	time.Sleep(held)
	syscall.Kill(-cmd.Process.Pid, sig)
	err := <-done
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // what the group left behind
	return commandOutput{code: exitCodeOf(t, err), stdout: stdout.String(), stderr: stderr.String()}
}

// watchedBuffer is a buffer that can be waited on for a text.
type watchedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the buffer holds text; false when the process ended
// first (its result is put back on done).
func (b *watchedBuffer) waitFor(text string, done chan error) bool {
	for !strings.Contains(b.String(), text) {
		select {
		case err := <-done:
			done <- err
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

// slowestTaskSeconds reads a task's duration from the "Slowest tasks" of
// ansible-tap's summary.
func slowestTaskSeconds(t *testing.T, out, task string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+([0-9.]+)(ms|s)\s+` + regexp.QuoteMeta(task) + ` \(`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no duration of task %q in the summary:\n%s", task, out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "ms" {
		v /= 1000
	}
	return v
}

// promValue reads the value of a series from a Prometheus textfile.
func promValue(t *testing.T, text, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\{[^}]*\} (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %s in:\n%s", name, text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A signal to ansible-tap alone (`kill PID`, a supervisor stopping it) is
// forwarded to ansible-playbook, which exits; the workers it started may
// live on, holding its pipes open. ansible-tap must not wait for them: it
// exits while they still run, and says so once.
func TestSignalToAnsibleTapAloneDoesNotWaitForOrphans(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	const sleep = "29.7" // the orphaned worker's command, found by it
	dir := t.TempDir()
	cmd := exec.Command(tap, "-i", filepath.Join("testdata", "inventory", "local.ini"),
		filepath.Join("testdata", "faults", "hangup.yml"), "-e", "sleep="+sleep,
		"--events-file", filepath.Join(dir, "events.jsonl"))
	stdout := &watchedBuffer{}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	cmd.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer killCommandsWith("sleep " + sleep)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if !stdout.waitFor("TASK [Slow]", done) {
		t.Fatalf("the slow task never started:\n%s", stderr.String())
	}
	for len(pidsOf("sleep "+sleep)) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	code := exitCodeOf(t, <-done)
	if len(pidsOf("sleep "+sleep)) == 0 {
		t.Errorf("ansible-tap exited only once the orphaned task was gone: it waited for the pipes it held")
	}
	if code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit code %d, want %d", code, 128+int(syscall.SIGTERM))
	}
	if n := strings.Count(stderr.String(), "still hold its pipes open"); n != 1 {
		t.Errorf("the held pipes are reported %d times, want once:\n%s", n, stderr.String())
	}
	checkRunEnd(t, filepath.Join(dir, "events.jsonl"), code, true)
}

// pidsOf lists the processes whose command line contains text.
func pidsOf(text string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})), text) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func killCommandsWith(text string) {
	for _, pid := range pidsOf(text) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// A replay of a stream that holds no run exits non-zero with one line, and
// writes no report: nothing may claim that a run went well that never was.
func TestReplayOfNothingFails(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name  string
		file  string // "-" reads stdin
		stdin string
		says  string
	}{
		{"an empty file", write("empty.jsonl", ""), "", "the stream is empty"},
		{"empty standard input", "-", "", "the stream is empty"},
		{"a text file", write("notes.txt", "some notes\nno events here\n"), "", "none of its 2 lines is an event"},
		{"a text file without a last newline", write("cut.txt", "not an event"), "", "its only line is not an event"},
		{"JSON that is no event", write("other.jsonl", `{"a":1}`+"\n"+`{"_event":"v2_something_else"}`+"\n"), "", "no run of ansible-playbook"},
		{"a directory", dir, "", "is a directory"},
		{"a missing file", filepath.Join(dir, "missing.jsonl"), "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			reports := []string{"junit.xml", "summary.md", "report.html", "ansible.prom"}
			var stdout, stderr bytes.Buffer
			code := run([]string{"ansible-tap", "replay", tt.file,
				"--junit-file", filepath.Join(out, reports[0]), "--summary-file", filepath.Join(out, reports[1]),
				"--html-file", filepath.Join(out, reports[2]), "--prom-file", filepath.Join(out, reports[3])},
				strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != exitNoRun {
				t.Errorf("exit code %d, want %d", code, exitNoRun)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "ansible-tap: replay: ") || !strings.Contains(lines[0], tt.says) {
				t.Errorf("want one line saying %q, got:\n%s", tt.says, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
			for _, r := range reports {
				if _, err := os.Stat(filepath.Join(out, r)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s was written for a stream with no run", r)
				}
			}
		})
	}
}

// A run-end record whose exit code no process can have is not taken: the
// replay warns and exits with the code the events imply.
func TestReplayRefusesAnImpossibleExitCode(t *testing.T) {
	stream, err := os.ReadFile(filepath.Join("testdata", "streams", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		recorded, want int
		warns          bool
	}{{300, 0, true}, {-1, 0, true}, {2, 2, false}, {255, 255, false}} {
		t.Run(strconv.Itoa(tt.recorded), func(t *testing.T) {
			in := string(stream) + `{"_event":"ansible_tap_run_end","_timestamp":"2026-01-01T00:00:00Z","exit_code":` +
				strconv.Itoa(tt.recorded) + `,"interrupted":false}` + "\n"
			var stderr bytes.Buffer
			code := run([]string{"ansible-tap", "replay", "-", "--format=compact"}, strings.NewReader(in), io.Discard, &stderr)
			if code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
			if warned := strings.Contains(stderr.String(), "no valid exit code"); warned != tt.warns {
				t.Errorf("warned %v, want %v:\n%s", warned, tt.warns, stderr.String())
			}
		})
	}
}

// A replay prints what the run printed: a run made with --no-summary
// replays without the summary, and the replay's own flag still decides
// when it is given.
func TestReplayPrintsWhatTheRunPrinted(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	for _, noSummary := range []bool{true, false} {
		t.Run("--no-summary="+strconv.FormatBool(noSummary), func(t *testing.T) {
			events := filepath.Join(t.TempDir(), "events.jsonl")
			live := runCommand(t, append(os.Environ(), "ANSIBLE_NOCOLOR=1"), tap,
				"-i", filepath.Join("testdata", "inventory", "local.ini"), filepath.Join("testdata", "playbooks", "basic.yml"),
				"--events-file", events, "--no-summary="+strconv.FormatBool(noSummary))
			if live.code != 0 {
				t.Fatalf("exit %d: %s", live.code, live.stderr)
			}
			if hasSummary := strings.Contains(live.stdout, "\nDuration: "); hasSummary == noSummary {
				t.Fatalf("the live run printed its summary: %v, with --no-summary=%v", hasSummary, noSummary)
			}
			var replayed bytes.Buffer
			if code := run([]string{"ansible-tap", "replay", events}, nil, &replayed, io.Discard); code != 0 {
				t.Fatalf("replay exits %d", code)
			}
			if noSummary && replayed.String() != live.stdout {
				t.Errorf("the replay printed\n%s\nthe run printed\n%s", replayed.String(), live.stdout)
			}
			if !noSummary && !strings.Contains(replayed.String(), "\nDuration: ") {
				t.Errorf("the replay left out the summary the run printed:\n%s", replayed.String())
			}
			for _, flag := range []string{"--no-summary=false", "--no-summary"} {
				var out bytes.Buffer
				run([]string{"ansible-tap", "replay", events, flag}, nil, &out, io.Discard)
				if has, want := strings.Contains(out.String(), "\nDuration: "), flag == "--no-summary=false"; has != want {
					t.Errorf("replay %s printed a summary: %v, want %v", flag, has, want)
				}
			}
		})
	}
}

// A replay never writes a report over the recording it reads.
func TestReplayNeverReplacesItsRecording(t *testing.T) {
	stream, err := os.ReadFile(filepath.Join("testdata", "streams", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	recording := filepath.Join(t.TempDir(), "run.jsonl")
	if err := os.WriteFile(recording, stream, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--junit-file", "--summary-file", "--html-file", "--prom-file"} {
		var stderr bytes.Buffer
		code := run([]string{"ansible-tap", "replay", recording, flag, recording}, nil, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "is the recording being replayed") {
			t.Errorf("%s: exit %d, stderr %q; want %d and a refusal", flag, code, stderr.String(), exitUsage)
		}
		if got, _ := os.ReadFile(recording); !bytes.Equal(got, stream) {
			t.Fatalf("%s replaced the recording", flag)
		}
	}
}
