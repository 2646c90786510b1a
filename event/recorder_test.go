package event

import (
	"bytes"
	"sync"
)

// recorder is a Handler that keeps what it was given: each event with a copy
// of its raw line, and whether Finish ran with which summary.
type recorder struct {
	mu       sync.Mutex
	events   []*Event
	raws     [][]byte
	finished int
	final    *Summary
	onEvent  func(ev *Event)
}

func (r *recorder) Event(ev *Event, s *Summary) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	r.raws = append(r.raws, bytes.Clone(ev.Raw)) // Raw is only valid until the next event
	if r.onEvent != nil {
		r.onEvent(ev)
	}
	return nil
}

func (r *recorder) Finish(s *Summary) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	r.final = s
	return nil
}

// nonEmptyLines splits data into lines as the decoder does: without the
// newline and one trailing carriage return, empty lines dropped.
func nonEmptyLines(data []byte) [][]byte {
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}
