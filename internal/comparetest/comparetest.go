// Package comparetest gives tests real comparisons of runs: the
// scenario's runs, recorded with the real ansible-playbook in
// compare/testdata (see compare/scenario_test.go), committed into a real
// run store as a live run commits itself, and compared as `ansible-tap
// diff` compares them. Only tests import it.
package comparetest

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/scenario"
)

// Recording returns compare/testdata/NAME.jsonl; root is the module's root
// seen from the test's package ("..").
func Recording(t testing.TB, root, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "compare", "testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Record commits stream into s with the record a live run of the scenario
// gives itself: its scope (the stream's playbook, inventory.ini) and what
// its events tell (history.Run.SetOutcome). A non-zero start records it as
// a run that started then (the same stream, run again at another time);
// edits change the record before it is committed.
func Record(t testing.TB, s history.Store, stream []byte, start time.Time, edits ...func(*history.Run)) *history.Run {
	t.Helper()
	run, err := RecordRun(s, stream, start, edits...)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// RecordRun is Record for a benchmark command: it returns what fails.
func RecordRun(s history.Store, stream []byte, start time.Time, edits ...func(*history.Run)) (*history.Run, error) {
	summary, err := event.Replay(bytes.NewReader(stream), event.Discard, io.Discard, zerolog.Nop())
	if err != nil {
		return nil, err
	}
	run := &history.Run{Inventories: []string{"inventory.ini"}}
	if summary.Playbook != nil {
		run.Playbooks = []string{summary.Playbook.Path}
	}
	run.SetOutcome(summary)
	if !start.IsZero() {
		run.Start, run.End = start, start.Add(run.Duration)
	}
	for _, edit := range edits {
		edit(run)
	}
	ctx := context.Background()
	rec, err := s.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer rec.Abort() // after Commit, it does nothing
	if _, err := rec.Write(stream); err != nil {
		return nil, err
	}
	if err := rec.Commit(ctx, run); err != nil {
		return nil, err
	}
	return run, nil
}

// Store opens a fresh SQLite store in a temporary directory, closed when
// the test ends.
func Store(t testing.TB) history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), filepath.Join(t.TempDir(), "history"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Scenario returns the comparison of the scenario's last run with its
// baseline, made by compare.Diff from a store holding the four runs, with
// the store's ids replaced by the phases' names so that golden files stay
// the same: web1 fails anew, web2 is fixed, web4 still fails since
// "failing", three results changed that were ok, a task is slower, web3
// and a task are gone, a task was added.
func Scenario(t testing.TB, root string) *compare.Comparison {
	t.Helper()
	s := Store(t)
	names := make(map[string]string)
	var last string
	for _, p := range scenario.Phases {
		last = Record(t, s, Recording(t, root, p.Name), time.Time{}).ID
		names[last] = p.Name
	}
	c, err := history.Diff(context.Background(), s, "", last)
	if err != nil {
		t.Fatal(err)
	}
	rename(c, names)
	return c
}

// rename replaces the run ids of a comparison by names.
func rename(c *compare.Comparison, names map[string]string) {
	rename := func(id *string) {
		if name, ok := names[*id]; ok {
			*id = name
		}
	}
	rename(&c.Base.ID)
	rename(&c.Run.ID)
	for i := range c.StillFailing {
		if s := c.StillFailing[i].Since; s != nil {
			rename(&s.ID)
		}
	}
}

// Live returns the live comparison that the scenario's last run gets from
// a history holding the runs before it, its baseline found and loaded, and
// that run's recorded stream, to replay into it ahead of the outputs that
// read it.
func Live(t testing.TB, root string) (*compare.Live, []byte) {
	t.Helper()
	s := Store(t)
	var base *history.Run
	for _, p := range scenario.Phases[:len(scenario.Phases)-1] {
		base = Record(t, s, Recording(t, root, p.Name), time.Time{})
	}
	rec := &history.Run{Playbooks: base.Playbooks, Inventories: base.Inventories, Start: time.Now()}
	live := compare.Follow(context.Background(), history.Comparable(s, rec), compare.Run{Start: rec.Start})
	<-live.Ready()
	if live.Baseline() == nil {
		t.Fatal("the scenario's last run found no baseline")
	}
	return live, Recording(t, root, "run")
}
