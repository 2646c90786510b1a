package report

import (
	"fmt"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// failureGroup is the failures of one task that said the same thing, on
// one host or many, as the report shows them.
type failureGroup struct {
	Hosts     []string `json:"hosts"`
	Task      string   `json:"task"`
	Play      string   `json:"play"`
	PlayIndex int      `json:"play_index"`
	Path      string   `json:"path,omitempty"`
	// Status is failed, unreachable, ignored or rescued.
	Status      event.Status      `json:"status"`
	Disposition event.Disposition `json:"disposition,omitempty"`
	// AtMS is when the first of them happened, from the run's start.
	AtMS int64 `json:"at_ms"`
	// NoLog: the results were hidden with no_log; nothing of them is shown.
	NoLog  bool     `json:"no_log,omitempty"`
	Msg    string   `json:"msg,omitempty"`
	RC     *int     `json:"rc,omitempty"`
	Stdout string   `json:"stdout,omitempty"`
	Stderr string   `json:"stderr,omitempty"`
	Items  []string `json:"items,omitempty"`
}

// Fatal reports whether the failures stopped their hosts.
func (g failureGroup) Fatal() bool { return g.Status.Stops() }

// HostList names the group's hosts for the page.
func (g failureGroup) HostList() string {
	return strings.Join(g.Hosts, ", ")
}

// failureStatus is the status a failure had on its host.
func failureStatus(f event.Failure) event.Status { return f.Fate().Status() }

// failureGroups lists the run's failures, the fatal ones first, in the
// order they happened; the failures of a task that said the same thing on
// several hosts make one group.
func failureGroups(s *event.Summary, d *runDetails, ps *plays, base string) []failureGroup {
	type key struct {
		task   string
		play   int
		status event.Status
		noLog  bool
		output string
	}
	var groups []*failureGroup
	index := make(map[key]*failureGroup)
	for i, f := range s.Failures {
		g := failureGroup{Status: failureStatus(f), Disposition: f.Disposition, NoLog: f.NoLog, PlayIndex: ps.other}
		taskID := ""
		if f.Task != nil {
			taskID, g.Task, g.Path = f.Task.ID, f.Task.Name, taskPath(base, f.Task)
		}
		if pi, ok := ps.index[f.Play]; ok {
			g.PlayIndex = pi
		}
		if g.PlayIndex >= 0 {
			g.Play = ps.names[g.PlayIndex]
		}
		if !f.Time.IsZero() && !s.Start.IsZero() {
			g.AtMS = f.Time.Sub(s.Start).Milliseconds()
		}
		if !f.NoLog {
			out := d.failure(i)
			g.Msg, g.RC, g.Stdout, g.Stderr, g.Items = out.Msg, out.RC, out.Stdout, out.Stderr, out.Items
			if g.Msg == "" && g.Stderr == "" {
				g.Msg = f.Message
			}
		}
		rc := ""
		if g.RC != nil {
			rc = fmt.Sprint(*g.RC)
		}
		k := key{taskID, g.PlayIndex, g.Status, g.NoLog, strings.Join(append([]string{g.Msg, rc, g.Stdout, g.Stderr}, g.Items...), "\x00")}
		if same, ok := index[k]; ok {
			same.Hosts = append(same.Hosts, f.Host)
			continue
		}
		g.Hosts = []string{f.Host}
		index[k] = &g
		groups = append(groups, &g)
	}
	out := []failureGroup{}
	for _, fatal := range []bool{true, false} {
		for _, g := range groups {
			if g.Fatal() == fatal {
				out = append(out, *g)
			}
		}
	}
	return out
}
