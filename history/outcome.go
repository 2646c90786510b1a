package history

import "github.com/ansible-tap/ansible-tap/event"

// SetOutcome fills in what the run's events tell, from its Summary once
// the run has ended: its times, exit code, outcome, events, ansible-core's
// version, each host's recap, and its failed tasks (every failure the
// Summary kept, in order: Task is the task's name, TaskPath its
// "file:line", as the comparison of runs reads them). Describe gives the
// rest.
func (r *Run) SetOutcome(s *event.Summary) {
	r.Start, r.End, r.Duration = s.Start, s.End, s.Duration()
	r.ExitCode = s.ExitCode
	r.Outcome = s.Outcome()
	r.Interrupted = s.Interrupted
	r.Events = int64(s.Events)
	if s.Playbook != nil && s.Playbook.AnsibleVersion != "" {
		r.AnsibleVersion = s.Playbook.AnsibleVersion
	}
	r.Hosts = make(map[string]HostCounts, len(s.Hosts))
	for _, h := range s.RecapHosts() {
		r.Hosts[h] = s.Recap(h)
	}
	r.HostStates = StatesOf(r.Hosts)
	r.FailedTasks = make([]FailedTask, 0, len(s.Failures))
	for _, f := range s.Failures {
		t := FailedTask{Host: f.Host, Disposition: f.Fate()}
		if f.Task != nil {
			t.Task, t.TaskPath = f.Task.Name, f.Task.Path
		}
		if f.Play != nil {
			t.Play = f.Play.Name
		}
		r.FailedTasks = append(r.FailedTasks, t)
	}
}
