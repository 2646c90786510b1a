package runner

import (
	"bytes"
	"sync"

	"github.com/ansible-tap/ansible-tap/event"
)

// recorder is a Handler that keeps what it was given: each event with a copy
// of its raw line, and whether Finish ran with which summary.
type recorder struct {
	mu       sync.Mutex
	events   []*event.Event
	raws     [][]byte
	finished int
	final    *event.Summary
	onEvent  func(ev *event.Event)
}

func (r *recorder) Event(ev *event.Event, s *event.Summary) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	r.raws = append(r.raws, bytes.Clone(ev.Raw)) // Raw is only valid until the next event
	if r.onEvent != nil {
		r.onEvent(ev)
	}
	return nil
}

func (r *recorder) Finish(s *event.Summary) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished++
	r.final = s
	return nil
}

// kinds lists the kinds of the recorded events, in order.
func (r *recorder) kinds() []event.Kind {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]event.Kind, len(r.events))
	for i, ev := range r.events {
		out[i] = ev.Kind
	}
	return out
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
