package compare

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// summary is a comparison in a few words, for tests to compare with what
// they expect: each finding as "task/host before→after", tasks by name.
type summary struct {
	NewFailures, Fixed, StillFailing, NotIdempotent []string
	Slower                                          []string
	HostsAdded, HostsRemoved                        []string
	TasksAdded, TasksRemoved                        []string
	Matched, Moved                                  int
}

func summarize(c *Comparison) summary {
	findings := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s/%s %s→%s", f.Task.Name, f.Host, f.Before, f.After))
		}
		return out
	}
	tasks := func(ts []TaskRef) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	s := summary{
		NewFailures: findings(c.NewFailures), Fixed: findings(c.Fixed), StillFailing: findings(c.StillFailing),
		NotIdempotent: findings(c.NotIdempotent), HostsAdded: c.HostsAdded, HostsRemoved: c.HostsRemoved,
		TasksAdded: tasks(c.TasksAdded), TasksRemoved: tasks(c.TasksRemoved), Matched: c.Matched, Moved: c.Moved,
	}
	for _, sl := range c.Slower {
		s.Slower = append(s.Slower, sl.Task.Name)
	}
	return s
}

// TestCompareRecordings compares the scenario's recorded runs (real runs
// of testdata/scenario: see phases) pairwise and checks every finding.
func TestCompareRecordings(t *testing.T) {
	for _, tc := range []struct {
		base, run string
		// slower says to check the slower tasks: only the scenario's
		// last run slows a task on purpose; other durations are the
		// machine's.
		slower bool
		want   summary
	}{
		{"base", "run", true, summary{
			// The edited playbook: every line moved, a task added, one gone.
			NewFailures:   []string{"Check nothing is broken/web1 ok→failed"},
			Fixed:         []string{"Check the service is ready/web2 failed→ok"},
			StillFailing:  []string{"Check the service is ready/web4 failed→failed"},
			NotIdempotent: []string{"Write the configuration/web1 ok→changed", "Write the configuration/web2 ok→changed", "Write the configuration/web4 ok→changed"},
			Slower:        []string{"Wait for the cache"},
			HostsRemoved:  []string{"web3"},
			TasksAdded:    []string{"Say hello"},
			TasksRemoved:  []string{"Tidy the old release"},
			Matched:       6, Moved: 6,
		}},
		{"before", "failing", false, summary{
			// web2 and web4 stop at the check: their last tasks do not run.
			NewFailures: []string{"Check the service is ready/web2 ok→failed", "Check the service is ready/web4 ok→failed"},
			Matched:     7,
		}},
		{"failing", "base", false, summary{
			StillFailing: []string{"Check the service is ready/web2 failed→failed", "Check the service is ready/web4 failed→failed"},
			Matched:      7,
		}},
		{"run", "base", false, summary{
			// Backwards: web2's check fails again, web1's passes; web2 did
			// not get to the last checks; web3 is back.
			NewFailures:  []string{"Check the service is ready/web2 ok→failed"},
			Fixed:        []string{"Check nothing is broken/web1 failed→ok"},
			StillFailing: []string{"Check the service is ready/web4 failed→failed"},
			HostsAdded:   []string{"web3"},
			TasksAdded:   []string{"Tidy the old release"},
			TasksRemoved: []string{"Say hello"},
			Matched:      6, Moved: 6,
		}},
	} {
		t.Run(tc.base+"→"+tc.run, func(t *testing.T) {
			c := Compare(recordedTable(t, tc.base), recordedTable(t, tc.run))
			got := summarize(c)
			if !tc.slower {
				got.Slower = nil
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareDetails checks what the findings of the scenario's last run
// carry besides their names: messages, statuses, paths, durations, the
// recap side by side, the runs.
func TestCompareDetails(t *testing.T) {
	base, run := recordedTable(t, "base"), recordedTable(t, "run")
	c := Compare(base, run)
	f := c.NewFailures[0]
	if f.Message != "non-zero return code (rc=1)" || f.NoLog || !strings.HasSuffix(f.Task.Path, "scenario/site.yml:35") || f.Task.Play != "Deploy the web tier" {
		t.Errorf("new failure %+v", f)
	}
	if fixed := c.Fixed[0]; fixed.Message != "non-zero return code (rc=1)" || !strings.HasSuffix(fixed.Task.Path, ":31") {
		t.Errorf("fixed %+v: the baseline's message, the run's path", fixed)
	}
	if c.StillFailing[0].Since != nil {
		t.Error("a comparison of two tables knows no streak")
	}
	s := c.Slower[0]
	if s.After-s.Before < SlowerBy || s.Ratio() < SlowerFactor || s.After < 2*time.Second {
		t.Errorf("slower %+v", s)
	}
	if c.Base.Hosts != 4 || c.Run.Hosts != 3 || c.Base.Tasks != 7 || c.Run.Tasks != 7 || c.Run.Outcome != "failed" || c.Run.ExitCode != 2 {
		t.Errorf("runs %+v and %+v", c.Base, c.Run)
	}
	var hosts []string
	for _, r := range c.Recap {
		hosts = append(hosts, r.Host)
		if (r.Before == nil) != (r.Host == "") || (r.After == nil) != (r.Host == "web3") {
			t.Errorf("recap row %s: before %v, after %v", r.Host, r.Before, r.After)
		}
	}
	if diff := cmp.Diff([]string{"web1", "web2", "web3", "web4"}, hosts); diff != "" {
		t.Errorf("recap hosts (-want +got):\n%s", diff)
	}
	if want := (event.HostCounts{OK: 5, Changed: 1, Failures: 1}); *c.Recap[0].After != want {
		t.Errorf("web1's recap now %+v, want %+v", *c.Recap[0].After, want)
	}
	if c.BaseTotal != base.total || c.RunTotal != run.total || c.RunTotal.Changed != 3 {
		t.Errorf("totals %+v and %+v", c.BaseTotal, c.RunTotal)
	}
	if c.Regressions() != 4 || c.ExitCode() != 1 {
		t.Errorf("%d regressions, exit code %d; want 4 and 1", c.Regressions(), c.ExitCode())
	}
}

// TestCompareSameRun finds nothing new in a run compared with itself:
// its failures still fail, nothing else is reported.
func TestCompareSameRun(t *testing.T) {
	for _, name := range []string{"before", "failing", "base", "run"} {
		t.Run(name, func(t *testing.T) {
			table := recordedTable(t, name)
			c := Compare(table, table)
			s := summarize(c)
			s.StillFailing = nil
			if diff := cmp.Diff(summary{Matched: len(table.tasks)}, s, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, f := range c.StillFailing {
				if !failingStatus(f.Before) || f.Before != f.After {
					t.Errorf("still failing %+v", f)
				}
			}
			if c.ExitCode() != 0 {
				t.Errorf("exit code %d", c.ExitCode())
			}
		})
	}
}

func failingStatus(s event.Status) bool {
	return s == event.StatusFailed || s == event.StatusUnreachable
}

// TestCompareInterrupted compares with runs cut before their stats, as an
// interrupted run leaves its stream: the tasks and hosts that one run did
// not get to are not reported as removed (or added).
func TestCompareInterrupted(t *testing.T) {
	cut, err := ReadTable(bytes.NewReader(cutBeforeStats(t, recording(t, "run"))))
	if err != nil {
		t.Fatal(err)
	}
	if !cut.Run.Interrupted || cut.Run.Outcome != "failed" {
		t.Fatalf("the cut run: interrupted %v, outcome %q", cut.Run.Interrupted, cut.Run.Outcome)
	}
	base := recordedTable(t, "base")
	c := Compare(base, cut)
	if len(c.TasksRemoved) > 0 || len(c.HostsRemoved) > 0 {
		t.Errorf("an interrupted run removed tasks %v and hosts %v", c.TasksRemoved, c.HostsRemoved)
	}
	if len(c.NewFailures) != 1 || len(c.TasksAdded) != 1 {
		t.Errorf("the interrupted run's own findings: %+v", summarize(c))
	}
	back := Compare(cut, base)
	if len(back.TasksAdded) > 0 || len(back.HostsAdded) > 0 {
		t.Errorf("after an interrupted baseline, tasks %v and hosts %v were added", back.TasksAdded, back.HostsAdded)
	}
}

// TestMatch checks the matching rule on tables of tasks by path and name.
func TestMatch(t *testing.T) {
	type task struct{ path, name string }
	tableOf := func(tasks ...task) *Table {
		b := NewBuilder()
		for i, tk := range tasks {
			b.task(&event.Event{Kind: event.TaskStart, Task: &event.Task{ID: fmt.Sprint(i), Name: tk.name, Path: tk.path}})
		}
		return b.t
	}
	for _, tc := range []struct {
		name  string
		a, b  []task
		pairs []int // for each task of b, its task in a, or -1
		moved int
	}{
		{"same", []task{{"f:1", "x"}, {"f:2", "y"}}, []task{{"f:1", "x"}, {"f:2", "y"}}, []int{0, 1}, 0},
		{"lines moved by an insertion above",
			[]task{{"f:1", "x"}, {"f:5", "y"}, {"f:9", "z"}},
			[]task{{"f:1", "new"}, {"f:5", "x"}, {"f:9", "y"}, {"f:13", "z"}},
			[]int{-1, 0, 1, 2}, 3},
		{"a line moved, the rest stayed", []task{{"f:1", "x"}, {"f:5", "y"}}, []task{{"f:1", "x"}, {"f:6", "y"}}, []int{0, 1}, 1},
		{"renamed is removed and added", []task{{"f:1", "x"}}, []task{{"f:1", "x2"}}, []int{-1}, 0},
		{"moved to another file", []task{{"f:1", "x"}}, []task{{"g:1", "x"}}, []int{-1}, 0},
		{"one path twice (an include run twice), in order",
			[]task{{"inc:1", "x"}, {"inc:1", "x"}}, []task{{"inc:1", "x"}, {"inc:1", "x"}, {"inc:1", "x"}}, []int{0, 1, -1}, 0},
		{"two tasks of one name in a file, lines moved",
			[]task{{"f:1", "r"}, {"f:5", "r"}}, []task{{"f:3", "r"}, {"f:7", "r"}}, []int{0, 1}, 2},
		{"exact pairs first, then the rest in order",
			[]task{{"f:1", "r"}, {"f:5", "r"}}, []task{{"f:1", "r"}, {"f:4", "r"}, {"f:9", "r"}}, []int{0, 1, -1}, 1},
		{"same name inserted above, lines moved: the pairs follow the order",
			[]task{{"f:10", "r"}, {"f:20", "r"}}, []task{{"f:5", "r"}, {"f:14", "r"}, {"f:24", "r"}}, []int{0, 1, -1}, 2},
		{"no paths: by name and order", []task{{"", "x"}, {"", "y"}, {"", "x"}}, []task{{"", "y"}, {"", "x"}, {"", "x"}, {"", "x"}}, []int{1, 0, 2, -1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pairs, paired, moved := match(tableOf(tc.a...), tableOf(tc.b...))
			if diff := cmp.Diff(tc.pairs, pairs); diff != "" || moved != tc.moved {
				t.Errorf("pairs (-want +got):\n%s\nmoved %d, want %d", diff, moved, tc.moved)
			}
			for i, p := range paired {
				want := false
				for _, j := range tc.pairs {
					want = want || j == i
				}
				if p != want {
					t.Errorf("task %d of a paired: %v, want %v", i, p, want)
				}
			}
		})
	}
}

// TestTally checks the tally and the baseline's name that a comparison's
// headline is made of, and the marks of an alert.
func TestTally(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	base, run := recordedTable(t, "base"), recordedTable(t, "run")
	c := Compare(base, run)
	c.Base.ID, c.Base.Start = "06bm3k51wh2g", start
	if got, want := c.BaseName(start.Add(2*time.Hour+10*time.Minute)), "run 06bm3k51wh2g (2h ago)"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got, want := c.Tally(), "1 new failure, 1 fixed, 3 tasks changed that were ok"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := Plural(1, "host", "hosts") + ", " + Plural(0, "host", "hosts") + ", " + Plural(3, "host", "hosts"); got != "1 host, 0 hosts, 3 hosts" {
		t.Errorf("Plural: %q", got)
	}
	if diff := cmp.Diff([]TallyPart{{1, "new failure"}, {1, "fixed"}, {3, "tasks changed that were ok"}}, c.TallyParts()); diff != "" {
		t.Errorf("tally parts (-want +got):\n%s", diff)
	}
	same := Compare(base, base)
	if got, want := same.BaseName(start), "the baseline"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got, want := same.Tally(), "0 new failures, 0 fixed, 0 tasks changed that were ok"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, tc := range []struct {
		mark Mark
		want string
	}{
		{Mark{}, ""},
		{Mark{New: true}, "new"},
		{Mark{Since: &Streak{ID: "06bm3k51wh2g", Runs: 3}}, "failing since 06bm3k51wh2g"},
	} {
		if got := tc.mark.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.mark, got, tc.want)
		}
	}
}

// TestGroupFindings groups the results of a task that read alike.
func TestGroupFindings(t *testing.T) {
	x, y := TaskRef{Name: "x", Path: "f:1"}, TaskRef{Name: "y", Path: "f:2"}
	since := &Streak{ID: "a", Runs: 3}
	findings := []Finding{
		{Task: x, Host: "h1", Before: event.StatusOK, After: event.StatusFailed, Message: "boom"},
		{Task: x, Host: "h2", Before: "", After: event.StatusFailed, Message: "boom"},
		{Task: x, Host: "h3", Before: event.StatusOK, After: event.StatusFailed, Message: "boom"},
		{Task: x, Host: "h4", Before: event.StatusOK, After: event.StatusFailed, Message: "other"},
		{Task: y, Host: "h1", Before: event.StatusOK, After: event.StatusFailed, Message: "boom"},
		{Task: y, Host: "h2", After: event.StatusFailed, Since: since},
		{Task: y, Host: "h3", After: event.StatusFailed, Since: &Streak{ID: "a", Runs: 3}},
		{Task: y, Host: "h4", After: event.StatusFailed, Since: &Streak{ID: "b", Runs: 2}},
	}
	var got []string
	for _, g := range GroupFindings(findings) {
		got = append(got, g.Task.Name+":"+strings.Join(g.Hosts, ","))
	}
	want := []string{"x:h1,h3", "x:h2", "x:h4", "y:h1", "y:h2,h3", "y:h4"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestFindingRules compares one task's result on one host in every pair
// of statuses (a status "" being a task the run did not run there) and
// checks which finding each pair makes.
func TestFindingRules(t *testing.T) {
	statuses := []event.Status{"", event.StatusOK, event.StatusChanged, event.StatusSkipped, event.StatusFailed,
		event.StatusUnreachable, event.StatusIgnored, event.StatusRescued}
	tableWith := func(s event.Status) *Table {
		b := NewBuilder()
		i := b.task(&event.Event{Kind: event.TaskStart, Task: &event.Task{ID: "1", Name: "x", Path: "f:1"}})
		b.t.host("h") // the host is in the run, whether it ran the task or not
		if s != "" {
			b.result(i, event.HostResult{Host: "h", Status: s, Changed: s == event.StatusChanged})
		}
		return b.t
	}
	for _, before := range statuses {
		for _, after := range statuses {
			c := Compare(tableWith(before), tableWith(after))
			var got []string
			for kind, fs := range map[string][]Finding{"new": c.NewFailures, "fixed": c.Fixed, "failing": c.StillFailing, "changed": c.NotIdempotent} {
				if len(fs) > 0 {
					got = append(got, kind)
				}
			}
			want := ""
			switch {
			case failingStatus(after) && !failingStatus(before):
				want = "new"
			case failingStatus(after):
				want = "failing"
			case failingStatus(before) && after != "":
				want = "fixed"
			case after == event.StatusChanged && before == event.StatusOK:
				want = "changed"
			}
			if strings.Join(got, ",") != want {
				t.Errorf("%q → %q: %v, want %q", before, after, got, want)
			}
			if wantExit := map[bool]int{true: 1, false: 0}[want == "new" || want == "changed"]; c.ExitCode() != wantExit {
				t.Errorf("%q → %q: exit code %d, want %d", before, after, c.ExitCode(), wantExit)
			}
		}
	}
}

// TestCountChange writes recap counts in both runs.
func TestCountChange(t *testing.T) {
	three := &event.HostCounts{OK: 3}
	five := &event.HostCounts{OK: 5}
	for _, tc := range []struct {
		before, after *event.HostCounts
		want          string
	}{
		{three, three, "3"},
		{three, five, "3 → 5"},
		{nil, five, "– → 5"},
		{three, nil, "3 → –"},
	} {
		if got := RecapChange(tc.before, tc.after, event.StatusOK).Text("–"); got != tc.want {
			t.Errorf("%v → %v: %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

// TestStreakText writes a streak, bounded or not.
func TestStreakText(t *testing.T) {
	if got, want := (Streak{ID: "a1", Runs: 3}).Text("run a1"), "run a1 (3 runs)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := (Streak{ID: "a1", Runs: 20, Bounded: true}).Text("run a1"), "before run a1 (20 runs)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
