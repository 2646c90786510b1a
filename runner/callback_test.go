package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// runCallbackCheck runs testdata/callback_check.py CASE with the embedded
// callback under ansible-playbook's own Python and ansible-core, and
// decodes the records the callback wrote.
func runCallbackCheck(t *testing.T, check string) ([]*Event, *Summary, string) {
	t.Helper()
	python, pythonPath := ansiblePython(t)
	plugin := filepath.Join(t.TempDir(), callbackName+".py")
	if err := os.WriteFile(plugin, callbackSource, 0o600); err != nil {
		t.Fatal(err)
	}
	// A callback that deadlocked would hang the check: it is stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/callback_check.py", plugin, check)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+pythonPath)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("callback_check.py %s: %v\n%s", check, err, stderr.Bytes())
	}
	var logged bytes.Buffer
	d := NewDecoder(&stdout)
	d.Log = zerolog.New(&logged)
	var nonEvents bytes.Buffer
	d.Text = &nonEvents
	rec := &recorder{}
	s, err := ReplayDecoder(d, rec)
	if err != nil {
		t.Fatal(err)
	}
	if nonEvents.Len() > 0 {
		t.Errorf("the callback wrote lines that are not whole events:\n%.2000s", nonEvents.Bytes())
	}
	return rec.events, s, logged.String()
}

// TestCallbackKeepsUnencodableRecords: a result that cannot be encoded still
// gives its event with its identity, status and disposition, says why, and
// counts for its host alone.
func TestCallbackKeepsUnencodableRecords(t *testing.T) {
	events, s, logged := runCallbackCheck(t, "unencodable")
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	ev := events[0]
	if ev.Kind != RunnerFailed || ev.Host != "h1" || ev.Task.Name != "Unencodable" || ev.Disposition != Ignored {
		t.Errorf("event %s on %q of task %q, %s; want runner_on_failed on h1 of Unencodable, ignored", ev.Kind, ev.Host, ev.Task.Name, ev.Disposition)
	}
	if ev.Result.Msg != "loops back" || ev.Result.RC == nil || *ev.Result.RC != 2 || !ev.Result.Changed {
		t.Errorf("result %+v: want its msg, rc and changed kept", ev.Result)
	}
	if !strings.Contains(string(ev.Raw), `"encode_error"`) || !strings.Contains(logged, "could not encode") {
		t.Errorf("nothing says what could not be encoded: record %s, log %s", ev.Raw, logged)
	}
	if got := fmt.Sprint(s.Hosts); got != "[h1]" {
		t.Errorf("hosts %s, want [h1]", got)
	}
}

// TestCallbackHookThatRaises: a hook that cannot describe its result still
// emits its event with the task and host, and a diagnostic record.
func TestCallbackHookThatRaises(t *testing.T) {
	events, s, logged := runCallbackCheck(t, "raises")
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	ev := events[0]
	if ev.Kind != RunnerFailed || ev.Host != "h1" || ev.Task.Name != "Raises" {
		t.Errorf("event %s on %q of task %q; want runner_on_failed on h1 of Raises", ev.Kind, ev.Host, ev.Task.Name)
	}
	if !strings.Contains(string(ev.Raw), "this task cannot be read") {
		t.Errorf("the event does not say what went wrong: %s", ev.Raw)
	}
	if !strings.Contains(logged, "v2_runner_on_failed") || !strings.Contains(logged, "could not describe") {
		t.Errorf("no diagnostic record for the hook; log: %s", logged)
	}
	if c := s.Counts["h1"]; c == nil || c.Failures != 1 || len(s.Counts) != 1 {
		t.Errorf("counts %v; want one failure on h1 and no other host", s.Counts)
	}
}

// TestCallbackConcurrentWritesStayWhole: Ansible calls item callbacks from
// its results thread while others run; events far larger than an atomic
// pipe write, written by many threads at once, all arrive whole.
func TestCallbackConcurrentWritesStayWhole(t *testing.T) {
	const threads, items = 16, 50 // callback_check.py's THREADS and ITEMS_PER_THREAD
	events, _, _ := runCallbackCheck(t, "concurrent")
	seen := make(map[string]bool)
	for _, ev := range events {
		if ev.Kind != ItemOK {
			t.Errorf("unexpected %s event", ev.Kind)
			continue
		}
		seen[ev.Host+"/"+ev.Item] = true
	}
	if len(seen) != threads*items {
		t.Errorf("%d distinct item events arrived whole, want %d", len(seen), threads*items)
	}
}
