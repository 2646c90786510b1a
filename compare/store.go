package compare

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ansible-tap/ansible-tap/history"
)

// Source is what the comparison reads of a run history; a history.Store
// is one.
type Source interface {
	// List returns the runs that match filter, newest first.
	List(ctx context.Context, filter history.Filter) ([]history.Run, error)
	// Get returns a run's whole record, its failed tasks included.
	Get(ctx context.Context, id string) (*history.Run, error)
	// Stream opens a run's recorded event stream.
	Stream(ctx context.Context, id string) (io.ReadCloser, error)
}

// ErrNoBaseline is returned when a run has no earlier comparable run.
var ErrNoBaseline = errors.New("no earlier run of the same playbook with the same inventory, --limit and check mode")

// baselineCandidates bounds the runs FindBaseline looks through for one it
// can compare with (one that ran to its end, on some host).
const baselineCandidates = 20

// FindBaseline returns the run that run is compared with: the newest run
// of the same scope (the same playbooks, inventories, --limit and check
// mode: history.Scope) that started before it, ran to its end and had
// hosts. run need not be in the history: a live run's record, with its
// start, finds its baseline before it is committed; without a start,
// every run is earlier. It returns nil and no error when there is none.
func FindBaseline(ctx context.Context, src Source, run *history.Run) (*history.Run, error) {
	scope := run.Scope()
	runs, err := src.List(ctx, history.Filter{Scope: &scope, Before: run.Start, Limit: baselineCandidates})
	if err != nil {
		return nil, fmt.Errorf("finding the run to compare with: %w", err)
	}
	for i := range runs {
		if runs[i].ID != run.ID && comparable(&runs[i]) {
			return &runs[i], nil
		}
	}
	return nil, nil
}

// comparable reports whether a run can be a baseline, or extend a streak:
// it ran to its end (an interrupted run did not get to every task), and
// on some host (not a run that stopped at a syntax error).
func comparable(r *history.Run) bool {
	s := r.HostStates
	return !r.Interrupted && s.OK+s.Changed+s.Failed+s.Unreachable > 0
}

// LoadTable reads the table of the run with that id from its stored
// stream. The table's Run.ID is the id.
func LoadTable(ctx context.Context, src Source, id string) (*Table, error) {
	stream, err := src.Stream(ctx, id)
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

// Diff compares the stored run runID with the stored run baseID, or, when
// baseID is "", with its baseline (FindBaseline; ErrNoBaseline when it has
// none). Still failing results get their streaks, walking back from the
// baseline through earlier runs of its scope. Both streams are read at
// once.
func Diff(ctx context.Context, src Source, baseID, runID string) (*Comparison, error) {
	run, err := src.Get(ctx, runID)
	if err != nil {
		return nil, err
	}
	var base *history.Run
	if baseID == "" {
		if base, err = FindBaseline(ctx, src, run); err != nil {
			return nil, err
		}
		if base == nil {
			return nil, fmt.Errorf("run %s: %w", runID, ErrNoBaseline)
		}
	} else if base, err = src.Get(ctx, baseID); err != nil {
		return nil, err
	}
	var (
		table  *Table
		runErr error
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		table, runErr = LoadTable(ctx, src, runID)
	}()
	b, baseErr := loadBaseline(ctx, src, base)
	<-done
	if err := errors.Join(baseErr, runErr); err != nil {
		return nil, err
	}
	return b.compare(table), nil
}
