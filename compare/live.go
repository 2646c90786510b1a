package compare

import (
	"context"
	"sync"

	"github.com/ansible-tap/ansible-tap/event"
)

// Live compares a live run with its baseline while it runs and when it
// ends. It is an event.Handler that builds the run's Table; put it in the
// fan-out ahead of the outputs that ask it for a Mark, so that it has seen
// each event before them. Its baseline is found and loaded in the
// background (Follow): until then, and when the run has no baseline, a
// Mark says nothing and Comparison returns nil.
//
// Event is called from the fan-out's goroutine, and Mark from it or from
// an output's Finish; Comparison may be called from any output's Finish,
// at the same time.
type Live struct {
	builder *Builder
	run     Run

	loaded chan struct{} // closed when the baseline's loading has ended
	base   *baseline     // the baseline, or nil; set before loaded closes
	err    error         // why it could not be loaded
	finder *finder

	once       sync.Once
	comparison *Comparison
}

// Follow returns a Live for the live run run (its id in the history, and
// its start) and starts looking for its baseline in h, the history of the
// run's scope, in the background, within ctx, which should have a
// deadline: the run never waits for its history, and Comparison waits at
// most until then. A nil h gives a Live without a baseline.
func Follow(ctx context.Context, h History, run Run) *Live {
	l := &Live{builder: NewBuilder(), run: run, loaded: make(chan struct{})}
	if h == nil {
		close(l.loaded)
		return l
	}
	go func() {
		defer close(l.loaded)
		found, err := FindBaseline(ctx, h, run)
		if err != nil || found == nil {
			l.err = err
			return
		}
		b, err := loadBaseline(ctx, h, *found)
		if err != nil {
			l.err = err
			return
		}
		l.finder = newFinder(b.table)
		l.base = b
	}()
	return l
}

// Event adds the event to the run's table.
func (l *Live) Event(ev *event.Event, s *event.Summary) error { return l.builder.Event(ev, s) }

// Finish does nothing: Comparison reads the end of the run.
func (l *Live) Finish(*event.Summary) error { return nil }

// ready returns the baseline once it is loaded, without waiting; nil
// before, and without one.
func (l *Live) ready() *baseline {
	select {
	case <-l.loaded:
		return l.base
	default:
		return nil
	}
}

// Ready is closed once the search for the baseline, and its loading,
// have ended, with a baseline or without.
func (l *Live) Ready() <-chan struct{} { return l.loaded }

// Baseline returns the baseline once it is loaded (without waiting), or
// nil.
func (l *Live) Baseline() *Run {
	if b := l.ready(); b != nil {
		r := b.run
		return &r
	}
	return nil
}

// Mark tells what the baseline says of a failure (or unreachable host)
// of task on host that the run just reported: new, or failing since an
// earlier run. Its task is found in the baseline by the matching rule's
// keys, one task at a time (see the package's documentation).
func (l *Live) Mark(task *event.Task, host string) Mark {
	b := l.ready()
	if b == nil || task == nil {
		return Mark{}
	}
	i, ok := l.builder.byID[task.ID]
	if !ok {
		return Mark{New: true}
	}
	ai := l.finder.find(l.builder.t.tasks[i])
	if ai < 0 {
		return Mark{New: true}
	}
	ah, ok := b.table.hostIndex[host]
	at := b.table.tasks[ai]
	if !ok || ah >= len(at.cells) || !at.cells[ah].status.failing() {
		return Mark{New: true}
	}
	if st := b.streaks[cellRef{ai, ah}]; st != nil {
		s := *st
		return Mark{Since: &s}
	}
	return Mark{}
}

// Comparison waits for the baseline to be loaded and returns the
// comparison of the ended run, whose Summary s is, with it: nil when the
// run has no baseline (or the run no history: l is nil), and an error when
// it could not be read. It is computed once, by its first caller; call it
// once the run has ended.
func (l *Live) Comparison(s *event.Summary) (*Comparison, error) {
	if l == nil {
		return nil, nil
	}
	<-l.loaded
	if l.err != nil || l.base == nil {
		return nil, l.err
	}
	l.once.Do(func() {
		t := l.builder.Table(s)
		t.Run.ID = l.run.ID
		l.comparison = l.base.compare(t)
	})
	return l.comparison, nil
}
