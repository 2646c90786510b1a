package history

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
)

// Comparable is the history that run is compared with: the recorded runs
// of its scope (the same playbooks, inventories, --limit and check mode),
// as package compare reads them.
func Comparable(s Store, run *Run) compare.History {
	scope := run.Scope()
	return &scopeHistory{store: s, scope: scope}
}

type scopeHistory struct {
	store Store
	scope Scope
}

func (c *scopeHistory) Before(ctx context.Context, t time.Time, limit int) ([]compare.Run, error) {
	runs, err := c.store.List(ctx, Filter{Scope: &c.scope, Before: t, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]compare.Run, len(runs))
	for i := range runs {
		out[i] = comparisonRun(&runs[i])
	}
	return out, nil
}

func (c *scopeHistory) Failed(ctx context.Context, id string) ([]compare.FailedResult, error) {
	tasks, err := failedTasks(ctx, c.store, id)
	if err != nil {
		return nil, err
	}
	out := make([]compare.FailedResult, len(tasks))
	for i, t := range tasks {
		out[i] = compare.FailedResult{Task: t.Task, TaskPath: t.TaskPath, Host: t.Host, Disposition: t.Disposition}
	}
	return out, nil
}

// failedReader is a store that reads a run's failed tasks alone, without
// the rest of its record: both stores.
type failedReader interface {
	failedTasks(ctx context.Context, id string) ([]FailedTask, error)
}

// failedTasks returns the failed tasks of the run with that id in s, or
// ErrNotFound: a streak's walk reads them for each of up to
// compare.MaxStreakRuns runs.
func failedTasks(ctx context.Context, s Store, id string) ([]FailedTask, error) {
	if f, ok := s.(failedReader); ok {
		tasks, err := f.failedTasks(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		return tasks, nil
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.FailedTasks, nil
}

func (c *scopeHistory) Stream(ctx context.Context, id string) (io.ReadCloser, error) {
	return c.store.Stream(ctx, id)
}

// comparisonRun is a run's record as a comparison knows it: a run can be a
// baseline, or extend a streak, when it ran to its end on some host.
func comparisonRun(r *Run) compare.Run {
	s := r.HostStates
	return compare.Run{ID: r.ID, Start: r.Start, Comparable: !r.Interrupted && s.OK+s.Changed+s.Failed+s.Unreachable > 0}
}

// Diff compares the stored run runID with the stored run baseID, or, when
// baseID is "", with its baseline: the newest earlier comparable run of its
// scope (compare.ErrNoBaseline when there is none). The ids are whole ids
// (Resolve turns what a user types into one).
func Diff(ctx context.Context, s Store, baseID, runID string) (*compare.Comparison, error) {
	run, err := s.Get(ctx, runID)
	if err != nil {
		return nil, err
	}
	var base *compare.Run
	if baseID != "" {
		b, err := s.Get(ctx, baseID)
		if err != nil {
			return nil, err
		}
		r := comparisonRun(b)
		base = &r
	}
	c, err := compare.Diff(ctx, Comparable(s, run), base, comparisonRun(run))
	if err != nil {
		return nil, fmt.Errorf("comparing runs: %w", err)
	}
	return c, nil
}
