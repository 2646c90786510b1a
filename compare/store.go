package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// History is what a comparison reads of the runs recorded before a run, in
// that run's scope (the same playbooks, inventories, --limit and check
// mode): a run store gives it (history.Comparable). The comparison never
// names a store: it imports the event model alone.
type History interface {
	// Before lists the runs of the scope that started before t, newest
	// first, at most limit of them.
	Before(ctx context.Context, t time.Time, limit int) ([]Run, error)
	// Failed lists the failed results that a run's record holds.
	Failed(ctx context.Context, id string) ([]FailedResult, error)
	// Stream opens a run's recorded event stream.
	Stream(ctx context.Context, id string) (io.ReadCloser, error)
}

// Run is a recorded run, as a comparison needs to know it.
type Run struct {
	ID    string
	Start time.Time
	// Comparable says that the run can be a baseline, or extend a streak:
	// it ran to its end (an interrupted run did not get to every task),
	// on some host (not a run that stopped at a syntax error).
	Comparable bool
}

// FailedResult is a failed result in a run's record: the task's name, its
// path ("file:line"), the host, and what became of it (its Failure.Fate:
// fatal, ignored, rescued or unreachable).
type FailedResult struct {
	Task, TaskPath, Host string
	Disposition          event.Disposition
}

// ErrNoBaseline is returned when a run has no earlier comparable run.
var ErrNoBaseline = errors.New("no earlier run of the same playbook with the same inventory, --limit and check mode")

// baselineCandidates bounds the runs FindBaseline looks through for one it
// can compare with (one that ran to its end, on some host).
const baselineCandidates = 20

// FindBaseline returns the run that run is compared with: the newest
// comparable run of its scope that started before it. run need not be
// recorded yet: a live run finds its baseline before it is committed. It
// returns nil and no error when there is none.
func FindBaseline(ctx context.Context, h History, run Run) (*Run, error) {
	runs, err := h.Before(ctx, run.Start, baselineCandidates)
	if err != nil {
		return nil, fmt.Errorf("finding the run to compare with: %w", err)
	}
	for i := range runs {
		if runs[i].ID != run.ID && runs[i].Comparable {
			return &runs[i], nil
		}
	}
	return nil, nil
}

// LoadTable reads the table of the run with that id from its stored
// stream. The table's Run.ID is the id.
func LoadTable(ctx context.Context, h History, id string) (*Table, error) {
	stream, err := h.Stream(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	defer stream.Close()
	t, err := ReadTable(stream)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	t.Run.ID = id
	return t, nil
}

// Diff compares the recorded run run with the recorded run base, or, when
// base is nil, with its baseline (FindBaseline; ErrNoBaseline when it has
// none). Still failing results get their streaks, walking back from the
// baseline through earlier runs of its scope. Both streams are read at
// once.
func Diff(ctx context.Context, h History, base *Run, run Run) (*Comparison, error) {
	if base == nil {
		found, err := FindBaseline(ctx, h, run)
		if err != nil {
			return nil, err
		}
		if found == nil {
			return nil, fmt.Errorf("run %s: %w", run.ID, ErrNoBaseline)
		}
		base = found
	}
	var (
		table  *Table
		runErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		table, runErr = LoadTable(ctx, h, run.ID)
	}()
	b, baseErr := loadBaseline(ctx, h, *base)
	<-done
	if err := errors.Join(baseErr, runErr); err != nil {
		return nil, err
	}
	return b.compare(table), nil
}
