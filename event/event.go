// Package event is ansible-tap's model of a playbook run, apart from any
// process: the typed Event and its kinds; Ansible's vocabulary (statuses,
// dispositions, outcomes, the recap's counts, actions, durations for
// people); the decoder of event streams (ansible-tap's callback, the stock
// ansible.posix.jsonl and ansible.posix.json callbacks, events files with
// their run and console records); the run Summary; the Handler interface
// with its fan-out; the replay of a recorded stream; and the public jsonl
// record. It imports nothing of the process side (runner): renderers,
// notifiers, metrics, reports and the history import it alone.
package event

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Kind names an event. Its value is the name of the Ansible callback hook
// without the "v2_" prefix, so "runner_on_failed" is v2_runner_on_failed.
type Kind string

// The event kinds that ansible-tap understands.
const (
	PlaybookStart    Kind = "playbook_on_start"
	PlayStart        Kind = "playbook_on_play_start"
	TaskStart        Kind = "playbook_on_task_start"
	HandlerTaskStart Kind = "playbook_on_handler_task_start"
	CleanupTaskStart Kind = "playbook_on_cleanup_task_start"
	NoHostsMatched   Kind = "playbook_on_no_hosts_matched"
	NoHostsRemaining Kind = "playbook_on_no_hosts_remaining"
	HandlerNotified  Kind = "playbook_on_notify"
	Include          Kind = "playbook_on_include"
	PlaybookStats    Kind = "playbook_on_stats"
	RunnerStart      Kind = "runner_on_start"
	RunnerOK         Kind = "runner_on_ok"
	RunnerFailed     Kind = "runner_on_failed"
	RunnerSkipped    Kind = "runner_on_skipped"
	RunnerUnreach    Kind = "runner_on_unreachable"
	ItemOK           Kind = "runner_item_on_ok"
	ItemFailed       Kind = "runner_item_on_failed"
	ItemSkipped      Kind = "runner_item_on_skipped"
	RunnerRetry      Kind = "runner_retry"
	AsyncPoll        Kind = "runner_on_async_poll"
	AsyncOK          Kind = "runner_on_async_ok"
	AsyncFailed      Kind = "runner_on_async_failed"
	FileDiff         Kind = "on_file_diff"
)

var knownKinds = map[Kind]bool{
	PlaybookStart: true, PlayStart: true, TaskStart: true, HandlerTaskStart: true,
	CleanupTaskStart: true, NoHostsMatched: true, NoHostsRemaining: true,
	HandlerNotified: true, Include: true, PlaybookStats: true, RunnerStart: true,
	RunnerOK: true, RunnerFailed: true, RunnerSkipped: true, RunnerUnreach: true,
	ItemOK: true, ItemFailed: true, ItemSkipped: true, RunnerRetry: true,
	AsyncPoll: true, AsyncOK: true, AsyncFailed: true, FileDiff: true,
}

// Known reports whether k is a kind ansible-tap understands.
func (k Kind) Known() bool { return knownKinds[k] }

// IsHostResult reports whether k is a task's final result for one host:
// the events that Ansible's recap counts.
func (k Kind) IsHostResult() bool {
	switch k {
	case RunnerOK, RunnerFailed, RunnerSkipped, RunnerUnreach:
		return true
	}
	return false
}

// IsItem reports whether k is the result of one loop item.
func (k Kind) IsItem() bool {
	return k == ItemOK || k == ItemFailed || k == ItemSkipped
}

// carriesResult reports whether events of kind k hold a host's result.
func (k Kind) carriesResult() bool {
	switch k {
	case RunnerRetry, AsyncPoll, AsyncOK, AsyncFailed:
		return true
	}
	return k.IsHostResult() || k.IsItem()
}

// IsTaskStart reports whether k starts a task, handler or cleanup task.
func (k Kind) IsTaskStart() bool {
	return k == TaskStart || k == HandlerTaskStart || k == CleanupTaskStart
}

// Playbook describes the playbook a run executes.
type Playbook struct {
	Path           string `json:"path"`
	Check          bool   `json:"check,omitempty"`
	Diff           bool   `json:"diff,omitempty"`
	AnsibleVersion string `json:"ansible_version,omitempty"`
	// Verbosity is the number of -v given to ansible-playbook.
	Verbosity int `json:"verbosity,omitempty"`
	// StdoutCallback is the stdout callback Ansible printed with.
	StdoutCallback string `json:"stdout_callback,omitempty"`
}

// Play describes one play. With serial, Ansible starts the same play once per batch.
type Play struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Path     string    `json:"path,omitempty"`
	Hosts    []string  `json:"hosts,omitempty"`
	Strategy string    `json:"strategy,omitempty"`
	Start    time.Time `json:"-"`
}

// Task describes one task or handler.
type Task struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"` // file:line
	Action  string `json:"action,omitempty"`
	Handler bool   `json:"handler,omitempty"`
}

// Result is one host's result for a task, a loop item or a retry.
// The fields are read from the module's return values; Raw holds them all.
type Result struct {
	Changed     bool
	Failed      bool
	Skipped     bool
	Unreachable bool
	Msg         string
	SkipReason  string
	Stderr      string
	RC          *int
	Attempts    int
	Retries     int
	Raw         json.RawMessage
}

// Message is the reason a user wants to read for a result: msg (or the
// skip reason), the return code when it is not zero, and stderr.
func (r *Result) Message() string {
	msg := r.Msg
	if msg == "" {
		msg = r.SkipReason
	}
	if r.RC != nil && *r.RC != 0 {
		if msg == "" {
			msg = "non-zero return code"
		}
		msg += " (rc=" + strconv.Itoa(*r.RC) + ")"
	}
	if stderr := strings.TrimSpace(r.Stderr); stderr != "" {
		if msg == "" {
			return stderr
		}
		msg += ": " + stderr
	}
	return msg
}

// Event is one thing that happened during a run.
type Event struct {
	Kind Kind
	Time time.Time

	Playbook *Playbook // PlaybookStart
	Play     *Play     // the play the event belongs to, once one has started
	Task     *Task     // task events and host results
	Host     string    // host results, runner_on_start, notify

	Result            *Result     // host results, items, retries, async
	Item              string      // loop item label, on item events
	Disposition       Disposition // RunnerFailed only
	NoLog             bool        // the result was hidden with no_log
	Meta              bool        // a meta task: Ansible does not count its skips
	IsInclude         bool        // an include_* task: counted by its Include event
	Loop              bool        // the task loops
	IgnoreUnreachable bool        // RunnerUnreach with ignore_unreachable
	DelegatedTo       string      // the host a delegated result ran on
	DelegatedHost     string      // the address Ansible resolved DelegatedTo to, when it names one

	Handler      string   // HandlerNotified: the handler's name
	IncludedFile string   // Include
	IncludeHosts []string // Include
	DiffText     string   // FileDiff: the diff as ansible-playbook prints it

	Stats             map[string]HostCounts      // PlaybookStats
	CustomStats       map[string]json.RawMessage // PlaybookStats, per host
	GlobalCustomStats json.RawMessage            // PlaybookStats

	// Raw is the line the event was decoded from, without its newline.
	// It is only valid until the next event is decoded.
	Raw []byte
	// Truncated counts the bytes of the event's line that were left out:
	// the line was longer than the decoder's limit, so its longest values
	// were cut, each marked "…[truncated N bytes]" where it was cut. The
	// kind, play, task, host, status and disposition are whole. 0 for an
	// event read whole.
	Truncated int64
}

// Status is the recap status of a host result event.
func (e *Event) Status() Status {
	switch e.Kind {
	case RunnerFailed, ItemFailed, AsyncFailed:
		switch e.Disposition {
		case Ignored:
			return StatusIgnored
		case Rescued:
			return StatusRescued
		}
		return StatusFailed
	case RunnerSkipped, ItemSkipped:
		return StatusSkipped
	case RunnerUnreach:
		if e.IgnoreUnreachable {
			return StatusIgnored
		}
		return StatusUnreachable
	}
	if e.Result != nil && e.Result.Changed {
		return StatusChanged
	}
	return StatusOK
}
