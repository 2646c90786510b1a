package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

func testdataPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// playbookOptions runs testdata/PLAYBOOK on testdata/inventory.ini into h,
// with Ansible's own output discarded.
func playbookOptions(t *testing.T, playbook string, h event.Handler) Options {
	t.Helper()
	return Options{
		Command: "ansible-playbook",
		Args:    []string{"-i", testdataPath(t, "inventory.ini"), testdataPath(t, playbook)},
		Stdout:  io.Discard,
		Stderr:  io.Discard,
		Handler: h,
	}
}

// logMessages counts the messages of a zerolog JSON log.
func logMessages(data []byte) map[string]int {
	counts := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var line struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil {
			counts[line.Message]++
		}
	}
	return counts
}

// startedPid is the child's pid from runner's "ansible-playbook started" log line.
func startedPid(data []byte) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var line struct {
			Message string `json:"message"`
			Pid     int    `json:"pid"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "ansible-playbook started" {
			return line.Pid
		}
	}
	return 0
}

// plainExitCode runs ansible-playbook itself on the sleep playbook, sends it
// sig while the long task runs, and returns its exit code.
func plainExitCode(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	dir := t.TempDir()
	cmd := startHelper(t, "exec", dir, "-i", testdataPath(t, "inventory.ini"), testdataPath(t, "sleep.yml"))
	_, procs := waitForDescendant(t, cmd.Process.Pid, "sleep 30")
	reapOrphans(t, &procs)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return exitCodeSignalBase + int(ws.Signal())
	}
	return ws.ExitStatus()
}

func TestSignalsForwardedOnce(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	tests := []struct {
		name string
		sig  syscall.Signal
	}{
		{"SIGINT", syscall.SIGINT},
		{"SIGTERM", syscall.SIGTERM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := plainExitCode(t, tt.sig)
			if want == 0 {
				t.Fatalf("plain ansible-playbook ignored %v: the comparison would prove nothing", tt.sig)
			}

			dir := t.TempDir()
			cmd := startHelper(t, "run", dir, "-i", testdataPath(t, "inventory.ini"), testdataPath(t, "sleep.yml"))
			_, procs := waitForDescendant(t, cmd.Process.Pid, "sleep 30")
			reapOrphans(t, &procs)
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			// Once runner has forwarded it, the same signal again (a second
			// kill, an impatient user) must not reach the child.
			forwarded := func() bool {
				data, _ := os.ReadFile(filepath.Join(dir, "log.jsonl"))
				return logMessages(data)["forwarding signal to ansible-playbook"] > 0
			}
			if waitFor(400, forwarded) {
				cmd.Process.Signal(tt.sig) // the helper may be gone already
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("helper: %v", err)
			}
			rep := readReport(t, dir)
			if rep.ExitCode != want {
				t.Errorf("ExitCode = %d, want %d as plain ansible-playbook", rep.ExitCode, want)
			}
			if !rep.Interrupted || rep.Complete {
				t.Errorf("Interrupted = %v, Complete = %v; want an interrupted run", rep.Interrupted, rep.Complete)
			}
			if rep.Finished != 1 || rep.Events == 0 || rep.Err != "" {
				t.Errorf("Finish ran %d times after %d events (err %q); want once after some", rep.Finished, rep.Events, rep.Err)
			}
			data, _ := os.ReadFile(filepath.Join(dir, "log.jsonl"))
			if n := logMessages(data)["forwarding signal to ansible-playbook"]; n != 1 {
				t.Errorf("signal forwarded %d times, want once; log:\n%s", n, data)
			}
		})
	}
}

func TestChildKilled(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	var log testio.Buffer
	rec := &recorder{}
	var procs []procStat
	reapOrphans(t, &procs)
	killed := make(chan error, 1)
	go func() {
		var pid int
		if !waitFor(1200, func() bool { pid = startedPid(log.Bytes()); return pid != 0 }) {
			killed <- io.ErrUnexpectedEOF
			return
		}
		_, procs = waitForDescendant(t, pid, "sleep 30")
		t.Logf("killing pid %d at %s", pid, time.Now().Format("15:04:05.000"))
		killed <- syscall.Kill(pid, syscall.SIGKILL)
	}()
	var events bytes.Buffer
	s, err := Run(context.Background(), Options{
		Command:    "ansible-playbook",
		Args:       []string{"-i", testdataPath(t, "inventory.ini"), testdataPath(t, "sleep.yml")},
		Stdout:     io.Discard,
		Stderr:     io.Discard,
		Handler:    rec,
		EventsFile: &events,
		Log:        zerolog.New(&log).Level(zerolog.DebugLevel),
	})
	t.Logf("Run returned at %s", time.Now().Format("15:04:05.000"))
	if kerr := <-killed; kerr != nil {
		t.Fatalf("killing the child: %v", kerr)
	}
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if s.ExitCode != 137 {
		t.Errorf("ExitCode = %d, want 137", s.ExitCode)
	}
	if !s.Interrupted || s.Complete {
		t.Errorf("Interrupted = %v, Complete = %v; want an interrupted run", s.Interrupted, s.Complete)
	}
	if rec.finished != 1 || rec.final != s {
		t.Errorf("Finish ran %d times; want once with the returned summary", rec.finished)
	}
	if !slices.Contains(rec.kinds(), event.RunnerStart) {
		t.Errorf("events before the kill were lost: %v", rec.kinds())
	}
	// The events file closes with the run's end as it was: its replay reads
	// the same exit code and the same interruption.
	replayed, err := event.Replay(bytes.NewReader(events.Bytes()), &recorder{}, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if replayed.ExitCode != 137 || !replayed.Interrupted {
		t.Errorf("replayed ExitCode %d, Interrupted %v; want 137 and interrupted", replayed.ExitCode, replayed.Interrupted)
	}
	if !bytes.Contains(events.Bytes(), []byte(`"exit_code":137,"interrupted":true}`)) {
		t.Errorf("the events file does not record an interrupted run:\n%s", events.Bytes()[max(0, events.Len()-300):])
	}
}

func TestChildDiesWithAnsibleTap(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	dir := t.TempDir()
	cmd := startHelper(t, "run", dir, "-i", testdataPath(t, "inventory.ini"), testdataPath(t, "sleep.yml"))
	_, procs := waitForDescendant(t, cmd.Process.Pid, "sleep 30")
	reapOrphans(t, &procs)
	var child procStat
	for _, p := range procs {
		if p.ppid == cmd.Process.Pid {
			child = p
		}
	}
	if child.pid == 0 || !strings.Contains(cmdline(child.pid), "ansible-playbook") {
		t.Fatalf("no ansible-playbook child of the helper among %v", procs)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !waitFor(200, func() bool { return !child.alive() }) {
		t.Errorf("ansible-playbook (pid %d) outlived ansible-tap by 10s", child.pid)
	}
}

func TestUserCallbackPluginsKeepWorking(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	cfgDir := testdataPath(t, "usercb")
	tests := []struct {
		name string
		cwd  string // "" keeps the test's
		env  []string
	}{
		{"ANSIBLE_CONFIG names the file", "", []string{"ANSIBLE_CONFIG=" + filepath.Join(cfgDir, "ansible.cfg")}},
		{"ANSIBLE_CONFIG names the directory", "", []string{"ANSIBLE_CONFIG=" + cfgDir}},
		{"ansible.cfg in the working directory", cfgDir, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			marker := filepath.Join(t.TempDir(), "marker")
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "ANSIBLE_") {
					env = append(env, kv)
				}
			}
			env = append(env, tt.env...)
			env = append(env, "TAP_TEST_MARKER="+marker)
			args := []string{"-i", testdataPath(t, "inventory.ini"), testdataPath(t, "ok.yml")}
			if tt.cwd != "" {
				t.Chdir(tt.cwd)
			}
			rec := &recorder{}
			s, err := Run(context.Background(), Options{
				Command: "ansible-playbook", Args: args, Env: env,
				Stdout: io.Discard, Stderr: io.Discard, Handler: rec,
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.ExitCode != 0 || !s.Complete {
				t.Errorf("ExitCode %d, Complete %v; want a complete successful run", s.ExitCode, s.Complete)
			}
			got, err := os.ReadFile(marker)
			if err != nil {
				t.Fatalf("the user's callback did not run: %v", err)
			}
			if string(got) != "stats web1 web2\n" {
				t.Errorf("marker = %q", got)
			}
		})
	}
}

func TestEventsFileIsWhatWasDecoded(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	var events, text bytes.Buffer
	rec := &recorder{}
	opts := playbookOptions(t, "ok.yml", rec)
	opts.EventsFile, opts.Text = &events, &text
	s, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Complete || len(rec.raws) == 0 {
		t.Fatalf("Complete %v after %d events", s.Complete, len(rec.raws))
	}
	if !bytes.HasSuffix(events.Bytes(), []byte("\n")) {
		t.Errorf("the events file does not end with a newline")
	}
	lines := nonEmptyLines(events.Bytes())
	if len(lines) < 2 || !bytes.HasPrefix(lines[len(lines)-1], []byte(`{"_event":"ansible_tap_run_end"`)) {
		t.Fatalf("the events file does not end with the run's exit code")
	}
	if !bytes.HasPrefix(lines[0], []byte(`{"_event":"ansible_tap_run_start"`)) || !bytes.Contains(lines[0], []byte(`"console":true`)) {
		t.Fatalf("the events file does not start by saying that it records the console: %s", lines[0])
	}
	// Between them: Ansible's events, as decoded, and what it printed.
	var got [][]byte
	var console bytes.Buffer
	d := event.NewDecoder(bytes.NewReader(events.Bytes()))
	d.Console = func(_ string, data []byte) { console.Write(data) }
	for _, line := range lines[1 : len(lines)-1] {
		if bytes.HasPrefix(line, []byte(`{"_event":"ansible_tap_console"`)) {
			continue
		}
		got = append(got, line)
	}
	if !reflect.DeepEqual(got, rec.raws) {
		t.Errorf("the events file has %d event lines, the handler saw %d events; they differ", len(got), len(rec.raws))
	}
	if _, err := event.ReplayDecoder(d, &recorder{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(console.String(), "PLAY RECAP") {
		t.Errorf("the events file does not hold what ansible-playbook printed; its console records say:\n%s", console.String())
	}
	if text.Len() != 0 {
		t.Errorf("text on the events pipe: %q", text.String())
	}

	replayed := &recorder{}
	rs, err := event.Replay(bytes.NewReader(events.Bytes()), replayed, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(replayed.kinds(), rec.kinds()) {
		t.Errorf("replayed kinds %v, live %v", replayed.kinds(), rec.kinds())
	}
	for _, h := range s.RecapHosts() {
		if rs.Recap(h) != s.Recap(h) {
			t.Errorf("%s: replayed recap %+v, live %+v", h, rs.Recap(h), s.Recap(h))
		}
	}
	if rs.ExitCode != s.ExitCode || rs.Interrupted {
		t.Errorf("replayed ExitCode %d Interrupted %v, live %d", rs.ExitCode, rs.Interrupted, s.ExitCode)
	}
}

// failingWriter accepts n bytes, then fails every write.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, syscall.ENOSPC
	}
	w.n -= len(p)
	return len(p), nil
}

// An events file that fails (a full disk) ends its recording, never the
// run, nor the history's recording of it: every event still reaches the
// handlers and the history, and the exit code is Ansible's.
func TestEventsFileFailureKeepsTheRunGoing(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	var log, history bytes.Buffer
	rec := &recorder{}
	opts := playbookOptions(t, "ok.yml", rec)
	opts.EventsFile, opts.History, opts.Log = &failingWriter{n: 100}, &history, zerolog.New(&log)
	s, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Complete || s.ExitCode != 0 {
		t.Errorf("Complete %v, ExitCode %d: the run did not finish as Ansible's", s.Complete, s.ExitCode)
	}
	if kinds := rec.kinds(); len(kinds) == 0 || kinds[len(kinds)-1] != event.PlaybookStats {
		t.Errorf("the handler saw %v, want every event up to the stats", kinds)
	}
	if n := logMessages(log.Bytes())["writing the events file failed; its recording stops here, the run goes on"]; n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, log.String())
	}
	lines := bytes.Split(bytes.TrimSuffix(history.Bytes(), []byte("\n")), []byte("\n"))
	if !bytes.Contains(lines[len(lines)-1], []byte(`"_event":"ansible_tap_run_end","_timestamp"`)) {
		t.Errorf("the history's recording does not end with the run-end record: %s", lines[len(lines)-1])
	}
}

// A real task that returns 8 MiB of stdout, eight times the line limit: the
// event line that carries it is read in pieces, the event keeps its host,
// task and status with its stdout cut and marked, the events file records
// the line whole, and the run goes on to its recap.
func TestHugeResultFromARealRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	const size = 8 << 20
	var huge *event.Event
	var after bool
	rec := &recorder{onEvent: func(ev *event.Event) {
		if ev.Kind != event.RunnerOK || ev.Task == nil {
			return
		}
		switch ev.Task.Name {
		case "print 8 MiB":
			c := *ev
			c.Raw = bytes.Clone(ev.Raw)
			huge = &c
		case "after the huge result":
			after = true
		}
	}}
	var events bytes.Buffer
	opts := playbookOptions(t, "huge.yml", rec)
	opts.EventsFile, opts.MaxLine = &events, 1<<20
	s, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if huge == nil {
		t.Fatal("no result of the huge task")
	}
	var r struct {
		Stdout string `json:"stdout"`
	}
	if err := json.Unmarshal(huge.Result.Raw, &r); err != nil {
		t.Errorf("the shrunk result does not decode: %v", err)
	}
	keep := opts.MaxLine / 16
	note := event.TruncationNote(int64(size - keep))
	if r.Stdout != strings.Repeat("x", keep)+note {
		t.Errorf("stdout is %d bytes, ending %q; want %d bytes of x and %q", len(r.Stdout), r.Stdout[max(0, len(r.Stdout)-40):], keep, note)
	}
	if huge.Host != "web1" || huge.Status() != event.StatusOK || huge.Truncated < 2*size-int64(opts.MaxLine) {
		t.Errorf("host %q, status %s, %d bytes left out", huge.Host, huge.Status(), huge.Truncated)
	}
	if !after || !s.Complete || s.ExitCode != 0 {
		t.Errorf("after the huge result: next task seen %v, Complete %v, ExitCode %d", after, s.Complete, s.ExitCode)
	}
	if s.Recap("web1") != s.Reported["web1"] {
		t.Errorf("derived recap %+v, Ansible's %+v", s.Recap("web1"), s.Reported["web1"])
	}
	var whole bool
	for _, line := range nonEmptyLines(events.Bytes()) {
		whole = whole || len(line) > 2*size && bytes.Contains(line, []byte(`"stdout":"`+strings.Repeat("x", size)+`"`))
	}
	if !whole {
		t.Errorf("the events file does not hold the huge line whole")
	}
}

// stopCheck is a handler whose Finish signals ansible-tap, as a user would
// press Ctrl-C again while the outputs finish, and waits for StopWaiting.
type stopCheck struct {
	signals chan os.Signal
	stop    chan struct{}
	stopped bool
}

func (h *stopCheck) Event(*event.Event, *event.Summary) error { return nil }

func (h *stopCheck) Finish(*event.Summary) error {
	h.signals <- syscall.SIGINT
	select {
	case <-h.stop:
		h.stopped = true
	case <-time.After(time.Minute):
	}
	return nil
}

// A signal that arrives after ansible-playbook ended, while the outputs
// finish, closes StopWaiting: it is not forwarded to a child that is gone.
func TestSignalWhileFinishingStopsWaiting(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	h := &stopCheck{signals: make(chan os.Signal, 1), stop: make(chan struct{})}
	opts := playbookOptions(t, "ok.yml", h)
	opts.Signals, opts.StopWaiting = h.signals, h.stop
	s, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !h.stopped {
		t.Error("StopWaiting was not closed by the signal")
	}
	if s.ExitCode != 0 || !s.Complete {
		t.Errorf("ExitCode %d, Complete %v: the late signal changed the run", s.ExitCode, s.Complete)
	}
}

// An ansible-playbook that cannot be started still finishes the handlers,
// with the exit code a shell reports and the playbook named on the line,
// and its events file says so.
func TestNotStartedFinishesTheHandlers(t *testing.T) {
	rec := &recorder{}
	var events bytes.Buffer
	s, err := Run(context.Background(), Options{
		Command: "/nonexistent/ansible-playbook", Args: []string{"-i", "inventory", "site.yml"},
		Handler: rec, EventsFile: &events, Log: zerolog.Nop(),
	})
	if !errors.Is(err, ErrStart) {
		t.Fatalf("err = %v, want ErrStart", err)
	}
	if rec.finished != 1 || rec.final != s || s.ExitCode != ExitNotStarted {
		t.Fatalf("Finish ran %d times; ExitCode %d", rec.finished, s.ExitCode)
	}
	if want, _ := filepath.Abs("site.yml"); s.Playbook == nil || s.Playbook.Path != want {
		t.Errorf("Playbook %+v, want %s", s.Playbook, want)
	}
	replayed, _ := event.Replay(bytes.NewReader(events.Bytes()), &recorder{}, io.Discard, zerolog.Nop())
	if replayed.ExitCode != ExitNotStarted {
		t.Errorf("the events file replays with exit code %d", replayed.ExitCode)
	}
}
