package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// page is everything the HTML report shows, ready for its template. Its
// JSON form, without the generation time, is what the golden tests keep.
type page struct {
	Outcome        event.Outcome `json:"outcome"`
	Playbook       string        `json:"playbook,omitempty"`
	Start          string        `json:"start,omitempty"` // UTC
	DurationMS     int64         `json:"duration_ms"`
	AnsibleVersion string        `json:"ansible_version,omitempty"`
	Check          bool          `json:"check,omitempty"`
	Diff           bool          `json:"diff,omitempty"`
	ExitCode       int           `json:"exit_code"`
	// Interrupted says where the run stopped before Ansible's stats.
	Interrupted string `json:"interrupted,omitempty"`
	// ExitWithoutFailure: ansible-playbook failed without a failed task.
	ExitWithoutFailure bool `json:"exit_without_failure,omitempty"`

	Hosts   int `json:"hosts"`
	Tasks   int `json:"tasks"`
	Results int `json:"results"`
	// The failures by disposition; Fatal counts unreachable hosts too.
	Fatal   int `json:"fatal"`
	Ignored int `json:"ignored"`
	Rescued int `json:"rescued"`

	Plays    []string         `json:"plays"`
	Recap    []recapRow       `json:"recap"`
	Total    event.HostCounts `json:"total"`
	Failures []failureGroup   `json:"failures"` // fatal, then ignored and rescued
	Changed  []changedTask    `json:"changed"`
	TaskRows []taskRow        `json:"tasks_table"`
	Handlers []taskRow        `json:"handlers"`
	Slowest  []taskRow        `json:"slowest"`
	Console  []consoleSpan    `json:"console,omitempty"`
	// SinceLast compares the run with the last comparable run of the
	// history; nil when it has none.
	SinceLast *sinceLastRun   `json:"since_last,omitempty"`
	Timeline  json.RawMessage `json:"timeline"`
	Generated string          `json:"-"`
	Version   string          `json:"-"`
}

// ChangedResults counts the results the Changes section lists.
func (p *page) ChangedResults() int {
	n := 0
	for _, c := range p.Changed {
		for _, g := range c.Groups {
			n += len(g.Hosts)
		}
	}
	return n
}

// recapRow is one host's line of the PLAY RECAP.
type recapRow struct {
	Host   string           `json:"host"`
	Counts event.HostCounts `json:"counts"`
}

// StatusNames lists the statuses the host had, for the page's filter.
func (r recapRow) StatusNames() string {
	var names []string
	for _, st := range timelineStatuses {
		if r.Counts.Count(st) > 0 {
			names = append(names, string(st))
		}
	}
	return strings.Join(names, " ")
}

// buildPage describes the run for the report. base, when set, makes paths
// under it relative to it.
func buildPage(s *event.Summary, d *runDetails, console []consoleSpan, base string) (*page, error) {
	ps := newPlays(s)
	tl, err := buildTimeline(s, ps, base).encode()
	if err != nil {
		return nil, err
	}
	p := &page{
		Outcome: s.Outcome(), DurationMS: s.Duration().Milliseconds(), ExitCode: s.ExitCode,
		Hosts: len(s.RecapHosts()), Tasks: len(s.Tasks),
		Plays: ps.names, Total: s.Totals(), Console: console, Timeline: tl,
		Recap: []recapRow{}, Changed: []changedTask{},
	}
	if p.Plays == nil {
		p.Plays = []string{}
	}
	if s.Playbook != nil {
		p.Playbook = relPath(base, s.Playbook.Path)
		p.AnsibleVersion = s.Playbook.AnsibleVersion
		p.Check, p.Diff = s.Playbook.Check, s.Playbook.Diff
	}
	if !s.Start.IsZero() {
		p.Start = event.FormatTime(s.Start, event.TimeDocument)
	}
	if s.Interrupted {
		p.Interrupted = "the run stopped before Ansible reported its stats"
		if s.CurrentTask != nil && s.CurrentTask.Task != nil {
			p.Interrupted += fmt.Sprintf(", during the task %q", s.CurrentTask.Task.Name)
		}
	}
	p.ExitWithoutFailure = s.ExitCode != 0 && p.Total.Failures == 0 && p.Total.Unreachable == 0 && !s.Interrupted
	for _, h := range s.RecapHosts() {
		p.Recap = append(p.Recap, recapRow{Host: h, Counts: s.Recap(h)})
	}
	p.Failures = failureGroups(s, d, ps, base)
	for _, f := range s.Failures {
		switch failureStatus(f) {
		case event.StatusIgnored:
			p.Ignored++
		case event.StatusRescued:
			p.Rescued++
		default:
			p.Fatal++
		}
	}
	for _, t := range s.Tasks {
		p.Results += len(t.Results)
		if c, ok := changedOf(t, d, ps, base); ok {
			p.Changed = append(p.Changed, c)
		}
	}
	p.TaskRows = buildTaskRows(s, ps, base)
	p.Handlers = handlerRows(p.TaskRows)
	p.Slowest = slowestTasks(p.TaskRows, htmlSlowest)
	return p, nil
}

// formatMS writes milliseconds as the report shows durations.
func formatMS(ms int64) string {
	return humanDuration(time.Duration(ms) * time.Millisecond)
}
