// Package fleetstream builds long event streams from a short recorded one,
// as a fleet's nightly run would write them: the recording's task blocks
// are repeated, each time as new tasks, between its own start and end.
// Benchmarks and memory tests use it to measure ansible-tap on a million
// events without recording them.
package fleetstream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// Stream is a recording split into the parts that Write repeats.
type Stream struct {
	head  [][]byte // up to the first task start
	block [][]byte // the task blocks: from the first task start to the stats
	tail  [][]byte // the stats and what follows
	// ids are where the block's bytes hold a task id: the offset of its
	// last 12 characters, and which of TaskIDs it is.
	ids []idAt
	// TaskIDs are the task ids of the block, in order of appearance.
	TaskIDs [][]byte
	// BlockEvents counts the events of one block.
	BlockEvents int
}

type idAt struct{ offset, task int }

var (
	taskStart = []byte(`"_event":"v2_playbook_on_task_start"`)
	stats     = []byte(`"_event":"v2_playbook_on_stats"`)
	taskID    = regexp.MustCompile(`"task":\{[^{}]*?"id":"([^"]+)"`)
)

// Parse splits a recorded ansible-tap events file (JSON lines).
func Parse(recording []byte) (*Stream, error) {
	s := &Stream{}
	seen := make(map[string]bool)
	part := &s.head
	for line := range bytes.Lines(recording) {
		switch {
		case part == &s.head && bytes.Contains(line, taskStart):
			part = &s.block
		case part == &s.block && bytes.Contains(line, stats):
			part = &s.tail
		}
		*part = append(*part, line)
		if part != &s.block {
			continue
		}
		if !bytes.HasPrefix(line, []byte(`{"_event":"ansible_tap_`)) {
			s.BlockEvents++
		}
		for _, m := range taskID.FindAllSubmatch(line, -1) {
			if !seen[string(m[1])] {
				seen[string(m[1])] = true
				s.TaskIDs = append(s.TaskIDs, m[1])
			}
		}
	}
	if len(s.block) == 0 || len(s.tail) == 0 {
		return nil, errors.New("fleetstream: the recording has no task start or no stats")
	}
	block := bytes.Join(s.block, nil)
	for task, id := range s.TaskIDs {
		if len(id) < 12 {
			return nil, fmt.Errorf("fleetstream: task id %q is shorter than 12 characters", id)
		}
		for i := 0; ; {
			j := bytes.Index(block[i:], id)
			if j < 0 {
				break
			}
			s.ids = append(s.ids, idAt{offset: i + j + len(id) - 12, task: task})
			i += j + len(id)
		}
	}
	return s, nil
}

// Write writes a stream of about events events: the recording's head, its
// task blocks repeated until they hold that many events, and its tail.
// Each repetition gives every task a new id of the same length, so the
// stream's tasks are as many as a run of that length would have. The
// repetitions keep the recording's timestamps: durations are the
// recording's, and a repetition's tasks seem to start before the last one's
// ended.
func (s *Stream) Write(w io.Writer, events int) error {
	for _, l := range s.head {
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	block := bytes.Join(s.block, nil)
	var number [12]byte
	for rep := 0; rep*s.BlockEvents < events; rep++ {
		if rep > 0 {
			for _, at := range s.ids {
				// 1<<32 keeps the numbers apart from the recording's own ids.
				copy(block[at.offset:], fmt.Appendf(number[:0], "%012x", 1<<32+rep*len(s.TaskIDs)+at.task))
			}
		}
		if _, err := w.Write(block); err != nil {
			return err
		}
	}
	for _, l := range s.tail {
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	return nil
}
