package history

import (
	"sort"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// Run is the index record of one recorded run: what `ansible-tap history`
// lists and filters on. Its stream (the events file) is stored beside it.
type Run struct {
	// ID is the run's id in the store: short, printable, and sorting in
	// the order the runs were recorded. The store assigns it.
	ID string `json:"id"`

	Start    time.Time     `json:"start"`
	End      time.Time     `json:"end"`
	Duration time.Duration `json:"-"`
	// ExitCode is ansible-playbook's exit code.
	ExitCode int `json:"exit_code"`
	// Outcome is the run's result as the event model names it: ok,
	// changed, failed or interrupted.
	Outcome     event.Outcome `json:"outcome"`
	Interrupted bool          `json:"interrupted"`
	// Events counts the run's events.
	Events int64 `json:"events"`

	// Playbooks are the playbooks' paths, absolute where they are known.
	Playbooks []string `json:"playbooks"`
	// Inventories are the inventory sources named with -i, as given;
	// empty when Ansible used its configured default.
	Inventories []string `json:"inventories,omitempty"`
	Limit       string   `json:"limit,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	SkipTags    []string `json:"skip_tags,omitempty"`
	Check       bool     `json:"check"`

	AnsibleVersion string `json:"ansible_version,omitempty"`
	User           string `json:"user,omitempty"`
	// Controller is the host name of the machine that ran ansible-playbook.
	Controller string `json:"controller,omitempty"`
	// Dir is the working directory of the run.
	Dir string `json:"dir,omitempty"`
	// Git is the state of the playbook's repository; empty outside one.
	Git Git `json:"git,omitzero"`
	// CI is the CI job that ran it; empty outside CI.
	CI CI `json:"ci,omitzero"`
	// Labels are the --label KEY=VALUE pairs given to the run.
	Labels map[string]string `json:"labels,omitempty"`

	// Hosts are the recap counts by host. List leaves them out (HostStates
	// holds their summary); Get fills them.
	Hosts map[string]HostCounts `json:"hosts,omitempty"`
	// HostStates counts the hosts by how they ended.
	HostStates HostStates `json:"host_states"`
	// FailedTasks are the run's failed results, in order. List leaves them
	// out; Get fills them.
	FailedTasks []FailedTask `json:"failed_tasks,omitempty"`

	// StreamBytes is the stored (compressed) size of the stream,
	// RawBytes its size as written. The store sets both.
	StreamBytes int64 `json:"stream_bytes"`
	RawBytes    int64 `json:"raw_bytes"`
}

// Scope is what makes two runs comparable: the same playbooks, in order,
// the same inventories, as given, the same --limit and the same check mode.
// Two runs of one scope ran the same plays on the same hosts, as far as
// their arguments tell.
type Scope struct {
	Playbooks   []string
	Inventories []string
	Limit       string
	Check       bool
}

// Scope returns the run's scope.
func (r *Run) Scope() Scope {
	return Scope{Playbooks: r.Playbooks, Inventories: r.Inventories, Limit: r.Limit, Check: r.Check}
}

// HostCounts are a host's counts in Ansible's recap, as the event model
// keeps them.
type HostCounts = event.HostCounts

// HostStates counts a run's hosts by how each ended (its
// event.HostCounts.Outcome), each host once: an unreachable host is
// unreachable, else a host with a failure failed, else one with a change
// changed, else it is ok.
type HostStates struct {
	OK          int `json:"ok"`
	Changed     int `json:"changed"`
	Failed      int `json:"failed"`
	Unreachable int `json:"unreachable"`
}

// StatesOf counts hosts by how each ended.
func StatesOf(hosts map[string]HostCounts) HostStates {
	var s HostStates
	for _, c := range hosts {
		switch c.Outcome() {
		case event.OutcomeUnreachable:
			s.Unreachable++
		case event.OutcomeFailed:
			s.Failed++
		case event.OutcomeChanged:
			s.Changed++
		default:
			s.OK++
		}
	}
	return s
}

// FailedTask is one failed or unreachable result of a run. Its message is
// not kept: the stream has it, and no_log results have none.
type FailedTask struct {
	Play     string `json:"play,omitempty"`
	Task     string `json:"task"`
	TaskPath string `json:"task_path,omitempty"`
	Host     string `json:"host"`
	// Disposition is what became of the result (event.Failure.Fate):
	// fatal, ignored, rescued or unreachable.
	Disposition event.Disposition `json:"disposition"`
}

// Git is the state of a repository.
type Git struct {
	Commit string `json:"commit,omitempty"`
	// Dirty is true when tracked files differ from the commit.
	Dirty bool `json:"dirty,omitempty"`
}

// CI is the CI job a run belongs to.
type CI struct {
	// System is "github-actions", "gitlab-ci" or "jenkins".
	System string `json:"system,omitempty"`
	// URL is the job's (or its pipeline's) page.
	URL string `json:"url,omitempty"`
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
