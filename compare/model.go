package compare

import (
	"strconv"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// Comparison is what changed from one run, the baseline, to a later one,
// the run, task by task and host by host. Findings are in the order of
// the run's tasks (removed tasks in the baseline's), hosts sorted by name
// within a task.
type Comparison struct {
	// Base is the baseline, Run the run compared with it.
	Base, Run RunInfo

	// NewFailures are the results that fail the host now (a fatal
	// failure or an unreachable host) and did not in the baseline: it ran
	// the task there without failing, or did not run it (a new task, a
	// new host, a host that stopped earlier). These are regressions.
	NewFailures []Finding
	// Fixed are the results that failed in the baseline and now ran
	// without failing.
	Fixed []Finding
	// StillFailing are the results that failed in both, each with the
	// streak of runs it has failed in when the runs come from a history.
	StillFailing []Finding
	// NotIdempotent are the results that changed now and were ok (ran,
	// without a change) in the baseline. These are regressions too.
	NotIdempotent []Finding
	// Slower are the tasks that took at least SlowerFactor times as long
	// as in the baseline, and at least SlowerBy more.
	Slower []Slower

	// HostsAdded and HostsRemoved are the hosts of one run's recap and not
	// the other's, sorted. A run that was interrupted removes no host: it
	// did not get to them all.
	HostsAdded, HostsRemoved []string
	// TasksAdded are the run's tasks that match none of the baseline's;
	// TasksRemoved the baseline's that match none of the run's (none when
	// the run was interrupted, none added when the baseline was).
	TasksAdded, TasksRemoved []TaskRef

	// Recap is each host's recap in the baseline and in the run, by host.
	Recap []RecapRow
	// BaseTotal and RunTotal are the recaps summed over the hosts.
	BaseTotal, RunTotal event.HostCounts

	// Matched counts the run's tasks matched with one of the baseline's;
	// Moved those among them matched by their file and name, their line
	// having moved (see the package's matching rule).
	Matched, Moved int
}

// The thresholds of a slower task: both must be passed.
const (
	SlowerFactor = 1.5
	SlowerBy     = time.Second
)

// RunInfo describes one of the two runs.
type RunInfo struct {
	// ID is the run's id in the history; empty for a run read from a file.
	ID string
	// Start is when the run's first event came; Duration from then to its
	// last.
	Start    time.Time
	Duration time.Duration
	// Outcome is the run's outcome: ok, changed, failed or interrupted.
	Outcome     event.Outcome
	ExitCode    int
	Interrupted bool
	// Playbook is the playbook's path, as Ansible reported it.
	Playbook       string
	Check          bool
	AnsibleVersion string
	// Hosts and Tasks count the run's hosts (of its recap) and tasks.
	Hosts, Tasks int
}

// TaskRef names a task as the run ran it.
type TaskRef struct {
	Name string
	// Path is the task's "file:line" in the run; empty from a stream
	// that does not tell it.
	Path    string
	Play    string
	Handler bool
}

// Finding is one task's result on one host that differs between the
// runs in a way the comparison reports.
type Finding struct {
	// Task is the task as the run ran it (for a fixed one too).
	Task TaskRef
	Host string
	// Before and After are the result's status in the baseline and in
	// the run; "" where that run did not run the task on the host.
	Before, After event.Status
	// Message is the failure's message: the run's for a new or still
	// failing result, the baseline's for a fixed one. It is empty under
	// no_log, and NoLog is then true.
	Message string
	NoLog   bool
	// Since is the streak of a still failing result, when known: the
	// first of the consecutive comparable runs in which it failed.
	Since *Streak

	base cellRef // the result in the baseline, for its streak
}

// cellRef is a task's result on one host in a Table: indexes of the task
// and the host; a negative task is none.
type cellRef struct{ task, host int }

// Streak is the unbroken run of comparable runs in which a result failed,
// up to the run compared.
type Streak struct {
	// ID and Start are the first run's of the streak.
	ID    string
	Start time.Time
	// Runs counts the runs of the streak, the run compared included.
	Runs int
	// Bounded is true when the walk back through the history stopped at
	// its bound (MaxStreakRuns) with the streak unbroken: it is longer.
	Bounded bool
}

// Text writes where the streak starts and how many runs it counts, for
// people, its first run named as first (each output names runs its own
// way): "first (3 runs)", or "before first (20 runs)" when Bounded.
func (s Streak) Text(first string) string {
	if s.Bounded {
		first = "before " + first
	}
	return first + " (" + strconv.Itoa(s.Runs) + " runs)"
}

// Slower is a task that took longer than in the baseline.
type Slower struct {
	Task          TaskRef
	Before, After time.Duration
}

// Ratio is how many times longer the task took; 0 when it took no
// measurable time before.
func (s Slower) Ratio() float64 {
	if s.Before <= 0 {
		return 0
	}
	return float64(s.After) / float64(s.Before)
}

// RecapRow is a host's recap in both runs; nil where the host was not in
// that run.
type RecapRow struct {
	Host          string
	Before, After *event.HostCounts
}

// CountChange is one count in both runs; -1 in a run without it (a host
// of one run's recap only).
type CountChange struct {
	Before, After int
}

// RecapChange is the recap count of st in both runs, -1 where the recap is
// nil.
func RecapChange(before, after *event.HostCounts, st event.Status) CountChange {
	c := CountChange{Before: -1, After: -1}
	if before != nil {
		c.Before = before.Count(st)
	}
	if after != nil {
		c.After = after.Count(st)
	}
	return c
}

// Changed reports whether the count differs.
func (c CountChange) Changed() bool { return c.Before != c.After }

// Text writes the count in both runs for people: "3" when it did not
// change, "3 → 5" when it did, with absent for a run without it ("-" on a
// terminal, "–" in a document).
func (c CountChange) Text(absent string) string {
	text := func(n int) string {
		if n < 0 {
			return absent
		}
		return strconv.Itoa(n)
	}
	if !c.Changed() {
		return text(c.After)
	}
	return text(c.Before) + " → " + text(c.After)
}
