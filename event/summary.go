package event

import (
	"sort"
	"time"
)

// Summary is what is known about a run so far. Add updates it with each
// event, in stream order; handlers read it after the update.
type Summary struct {
	// Playbook is what Ansible reported at the start, else the playbook
	// named in ansible-playbook's arguments; nil when neither is known.
	Playbook *Playbook
	Start    time.Time // the first event
	End      time.Time // the latest event, or when an interrupted run stopped (Cut)

	Plays       []*Play // in the order they started, each once
	CurrentPlay *Play
	CurrentTask *TaskRun

	// Hosts lists every host seen, in the order first seen.
	Hosts []string
	// Counts are the recap counts derived from the events, by host.
	Counts map[string]*HostCounts
	// Reported are the stats Ansible reported at the end; nil until then.
	Reported map[string]HostCounts
	// CustomStats and GlobalCustomStats are what set_stats recorded.
	CustomStats       map[string][]byte
	GlobalCustomStats []byte

	Tasks []*TaskRun // in the order they started
	// Failures are the failed and unreachable results, in order: every
	// fatal one, and the first maxHandledFailures ignored or rescued ones
	// unless the Summary keeps every result.
	Failures []Failure
	// OmittedFailures counts the ignored and rescued failures left out of
	// Failures, so that memory does not grow with a long run.
	OmittedFailures int

	// KeepResults makes each TaskRun keep every host's result in Results,
	// and Failures every failure, for outputs that show them all (the HTML
	// report). Without it a TaskRun keeps its latest result only, and the
	// Summary holds what Ansible itself holds: state per host and per task,
	// nothing per event. Set it before the first event.
	KeepResults bool

	// Events counts the events added.
	Events int
	// Complete is true once Ansible reported its stats.
	Complete bool
	// Interrupted is true when the stream ended before the stats.
	Interrupted bool
	// ExitCode is ansible-playbook's exit code, set when the run has ended.
	ExitCode int
	// NoHostsMatched is true when a play's pattern matched no host.
	NoHostsMatched bool
	// ConsoleRecorded is true when the stream records what
	// ansible-playbook printed (an events file's console records).
	ConsoleRecorded bool
	// SummaryHidden is true when the stream records a run that printed no
	// summary after Ansible's output (--no-summary).
	SummaryHidden bool

	tasksByID       map[string]*TaskRun
	handledFailures int
	hostStart       map[hostTask]time.Time
	hostItems       map[hostTask]int
}

type hostTask struct{ task, host string }

// TaskRun is one task (or handler) of the run, with its results.
type TaskRun struct {
	Task  *Task
	Play  *Play
	Start time.Time // when it first started
	End   time.Time // its latest result
	// Results holds every host's result, in order, when the Summary
	// keeps them (Summary.KeepResults); else it is empty.
	Results []HostResult
	// Last is the latest host result; its Host is "" before the first.
	Last HostResult

	done int

	spanStart time.Time
	earlier   time.Duration // the time of batches before the current one
}

// Duration is the time the task ran: from its start to its last result,
// summed over the batches of a serial play.
func (t *TaskRun) Duration() time.Duration {
	if t.End.Before(t.spanStart) {
		return t.earlier
	}
	return t.earlier + t.End.Sub(t.spanStart)
}

// Done is the number of final host results the task has had.
func (t *TaskRun) Done() int { return t.done }

// HostResult is one host's final result for a task.
type HostResult struct {
	Host        string
	Status      Status
	Changed     bool
	Message     string // the failure or skip reason; empty under no_log
	Start       time.Time
	End         time.Time
	Items       int // loop items reported
	Disposition Disposition
	NoLog       bool // the result was hidden with no_log
}

// Duration is the time from the host starting the task to its result.
func (r HostResult) Duration() time.Duration {
	if r.Start.IsZero() || r.End.Before(r.Start) {
		return 0
	}
	return r.End.Sub(r.Start)
}

// Failure is a failed or unreachable result.
type Failure struct {
	Time        time.Time
	Play        *Play
	Task        *Task
	Host        string
	Message     string // empty under no_log
	Unreachable bool
	Disposition Disposition // fatal, ignored or rescued; see Fate
	NoLog       bool        // the result was hidden with no_log
}

// NewSummary returns an empty Summary.
func NewSummary() *Summary {
	return &Summary{
		Counts:    make(map[string]*HostCounts),
		tasksByID: make(map[string]*TaskRun),
		hostStart: make(map[hostTask]time.Time),
		hostItems: make(map[hostTask]int),
	}
}

// Add updates the summary with ev.
func (s *Summary) Add(ev *Event) {
	s.Events++
	if !ev.Time.IsZero() {
		if s.Start.IsZero() || ev.Time.Before(s.Start) {
			s.Start = ev.Time
		}
		if ev.Time.After(s.End) {
			s.End = ev.Time
		}
	}
	if ev.Host == "" && (ev.Kind == RunnerStart || ev.Kind.carriesResult()) {
		// A result that names no host (a record the callback could not
		// describe) counts for no host: no host "" exists.
		return
	}
	switch ev.Kind {
	case PlaybookStart:
		s.Playbook = ev.Playbook
	case PlayStart:
		s.CurrentPlay = ev.Play
		s.CurrentTask = nil
		if ev.Play != nil && !s.hasPlay(ev.Play) {
			s.Plays = append(s.Plays, ev.Play)
		}
	case TaskStart, HandlerTaskStart, CleanupTaskStart:
		s.CurrentTask = s.taskRun(ev, true)
	case RunnerStart:
		s.host(ev.Host)
		if ev.Task != nil {
			s.taskRun(ev, false)
			s.hostStart[hostTask{ev.Task.ID, ev.Host}] = ev.Time
		}
	case RunnerOK, RunnerFailed, RunnerSkipped, RunnerUnreach:
		s.addResult(ev)
	case ItemOK, ItemFailed, ItemSkipped:
		if ev.Task != nil { // items do not change the recap
			s.hostItems[hostTask{ev.Task.ID, ev.Host}]++
		}
	case Include:
		for _, h := range ev.IncludeHosts {
			s.host(h).OK++
		}
	case NoHostsMatched:
		s.NoHostsMatched = true
	case PlaybookStats:
		s.Reported = ev.Stats
		s.Complete = true
		for _, h := range sortedKeys(ev.Stats) {
			s.host(h)
		}
		if len(ev.CustomStats) > 0 {
			s.CustomStats = make(map[string][]byte, len(ev.CustomStats))
			for h, v := range ev.CustomStats {
				s.CustomStats[h] = []byte(v)
			}
		}
		if len(ev.GlobalCustomStats) > 0 && string(ev.GlobalCustomStats) != "{}" {
			s.GlobalCustomStats = []byte(ev.GlobalCustomStats)
		}
	}
}

// addResult counts a task's final result on a host the way Ansible's
// strategy counts it (ansible/plugins/strategy/__init__.py).
func (s *Summary) addResult(ev *Event) {
	c := s.host(ev.Host)
	changed := ev.Result != nil && ev.Result.Changed
	status := ev.Status()
	switch ev.Kind {
	case RunnerOK:
		if !ev.IsInclude { // includes count once loaded, by their Include event
			c.OK++
			if changed {
				c.Changed++
			}
		}
	case RunnerFailed:
		switch ev.Disposition {
		case Ignored:
			c.OK++
			c.Ignored++
			if changed {
				c.Changed++
			}
		case Rescued:
			c.Rescued++
		default:
			c.Failures++
		}
	case RunnerUnreach:
		if ev.IgnoreUnreachable {
			c.OK++
			c.Ignored++
		} else {
			c.Unreachable++
		}
	case RunnerSkipped:
		if !ev.Meta { // Ansible does not count skipped meta tasks
			c.Skipped++
		}
	}
	msg := ""
	if ev.Result != nil && !ev.NoLog && status != StatusOK && status != StatusChanged {
		msg = ev.Result.Message()
	}
	if ev.Kind == RunnerFailed || (ev.Kind == RunnerUnreach && !ev.IgnoreUnreachable) {
		s.addFailure(Failure{
			Time: ev.Time, Play: ev.Play, Task: ev.Task, Host: ev.Host, Message: msg,
			Unreachable: ev.Kind == RunnerUnreach, Disposition: ev.Disposition, NoLog: ev.NoLog,
		})
	}
	if ev.Task == nil {
		return
	}
	t := s.taskRun(ev, false)
	if ev.Time.After(t.End) {
		t.End = ev.Time
	}
	key := hostTask{ev.Task.ID, ev.Host}
	start, ok := s.hostStart[key]
	if ok {
		delete(s.hostStart, key)
	} else {
		start = t.spanStart
	}
	items := s.hostItems[key]
	delete(s.hostItems, key)
	t.Last = HostResult{
		Host: ev.Host, Status: status, Changed: changed, Message: msg,
		Start: start, End: ev.Time, Items: items, Disposition: ev.Disposition, NoLog: ev.NoLog,
	}
	t.done++
	if s.KeepResults {
		t.Results = append(t.Results, t.Last)
	}
}

// maxHandledFailures bounds the ignored and rescued failures a Summary
// keeps when it does not keep every result: a run can ignore a failure on
// every host at every task, and the outputs show the first few anyway.
const maxHandledFailures = 1000

// addFailure records f; an ignored or rescued one past the bound is only
// counted.
func (s *Summary) addFailure(f Failure) {
	handled := !f.Fate().Stops()
	if handled && !s.KeepResults && s.handledFailures >= maxHandledFailures {
		s.OmittedFailures++
		return
	}
	if handled {
		s.handledFailures++
	}
	s.Failures = append(s.Failures, f)
}

// TaskRun returns the TaskRun of the task with this id, or nil.
func (s *Summary) TaskRun(id string) *TaskRun { return s.tasksByID[id] }

// taskRun returns the TaskRun for the event's task; started says the event
// is the task's start, which opens a new batch for a task seen before.
func (s *Summary) taskRun(ev *Event, started bool) *TaskRun {
	if ev.Task == nil {
		return nil
	}
	t, ok := s.tasksByID[ev.Task.ID]
	if !ok {
		t = &TaskRun{Task: ev.Task, Play: ev.Play, Start: ev.Time, End: ev.Time, spanStart: ev.Time}
		s.tasksByID[ev.Task.ID] = t
		s.Tasks = append(s.Tasks, t)
		return t
	}
	if started && !ev.Time.IsZero() && ev.Time.After(t.End) {
		t.earlier = t.Duration()
		t.spanStart = ev.Time
		t.End = ev.Time
	}
	return t
}

func (s *Summary) hasPlay(p *Play) bool {
	for _, q := range s.Plays {
		if q == p {
			return true
		}
	}
	return false
}

// host returns the counts of a host, adding the host when it is new.
func (s *Summary) host(name string) *HostCounts {
	c, ok := s.Counts[name]
	if !ok {
		c = &HostCounts{}
		s.Counts[name] = c
		s.Hosts = append(s.Hosts, name)
	}
	return c
}

// Recap returns the recap counts of a host: Ansible's own stats when it
// reported them, else the counts derived from the events.
func (s *Summary) Recap(host string) HostCounts {
	if s.Reported != nil {
		if c, ok := s.Reported[host]; ok {
			return c
		}
	}
	if c, ok := s.Counts[host]; ok {
		return *c
	}
	return HostCounts{}
}

// RecapHosts lists the hosts of the recap in the order Ansible prints them (sorted).
func (s *Summary) RecapHosts() []string {
	hosts := append([]string(nil), s.Hosts...)
	sort.Strings(hosts)
	return hosts
}

// Totals sums the recap counts of every host.
func (s *Summary) Totals() HostCounts {
	var t HostCounts
	for _, h := range s.Hosts {
		t.Add(s.Recap(h))
	}
	return t
}

// Duration is the time from the first event to the latest, or to the moment
// an interrupted run stopped (Cut).
func (s *Summary) Duration() time.Duration {
	if s.Start.IsZero() {
		return 0
	}
	return s.End.Sub(s.Start)
}

// Cut ends a run that stopped before Ansible's stats at the moment it
// stopped: the run's duration, and that of every task still running on some
// host, run to at rather than to the last event Ansible sent.
func (s *Summary) Cut(at time.Time) {
	if at.After(s.End) {
		s.End = at
	}
	for k := range s.hostStart {
		if t, ok := s.tasksByID[k.task]; ok && at.After(t.End) {
			t.End = at
		}
	}
}

// HostTask is a task that a host has started.
type HostTask struct {
	Task  *TaskRun
	Host  string
	Start time.Time
}

// Busy reports whether some host has started a task and has no result for
// it yet: Ansible is at work, not waiting between tasks or plays.
func (s *Summary) Busy() bool { return len(s.hostStart) > 0 }

// Running lists the hosts that started a task and have no result for it
// yet, the earliest first: after an interrupted run, the work cut off.
func (s *Summary) Running() []HostTask {
	var out []HostTask
	for k, start := range s.hostStart {
		if t, ok := s.tasksByID[k.task]; ok {
			out = append(out, HostTask{Task: t, Host: k.host, Start: start})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].Host < out[j].Host
	})
	return out
}

// Slowest returns up to n tasks, the longest first.
func (s *Summary) Slowest(n int) []*TaskRun {
	tasks := append([]*TaskRun(nil), s.Tasks...)
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].Duration() > tasks[j].Duration() })
	if len(tasks) > n {
		tasks = tasks[:n]
	}
	return tasks
}

// FatalFailures returns the failures that were neither ignored nor rescued.
func (s *Summary) FatalFailures() []Failure {
	var out []Failure
	for _, f := range s.Failures {
		if f.Fate().Stops() {
			out = append(out, f)
		}
	}
	return out
}

// Outcome names the run's result: failed when a host failed or was
// unreachable, interrupted when the run did not finish, failed when
// ansible-playbook failed all the same, changed when something changed,
// else ok.
func (s *Summary) Outcome() Outcome {
	t := s.Totals()
	switch {
	case t.Failures > 0 || t.Unreachable > 0:
		return OutcomeFailed
	case s.Interrupted:
		return OutcomeInterrupted
	case s.ExitCode != 0:
		return OutcomeFailed
	case t.Changed > 0:
		return OutcomeChanged
	}
	return OutcomeOK
}

func sortedKeys(m map[string]HostCounts) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
