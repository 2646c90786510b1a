package render

import (
	"io"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// DefaultFormat names the default output, Ansible's own (Ansible).
const DefaultFormat = "ansible"

// Ansible is the default output, a drop-in for ansible-playbook's: what
// Ansible prints itself, with whatever stdout callback and settings the
// user configured, followed by ansible-tap's summary of the run. In a live
// run ansible-playbook prints its part; in a replay it comes from the
// console records of the events file (event.Decoder.Console), and a
// recording without them (an older events file, a stock callback's
// stream) is rendered compact instead.
type Ansible struct {
	opts     AnsibleOptions
	fallback event.Handler // the compact renderer of a recording without console output
}

// AnsibleOptions tune the default output.
type AnsibleOptions struct {
	Options
	// Stdout receives the summary; Stderr receives it instead when Ansible
	// printed with a machine-readable stdout callback (json, jsonl), so
	// that stdout stays parseable.
	Stdout, Stderr io.Writer
	// Replay says the events come from a recording, not a live run.
	Replay bool
	// NoSummary leaves ansible-tap's summary out: the output is exactly
	// what ansible-playbook printed.
	NoSummary bool
	// AsRecorded, in a replay, prints the summary only when the recorded
	// run printed it (Summary.SummaryHidden): the replay shows what the
	// user saw. NoSummary still leaves it out.
	AsRecorded bool
}

// NewAnsible returns the default output.
func NewAnsible(opts AnsibleOptions) *Ansible {
	return &Ansible{opts: opts}
}

// Event renders ev compact when a replayed stream holds no console output;
// otherwise Ansible's own output says it all.
func (a *Ansible) Event(ev *event.Event, s *event.Summary) error {
	if !a.opts.Replay || s.ConsoleRecorded {
		return nil
	}
	if a.fallback == nil {
		a.fallback = NewCompact(a.opts.Stdout, a.opts.Options)
	}
	return a.fallback.Event(ev, s)
}

// Finish appends ansible-tap's summary after Ansible's output: the
// duration, the failed tasks with host and disposition, the slowest tasks.
func (a *Ansible) Finish(s *event.Summary) error {
	if a.fallback != nil {
		return a.fallback.Finish(s)
	}
	if a.opts.NoSummary || (a.opts.AsRecorded && s.SummaryHidden) || len(s.Hosts) == 0 {
		return nil
	}
	w := a.opts.Stdout
	if s.Playbook != nil && machineReadable(s.Playbook.StdoutCallback) && a.opts.Stderr != nil {
		w = a.opts.Stderr
	}
	return WriteRunTail(w, s, a.opts.Options)
}

// machineReadable reports whether a stdout callback writes a document for
// programs (ansible.posix.json, jsonl and their like) rather than lines
// for people.
func machineReadable(callback string) bool {
	name := callback[strings.LastIndexByte(callback, '.')+1:]
	return name == "json" || name == "jsonl"
}
