package compare_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/pgtest"
)

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m))
}

// forEachStore runs test with a fresh store of each kind: SQLite in a
// temporary directory, and a database of a real PostgreSQL server.
func forEachStore(t *testing.T, test func(t *testing.T, s history.Store)) {
	for _, kind := range []struct {
		name string
		spec func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "history") }},
		{"postgres", func(t *testing.T) string { return pgtest.Database(t) }},
	} {
		t.Run(kind.name, func(t *testing.T) {
			s, err := history.Open(context.Background(), kind.spec(t), history.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			test(t, s)
		})
	}
}

// record commits the scenario's recorded phases into s, in order, and
// returns their ids.
func record(t *testing.T, s history.Store, names ...string) []string {
	t.Helper()
	var ids []string
	for _, name := range names {
		ids = append(ids, comparetest.Record(t, s, comparetest.Recording(t, "..", name), time.Time{}).ID)
	}
	return ids
}

// findings names each finding "task/host before→after".
func findings(fs []compare.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s/%s %s→%s", f.Task.Name, f.Host, f.Before, f.After))
	}
	return out
}

// TestDiff compares stored runs: the newest with its baseline, and two
// runs named; still failing results get their streaks from the history.
func TestDiff(t *testing.T) {
	forEachStore(t, func(t *testing.T, s history.Store) {
		ctx := context.Background()
		ids := record(t, s, "before", "failing", "base", "run")
		before, failing, base, run := ids[0], ids[1], ids[2], ids[3]

		c, err := history.Diff(ctx, s, "", run)
		if err != nil {
			t.Fatal(err)
		}
		if c.Base.ID != base || c.Run.ID != run {
			t.Errorf("compared %s with %s, want %s with its baseline %s", c.Run.ID, c.Base.ID, run, base)
		}
		if diff := cmp.Diff([]string{"Check nothing is broken/web1 ok→failed"}, findings(c.NewFailures)); diff != "" {
			t.Errorf("new failures (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Check the service is ready/web2 failed→ok"}, findings(c.Fixed)); diff != "" {
			t.Errorf("fixed (-want +got):\n%s", diff)
		}
		// web4 failed in "failing" and "base", not "before".
		wantSince := &compare.Streak{ID: failing, Runs: 3}
		if len(c.StillFailing) != 1 || c.StillFailing[0].Host != "web4" {
			t.Fatalf("still failing: %v", findings(c.StillFailing))
		}
		if diff := cmp.Diff(wantSince, c.StillFailing[0].Since, cmpopts.IgnoreFields(compare.Streak{}, "Start")); diff != "" {
			t.Errorf("web4's streak (-want +got):\n%s", diff)
		}
		if got, err := s.Get(ctx, failing); err != nil || !c.StillFailing[0].Since.Start.Equal(got.Start) {
			t.Errorf("the streak starts at %v, the run %s at %v (%v)", c.StillFailing[0].Since.Start, failing, got.Start, err)
		}

		// Named: the run with "failing", whose streak began with itself.
		c, err = history.Diff(ctx, s, failing, run)
		if err != nil {
			t.Fatal(err)
		}
		if c.Base.ID != failing || len(c.StillFailing) != 1 || c.StillFailing[0].Since.ID != failing || c.StillFailing[0].Since.Runs != 2 {
			t.Errorf("run against failing: base %s, still failing %+v", c.Base.ID, c.StillFailing)
		}
		if _, err := history.Diff(ctx, s, "", before); !errors.Is(err, compare.ErrNoBaseline) {
			t.Errorf("the first run's baseline: %v, want ErrNoBaseline", err)
		}
		if _, err := history.Diff(ctx, s, "", "0000000000zz"); !errors.Is(err, history.ErrNotFound) {
			t.Errorf("a run not in the store: %v, want ErrNotFound", err)
		}
		if _, err := history.Diff(ctx, s, "0000000000zz", run); !errors.Is(err, history.ErrNotFound) {
			t.Errorf("a baseline not in the store: %v, want ErrNotFound", err)
		}
	})
}

// TestFindBaseline skips the runs that cannot be a baseline: of another
// scope, interrupted, with no host; and finds a live run's baseline before
// it is stored.
func TestFindBaseline(t *testing.T) {
	forEachStore(t, func(t *testing.T, s history.Store) {
		ctx := context.Background()
		first := comparetest.Record(t, s, comparetest.Recording(t, "..", "base"), time.Time{})
		base := first.ID
		at := func(minutes int) time.Time { return first.Start.Add(time.Duration(minutes) * time.Minute) }
		// Newer than base, each unfit to be its successor's baseline.
		failing := comparetest.Recording(t, "..", "failing")
		otherScope := comparetest.Record(t, s, failing, at(1), func(r *history.Run) { r.Check = true })
		interrupted := comparetest.Record(t, s, compare.CutBeforeStats(t, failing), at(2))
		if !interrupted.Interrupted {
			t.Fatal("the cut stream is not an interrupted run")
		}
		run := comparetest.Record(t, s, comparetest.Recording(t, "..", "run"), at(4))
		// A run that stopped at a syntax error: its events tell no host.
		noHosts := recordRun(t, s, &history.Run{Playbooks: run.Playbooks, Inventories: run.Inventories,
			Start: at(3), Outcome: "failed", ExitCode: 4}, []byte("ERROR! a syntax error\n"))
		got, err := findBaseline(ctx, s, run)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.ID != base {
			t.Errorf("the baseline is %v, want %s (not %s, %s, %s: another scope, interrupted, no host)",
				got, base, otherScope.ID, interrupted.ID, noHosts.ID)
		}
		// A live run: not stored, started later.
		live := &history.Run{Playbooks: run.Playbooks, Inventories: run.Inventories, Start: run.Start.Add(time.Hour)}
		if got, err := findBaseline(ctx, s, live); err != nil || got == nil || got.ID != run.ID {
			t.Errorf("a live run's baseline: %v (%v), want %s", got, err, run.ID)
		}
		live.Limit = "web1"
		if got, err := findBaseline(ctx, s, live); err != nil || got != nil {
			t.Errorf("a live run with another --limit: baseline %v (%v), want none", got, err)
		}
	})
}

// findBaseline finds the baseline of run in s as a live run finds its own:
// compare.FindBaseline, through history.Comparable.
func findBaseline(ctx context.Context, s history.Store, run *history.Run) (*compare.Run, error) {
	return compare.FindBaseline(ctx, history.Comparable(s, run), compare.Run{ID: run.ID, Start: run.Start})
}

// recordRun commits stream with the record run as it is.
func recordRun(t *testing.T, s history.Store, run *history.Run, stream []byte) *history.Run {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec.Write(stream)
	r := *run
	if err := rec.Commit(ctx, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestStreaks walks back through the history for the streak of web4's
// failure: over an interrupted run, through a run of the edited playbook
// (its line moved), up to the walk's bound.
func TestStreaks(t *testing.T) {
	forEachStore(t, func(t *testing.T, s history.Store) {
		ctx := context.Background()
		// Recorded in this order, a minute apart.
		first := comparetest.Record(t, s, comparetest.Recording(t, "..", "failing"), time.Time{})
		failing := first.ID
		at := func(minutes int) time.Time { return first.Start.Add(time.Duration(minutes) * time.Minute) }
		// An interrupted run neither breaks nor extends the streak.
		comparetest.Record(t, s, compare.CutBeforeStats(t, comparetest.Recording(t, "..", "failing")), at(1))
		// The edited playbook: web4's check is a line lower.
		edited := comparetest.Record(t, s, comparetest.Recording(t, "..", "run"), at(2)).ID
		base := comparetest.Record(t, s, comparetest.Recording(t, "..", "base"), at(3)).ID
		last := comparetest.Record(t, s, comparetest.Recording(t, "..", "run"), at(4)).ID
		c, err := history.Diff(ctx, s, "", last)
		if err != nil {
			t.Fatal(err)
		}
		if c.Base.ID != base {
			t.Fatalf("the baseline is %s, want %s", c.Base.ID, base)
		}
		var streaks []string
		for _, f := range c.StillFailing {
			streaks = append(streaks, fmt.Sprintf("%s/%s since %s, %d runs", f.Task.Name, f.Host, f.Since.ID, f.Since.Runs))
		}
		want := []string{fmt.Sprintf("Check the service is ready/web4 since %s, 4 runs", failing)}
		if diff := cmp.Diff(want, streaks); diff != "" {
			t.Errorf("(-want +got; the edited run is %s):\n%s", edited, diff)
		}
	})
}

// TestStreakBound stops the walk back at compare.MaxStreakRuns runs.
func TestStreakBound(t *testing.T) {
	forEachStore(t, func(t *testing.T, s history.Store) {
		stream := comparetest.Recording(t, "..", "failing")
		first := comparetest.Record(t, s, stream, time.Time{})
		for i := 1; i <= compare.MaxStreakRuns+1; i++ {
			comparetest.Record(t, s, stream, first.Start.Add(time.Duration(i)*time.Minute))
		}
		run := comparetest.Record(t, s, comparetest.Recording(t, "..", "run"), first.Start.Add(time.Hour))
		c, err := history.Diff(context.Background(), s, "", run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.StillFailing) != 1 {
			t.Fatalf("still failing: %v", findings(c.StillFailing))
		}
		got := c.StillFailing[0].Since
		if !got.Bounded || got.Runs != compare.MaxStreakRuns+2 || got.ID == first.ID {
			t.Errorf("the streak %+v: want bounded, %d runs (the baseline, the run and the %d before), not reaching %s",
				got, compare.MaxStreakRuns+2, compare.MaxStreakRuns, first.ID)
		}
	})
}

// marker asks a Live, at each failure of a replayed run, what its
// baseline says of it, as an alert would.
type marker struct {
	live  *compare.Live
	marks []string
}

func (m *marker) Event(ev *event.Event, _ *event.Summary) error {
	if ev.Kind == event.RunnerFailed || ev.Kind == event.RunnerUnreach {
		m.marks = append(m.marks, ev.Task.Name+"/"+ev.Host+": "+m.live.Mark(ev.Task, ev.Host).String())
	}
	return nil
}

func (m *marker) Finish(*event.Summary) error { return nil }

// TestLive follows a run, replayed from its recording, against a store
// that holds its predecessors: each failure is marked new or failing
// since a run, and the comparison at the end is the one Diff makes once
// the run is stored.
func TestLive(t *testing.T) {
	forEachStore(t, func(t *testing.T, s history.Store) {
		ctx := context.Background()
		ids := record(t, s, "before", "failing", "base")
		stream := comparetest.Recording(t, "..", "run")
		base, err := s.Get(ctx, ids[2])
		if err != nil {
			t.Fatal(err)
		}
		// The live run's record, as history.Describe and the run's start
		// give it: the playbook where it was recorded.
		rec := &history.Run{Playbooks: base.Playbooks, Inventories: []string{"inventory.ini"}, Start: time.Now()}
		live := compare.Follow(ctx, history.Comparable(s, rec), compare.Run{Start: rec.Start})
		<-live.Ready()
		if b := live.Baseline(); b == nil || b.ID != ids[2] {
			t.Fatalf("the live run's baseline is %v, want %s", b, ids[2])
		}
		m := &marker{live: live}
		summary, err := event.Replay(bytes.NewReader(stream), event.NewFanout(zerolog.Nop(), live, m), io.Discard, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"Check the service is ready/web4: failing since " + ids[1],
			"Check nothing is broken/web1: new",
		}
		if diff := cmp.Diff(want, m.marks); diff != "" {
			t.Errorf("marks (-want +got):\n%s", diff)
		}
		got, err := live.Comparison(summary)
		if err != nil || got == nil {
			t.Fatalf("comparison %v, %v", got, err)
		}
		stored := comparetest.Record(t, s, stream, time.Time{})
		diffed, err := history.Diff(ctx, s, ids[2], stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		diffed.Run.ID = ""
		if diff := cmp.Diff(diffed, got, cmpopts.IgnoreUnexported(compare.Finding{})); diff != "" {
			t.Errorf("the live comparison differs from Diff's (-diff +live):\n%s", diff)
		}
		if again, _ := live.Comparison(summary); again != got {
			t.Error("a second call computed the comparison again")
		}
	})
}

// TestLiveWithoutBaseline says nothing when there is nothing to compare
// with, and tells why when the store cannot be read.
func TestLiveWithoutBaseline(t *testing.T) {
	stream := comparetest.Recording(t, "..", "run")
	replay := func(live *compare.Live) (*event.Summary, *marker) {
		m := &marker{live: live}
		s, err := event.Replay(bytes.NewReader(stream), event.NewFanout(zerolog.Nop(), live, m), io.Discard, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		return s, m
	}
	run := &history.Run{Playbooks: []string{"/nowhere/site.yml"}}
	empty := comparetest.Store(t)
	closed := comparetest.Store(t)
	closed.Close()
	for _, tc := range []struct {
		name    string
		h       compare.History
		wantErr bool
	}{
		{"no history", nil, false},
		{"no comparable run", history.Comparable(empty, run), false},
		{"a store that cannot be read", history.Comparable(closed, run), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := compare.Follow(context.Background(), tc.h, compare.Run{})
			<-live.Ready()
			s, m := replay(live)
			for _, mark := range m.marks {
				if mark[len(mark)-2:] != ": " {
					t.Errorf("mark %q without a baseline", mark)
				}
			}
			c, err := live.Comparison(s)
			if c != nil || (err != nil) != tc.wantErr {
				t.Errorf("comparison %v, error %v; want none, error %v", c, err, tc.wantErr)
			}
		})
	}
}
