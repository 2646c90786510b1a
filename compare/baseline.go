package compare

import (
	"context"
	"fmt"
	"maps"
)

// MaxStreakRuns bounds the walk back through the history for the streaks
// of failing results: the runs before the baseline that it reads, at
// most, each by its index record alone.
const MaxStreakRuns = 50

// baseline is a run loaded to be compared with: its record, its table,
// and the streak of each of its failing results.
type baseline struct {
	run     Run
	table   *Table
	streaks map[cellRef]*Streak
}

// loadBaseline reads the table of run from its stream and the streaks of
// its failing results from the records of the runs before it.
func loadBaseline(ctx context.Context, h History, run Run) (*baseline, error) {
	t, err := LoadTable(ctx, h, run.ID)
	if err != nil {
		return nil, err
	}
	streaks, err := walkStreaks(ctx, h, run, t)
	if err != nil {
		return nil, err
	}
	return &baseline{run: run, table: t, streaks: streaks}, nil
}

// compare compares a run's table with the baseline, the streaks of still
// failing results included.
func (b *baseline) compare(t *Table) *Comparison {
	c := Compare(b.table, t)
	for i := range c.StillFailing {
		if st := b.streaks[c.StillFailing[i].base]; st != nil {
			s := *st
			c.StillFailing[i].Since = &s
		}
	}
	return c
}

// walkStreaks finds, for each failing result of the baseline (whose table
// is t), the first run of the unbroken streak of comparable runs in which
// it failed, up to the baseline and the run after it. It walks back from
// the baseline through the earlier runs of its scope, newest first, one
// record's failed results at a time (History.Failed: no stream is read),
// until every streak is broken or MaxStreakRuns runs were read. A run that
// was interrupted or had no hosts neither breaks nor extends a streak.
func walkStreaks(ctx context.Context, h History, base Run, t *Table) (map[cellRef]*Streak, error) {
	streaks := make(map[cellRef]*Streak)
	for ti, task := range t.tasks {
		for h, c := range task.cells {
			if c.status.failing() {
				streaks[cellRef{ti, h}] = &Streak{ID: base.ID, Start: base.Start, Runs: 2}
			}
		}
	}
	if len(streaks) == 0 {
		return streaks, nil
	}
	runs, err := h.Before(ctx, base.Start, MaxStreakRuns)
	if err != nil {
		return nil, fmt.Errorf("reading the runs before %s: %w", base.ID, err)
	}
	open := maps.Clone(streaks)
	for i := range runs {
		if len(open) == 0 {
			break
		}
		if !runs[i].Comparable {
			continue
		}
		results, err := h.Failed(ctx, runs[i].ID)
		if err != nil {
			return nil, fmt.Errorf("reading run %s: %w", runs[i].ID, err)
		}
		failed := failedIn(results)
		for ref, st := range open {
			task := t.tasks[ref.task]
			if !failed.has(task, t.hosts[ref.host]) {
				delete(open, ref)
				continue
			}
			st.ID, st.Start = runs[i].ID, runs[i].Start
			st.Runs++
		}
	}
	if len(runs) == MaxStreakRuns {
		for _, st := range open {
			st.Bounded = true
		}
	}
	return streaks, nil
}

// failures are the results that failed a host in a run's record, by task
// path, name and host, and by task file, name and host.
type failures struct {
	exact map[[3]string]bool
	loose map[[3]string]bool
}

// failedIn reads a run's failures from its record's failed results, those
// whose disposition is fatal or unreachable.
func failedIn(results []FailedResult) failures {
	f := failures{exact: make(map[[3]string]bool), loose: make(map[[3]string]bool)}
	for _, t := range results {
		if !t.Disposition.Stops() {
			continue
		}
		f.exact[[3]string{t.TaskPath, t.Task, t.Host}] = true
		f.loose[[3]string{taskFile(t.TaskPath), t.Task, t.Host}] = true
	}
	return f
}

// has reports whether task failed on host: at the same path, or, its
// line having moved, in the same file under the same name.
func (f failures) has(task *tableTask, host string) bool {
	return f.exact[[3]string{task.ref.Path, task.ref.Name, host}] ||
		f.loose[[3]string{task.loose.file, task.ref.Name, host}]
}
