package metrics

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// signalOnTask sends a signal once a host starts the named task.
type signalOnTask struct {
	task string
	sig  os.Signal
	ch   chan os.Signal
	once sync.Once
}

func (h *signalOnTask) Event(ev *event.Event, _ *event.Summary) error {
	if ev.Kind == event.RunnerStart && ev.Task != nil && ev.Task.Name == h.task {
		h.once.Do(func() { h.ch <- h.sig })
	}
	return nil
}

func (h *signalOnTask) Finish(*event.Summary) error { return nil }

// TestInterruptedRun stops a real run in the middle of a task: the
// textfile is still written, and the run is marked interrupted in it and
// in the trace.
func TestInterruptedRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	t.Setenv("TRACEPARENT", "")
	file := filepath.Join(t.TempDir(), "ansible.prom")
	recv, err := otlpreceiver.StartHTTP()
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL})
	if err != nil {
		t.Fatal(err)
	}
	signals := make(chan os.Signal, 1)
	trigger := &signalOnTask{task: "sleep", sig: syscall.SIGTERM, ch: signals}
	s := runPlaybook(t, "sleep.yml", event.NewFanout(zerolog.Nop(), trigger, NewProm(PromOptions{File: file}), otlp), signals, nil)
	if !s.Interrupted {
		t.Fatalf("the run was not interrupted (exit code %d)", s.ExitCode)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fams := parseExposition(t, f)
	pb := map[string]string{"playbook": "testdata/sleep.yml"}
	for outcome, want := range map[string]float64{"interrupted": 1, "ok": 0, "changed": 0, "failed": 0} {
		if got := gaugeValue(t, fams, "ansible_playbook_outcome", map[string]string{"playbook": pb["playbook"], "outcome": outcome}); got != want {
			t.Errorf("outcome{%s} = %v, want %v", outcome, got, want)
		}
	}
	if got := gaugeValue(t, fams, "ansible_playbook_success", pb); got != 0 {
		t.Errorf("success = %v, want 0", got)
	}
	if got := gaugeValue(t, fams, "ansible_playbook_exit_code", pb); got != float64(s.ExitCode) {
		t.Errorf("exit_code = %v, want %d", got, s.ExitCode)
	}
	var root bool
	for _, rs := range recv.ResourceSpans() {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				if sp.Name == "playbook testdata/sleep.yml" {
					root = true
					if a := attrs(sp.Attributes); !a["ansible.interrupted"].GetBoolValue() || sp.Status.GetMessage() == "" {
						t.Errorf("playbook span %v is not marked interrupted", sp)
					}
				}
			}
		}
	}
	if !root {
		t.Error("no playbook span received")
	}
}
