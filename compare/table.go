package compare

import (
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// Table is the outcome of one run, task by task and host by host: each
// task's final result on each host (its status, which tells a change and
// what became of a failure, and the message of a failure), each task's
// duration, and each host's recap. It holds two bytes a task and host and
// nothing per event: loop items, retries and the results' return values
// are not kept, so its memory follows the run's tasks times its hosts,
// however long the stream.
type Table struct {
	// Run describes the run. Its ID is set by LoadTable, or by the caller.
	Run RunInfo

	tasks      []*tableTask
	hosts      []string // by host index, in the order first seen
	hostIndex  map[string]int
	recapHosts []string // sorted
	recap      map[string]event.HostCounts
	total      event.HostCounts
}

// tableTask is one task of a Table and its result on each host.
type tableTask struct {
	ref TaskRef
	// key and loose are the task's keys for matching (match.go).
	key   taskKey
	loose looseKey
	// cells are its results, by host index; a host beyond the slice, or
	// whose cell's status is notRun, had none.
	cells    []cell
	messages map[int]string // the messages of failing cells, by host index
	duration time.Duration
}

// cell is a task's final result on one host.
type cell struct {
	status status
	noLog  bool
}

// status is an event.Status in a byte; notRun is a task that did not run
// on the host.
type status uint8

const (
	notRun status = iota
	statusOK
	statusChanged
	statusFailed
	statusSkipped
	statusUnreachable
	statusRescued
	statusIgnored
)

var statusNames = [...]event.Status{
	notRun: "", statusOK: event.StatusOK, statusChanged: event.StatusChanged, statusFailed: event.StatusFailed,
	statusSkipped: event.StatusSkipped, statusUnreachable: event.StatusUnreachable,
	statusRescued: event.StatusRescued, statusIgnored: event.StatusIgnored,
}

func statusOf(s event.Status) status {
	for i, name := range statusNames {
		if i > 0 && name == s {
			return status(i)
		}
	}
	return statusOK
}

// Status is the event.Status it stands for; "" for notRun.
func (s status) Status() event.Status { return statusNames[s] }

// failing reports whether the result failed the host: a fatal failure or
// an unreachable host. Ignored and rescued failures let the host go on.
func (s status) failing() bool { return s == statusFailed || s == statusUnreachable }

// messageLimit bounds the message a Table keeps of a failure, in
// characters.
const messageLimit = 4096

// Builder builds the Table of a run as its events come: an event.Handler,
// for a live run's fan-out or a replay. It reads each host's result from
// the Summary that the event updated, and keeps nothing per event.
type Builder struct {
	t    *Table
	byID map[string]int // task id → index in t.tasks
	// seen counts the tasks by key and loose key, for their occurrence
	// numbers.
	seen      map[taskKey]int
	seenLoose map[looseKey]int
}

// NewBuilder returns a Builder of an empty Table.
func NewBuilder() *Builder {
	return &Builder{
		t:         &Table{hostIndex: make(map[string]int)},
		byID:      make(map[string]int),
		seen:      make(map[taskKey]int),
		seenLoose: make(map[looseKey]int),
	}
}

// Event records a task's start and each host's final result.
func (b *Builder) Event(ev *event.Event, s *event.Summary) error {
	switch {
	case ev.Kind.IsTaskStart():
		b.task(ev)
	case ev.Kind.IsHostResult():
		if ev.Host == "" || ev.Task == nil {
			return nil // the Summary counts it for no host
		}
		tr := s.TaskRun(ev.Task.ID)
		if tr == nil || tr.Last.Host != ev.Host {
			return nil
		}
		b.result(b.task(ev), tr.Last)
	}
	return nil
}

// Finish does nothing: Table reads the end of the run from the Summary.
func (b *Builder) Finish(*event.Summary) error { return nil }

// task returns the index of the event's task, adding it when it is new.
func (b *Builder) task(ev *event.Event) int {
	if i, ok := b.byID[ev.Task.ID]; ok {
		return i
	}
	ref := TaskRef{Name: ev.Task.Name, Path: ev.Task.Path, Handler: ev.Task.Handler}
	if ev.Play != nil {
		ref.Play = ev.Play.Name
	}
	t := &tableTask{ref: ref}
	key := taskKey{path: ref.Path, name: ref.Name}
	t.key = taskKey{path: key.path, name: key.name, n: b.seen[key]}
	b.seen[key]++
	loose := looseKey{file: taskFile(ref.Path), name: ref.Name}
	t.loose = looseKey{file: loose.file, name: loose.name, n: b.seenLoose[loose]}
	b.seenLoose[loose]++
	i := len(b.t.tasks)
	b.t.tasks = append(b.t.tasks, t)
	b.byID[ev.Task.ID] = i
	return i
}

// result records a host's final result for task i; a later result of the
// same task on the same host (a handler run twice) replaces it.
func (b *Builder) result(i int, r event.HostResult) {
	t := b.t.tasks[i]
	h := b.t.host(r.Host)
	if h >= len(t.cells) {
		t.cells = append(t.cells, make([]cell, h+1-len(t.cells))...)
	}
	c := cell{status: statusOf(r.Status), noLog: r.NoLog}
	t.cells[h] = c
	if c.status.failing() && r.Message != "" {
		if t.messages == nil {
			t.messages = make(map[int]string)
		}
		t.messages[h] = textcut.Runes(r.Message, messageLimit)
	} else if t.messages != nil {
		delete(t.messages, h)
	}
}

// host returns the index of a host, adding it when it is new.
func (t *Table) host(name string) int {
	if i, ok := t.hostIndex[name]; ok {
		return i
	}
	i := len(t.hosts)
	t.hosts = append(t.hosts, name)
	t.hostIndex[name] = i
	return i
}

// Table completes the table with what the Summary tells of the whole run
// (each task's duration, each host's recap, the run's outcome) and
// returns it. Call it once the run has ended (after Finish); the Builder
// is done with then.
func (b *Builder) Table(s *event.Summary) *Table {
	t := b.t
	for id, i := range b.byID {
		if tr := s.TaskRun(id); tr != nil {
			t.tasks[i].duration = tr.Duration()
		}
	}
	t.recapHosts = s.RecapHosts()
	t.recap = make(map[string]event.HostCounts, len(t.recapHosts))
	for _, h := range t.recapHosts {
		t.recap[h] = s.Recap(h)
	}
	t.total = s.Totals()
	t.Run = RunInfo{
		Start: s.Start, Duration: s.Duration(), Outcome: s.Outcome(), ExitCode: s.ExitCode,
		Interrupted: s.Interrupted, Hosts: len(t.recapHosts), Tasks: len(t.tasks),
	}
	if s.Playbook != nil {
		t.Run.Playbook = s.Playbook.Path
		t.Run.Check = s.Playbook.Check
		t.Run.AnsibleVersion = s.Playbook.AnsibleVersion
	}
	return t
}

// ReadTable reads a run's recorded event stream (an events file, or a
// stream of the stock ansible.posix callbacks) into its Table. A stream
// with no run in it is an error wrapping event.ErrNoRun; a reader that
// fails, one wrapping event.ErrRead.
func ReadTable(r io.Reader) (*Table, error) {
	b := NewBuilder()
	s, err := event.ReplayDecoder(event.NewDecoder(r), b)
	if err != nil {
		return nil, err
	}
	return b.Table(s), nil
}

// taskFile is the file of a task's "file:line" path.
func taskFile(path string) string {
	file, _ := event.SplitTaskPath(path)
	return file
}
