package fleetstream

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// TestWriteRepeatsTaskBlocksAsNewTasks builds runs of several lengths from
// the fleet recording and decodes them: each has its head and tail once,
// about the events asked for, one task per task start, and the recap counts
// of the recording's tasks times the repetitions.
func TestWriteRepeatsTaskBlocksAsNewTasks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.TaskIDs) != 20 || s.BlockEvents < 1000 {
		t.Fatalf("the recording's block has %d tasks and %d events, want 20 tasks of 50 hosts", len(s.TaskIDs), s.BlockEvents)
	}
	for _, reps := range []int{1, 3, 10} {
		var b bytes.Buffer
		if err := s.Write(&b, reps*s.BlockEvents); err != nil {
			t.Fatal(err)
		}
		d := event.NewDecoder(&b)
		sum := event.NewSummary()
		starts := 0
		for {
			ev, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			sum.Add(ev)
			if ev.Kind == event.PlaybookStart || ev.Kind == event.PlayStart {
				starts++
			}
		}
		if starts != 2 || !sum.Complete || d.NonEvents != 0 {
			t.Errorf("%d repetitions: %d playbook and play starts, complete %t, %d lines not events", reps, starts, sum.Complete, d.NonEvents)
		}
		if len(sum.Tasks) != reps*len(s.TaskIDs) {
			t.Errorf("%d repetitions: %d tasks, want %d", reps, len(sum.Tasks), reps*len(s.TaskIDs))
		}
		if got, want := sum.Events, reps*s.BlockEvents; got < want || got > want+10 {
			t.Errorf("%d repetitions: %d events, want %d and the head and tail", reps, got, want)
		}
		c := sum.Counts["node07"]
		if c == nil || c.Ignored != reps*4 || c.OK != reps*20 {
			t.Errorf("%d repetitions: node07 counts %+v, want %d ok with %d ignored", reps, c, reps*20, reps*4)
		}
	}
}

// TestWriteFleet builds runs of many hosts from the fleet recording and
// decodes them: as many hosts and tasks as asked, every host's results
// under its own name, and stats equal to the counts the events give,
// host by host; a shifted run gives each host another recorded host's
// results.
func TestWriteFleet(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Fleet{{Hosts: 120, Tasks: 45}, {Hosts: 120, Tasks: 45, Shift: 3}, {Hosts: 30, Tasks: 7}} {
		var b bytes.Buffer
		if err := s.WriteFleet(&b, f); err != nil {
			t.Fatal(err)
		}
		sum, err := event.Replay(&b, event.Discard, io.Discard, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Hosts) != f.Hosts || len(sum.Tasks) != f.Tasks || !sum.Complete || sum.Interrupted {
			t.Errorf("%+v: %d hosts, %d tasks, complete %v", f, len(sum.Hosts), len(sum.Tasks), sum.Complete)
		}
		for _, h := range sum.Hosts {
			if got, want := *sum.Counts[h], sum.Reported[h]; got != want {
				t.Errorf("%+v: %s: the events count %+v, the stats say %+v", f, h, got, want)
			}
		}
		if f.Hosts != len(sum.Reported) {
			t.Errorf("%+v: stats of %d hosts", f, len(sum.Reported))
		}
		// node07 of the recording fails and carries on; so does host 7
		// of each 50, or host 7-Shift.
		for _, k := range []int{6, 56, 106} {
			if k >= f.Hosts || f.Tasks < 5 {
				continue
			}
			ignored := sum.Counts[FleetHost((k-f.Shift+50)%50+k/50*50)].Ignored
			if ignored == 0 {
				t.Errorf("%+v: %s carried on after no failure", f, FleetHost(k-f.Shift))
			}
		}
		for _, task := range sum.Tasks {
			if task.Done() != f.Hosts {
				t.Errorf("%+v: task %q ran on %d hosts", f, task.Task.Name, task.Done())
				break
			}
		}
	}
}
