package compare

import "github.com/ansible-tap/ansible-tap/event"

// Group is the findings of one task that read alike (the same statuses,
// message and streak) on several hosts: what the comparison's writers
// show as one entry, so that a task failing on a thousand hosts is one
// line, not a thousand.
type Group struct {
	Task          TaskRef
	Before, After event.Status
	Message       string
	NoLog         bool
	Since         *Streak
	// Hosts are the hosts, sorted.
	Hosts []string
}

// groupKey is what the findings of a group share besides their task.
type groupKey struct {
	before, after event.Status
	message       string
	noLog         bool
	since         Streak
}

// GroupFindings groups findings, in the order of Comparison's lists (task
// by task), into the groups of each task, in the order their first host
// comes.
func GroupFindings(findings []Finding) []Group {
	var out []Group
	var index map[groupKey]int // the current task's groups
	for i, f := range findings {
		if i == 0 || f.Task != findings[i-1].Task {
			index = make(map[groupKey]int)
		}
		k := groupKey{before: f.Before, after: f.After, message: f.Message, noLog: f.NoLog}
		if f.Since != nil {
			k.since = *f.Since
		}
		g, ok := index[k]
		if !ok {
			g = len(out)
			index[k] = g
			out = append(out, Group{Task: f.Task, Before: f.Before, After: f.After, Message: f.Message, NoLog: f.NoLog, Since: f.Since})
		}
		out[g].Hosts = append(out[g].Hosts, f.Host)
	}
	return out
}
