package fleetstream

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ansible-tap/ansible-tap/runner"
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
		d := runner.NewDecoder(&b)
		sum := runner.NewSummary()
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
			if ev.Kind == runner.PlaybookStart || ev.Kind == runner.PlayStart {
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
