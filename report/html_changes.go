package report

import (
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// changedTask is a task's changed results, and its results with a diff.
type changedTask struct {
	Task      string        `json:"task"`
	Play      string        `json:"play"`
	PlayIndex int           `json:"play_index"`
	Path      string        `json:"path,omitempty"`
	Groups    []changeGroup `json:"groups"`
}

// changeGroup is the hosts on which a task had the same status and diffs.
type changeGroup struct {
	Hosts  []string     `json:"hosts"`
	Status event.Status `json:"status"`
	Diffs  []string     `json:"diffs,omitempty"`
}

// HostList names the group's hosts for the page.
func (g changeGroup) HostList() string {
	return strings.Join(g.Hosts, ", ")
}

// changedOf returns a task's changed results and its results with a diff,
// the hosts with the same status and diffs together.
func changedOf(t *event.TaskRun, d *runDetails, ps *plays, base string) (changedTask, bool) {
	play := ps.of(t)
	c := changedTask{Task: taskName(t), Play: ps.names[play], PlayIndex: play, Path: taskPath(base, t.Task)}
	index := make(map[string]int)
	for _, r := range t.Results {
		var diffs []string
		if t.Task != nil && !r.NoLog {
			diffs = d.diffs[resultKey{t.Task.ID, r.Host}]
		}
		if !r.Changed && len(diffs) == 0 {
			continue
		}
		key := strings.Join(append([]string{string(r.Status)}, diffs...), "\x00")
		if i, ok := index[key]; ok {
			c.Groups[i].Hosts = append(c.Groups[i].Hosts, r.Host)
			continue
		}
		index[key] = len(c.Groups)
		c.Groups = append(c.Groups, changeGroup{Hosts: []string{r.Host}, Status: r.Status, Diffs: diffs})
	}
	return c, len(c.Groups) > 0
}
