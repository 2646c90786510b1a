package report

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// timelineStatuses are the statuses of the timeline's bars, in the order of
// its legend; a bar names its status by its index here.
var timelineStatuses = []event.Status{
	event.StatusOK, event.StatusChanged, event.StatusFailed, event.StatusIgnored,
	event.StatusRescued, event.StatusSkipped, event.StatusUnreachable,
}

// timeline is what the page draws its timeline from, embedded once as
// JSON: names in string tables, times in milliseconds from the run's start.
type timeline struct {
	// Start is the time of the run's first event, in UTC.
	Start string `json:"start,omitempty"`
	// End is the end of the latest bar, or of the run when later.
	End      int64          `json:"end"`
	Statuses []event.Status `json:"statuses"`
	Hosts    []string       `json:"hosts"`
	Plays    []timelinePlay `json:"plays"`
	Tasks    []timelineTask `json:"tasks"`
	// Rows are each play's hosts, in play order, then host order.
	Rows []timelineRow `json:"rows"`
}

type timelinePlay struct {
	Name  string `json:"name"`
	Start int64  `json:"start"`
}

type timelineTask struct {
	Name    string `json:"name"`
	Play    int    `json:"play"`
	Path    string `json:"path,omitempty"`
	Handler bool   `json:"handler,omitempty"`
}

// timelineRow is one host's results in one play. Bars holds four numbers a
// result: the task's index, the start and the duration in milliseconds, and
// the status's index.
type timelineRow struct {
	Play int     `json:"play"`
	Host int     `json:"host"`
	Bars []int64 `json:"bars"`
}

// plays numbers the plays of a run for the report, in the order they
// started; tasks of no known play belong to a last one, "(no play)".
type plays struct {
	names []string
	index map[*event.Play]int
	other int // the index of "(no play)", or -1
}

func newPlays(s *event.Summary) *plays {
	p := &plays{index: make(map[*event.Play]int), other: -1}
	for i, play := range s.Plays {
		p.index[play] = i
		p.names = append(p.names, playName(play, i))
	}
	for _, t := range s.Tasks {
		if _, ok := p.index[t.Play]; !ok && p.other < 0 {
			p.other = len(p.names)
			p.names = append(p.names, "(no play)")
		}
	}
	return p
}

// of returns the index of the play a task belongs to.
func (p *plays) of(t *event.TaskRun) int {
	if i, ok := p.index[t.Play]; ok {
		return i
	}
	return p.other
}

// buildTimeline lays out every host result of the run.
func buildTimeline(s *event.Summary, ps *plays, base string) *timeline {
	tl := &timeline{Statuses: timelineStatuses, Hosts: s.RecapHosts(), Plays: []timelinePlay{}, Tasks: []timelineTask{}, Rows: []timelineRow{}}
	if !s.Start.IsZero() {
		tl.Start = s.Start.UTC().Format(time.RFC3339Nano)
	}
	ms := func(t time.Time) int64 {
		if t.IsZero() || t.Before(s.Start) {
			return 0
		}
		return t.Sub(s.Start).Milliseconds()
	}
	for i, name := range ps.names {
		start := int64(0)
		if i < len(s.Plays) {
			start = ms(s.Plays[i].Start)
		}
		tl.Plays = append(tl.Plays, timelinePlay{Name: name, Start: start})
	}
	hostIndex := make(map[string]int, len(tl.Hosts))
	for i, h := range tl.Hosts {
		hostIndex[h] = i
	}
	statusIndex := make(map[event.Status]int64, len(timelineStatuses))
	for i, st := range timelineStatuses {
		statusIndex[st] = int64(i)
	}
	type rowKey struct{ play, host int }
	rows := make(map[rowKey]*timelineRow)
	tl.End = ms(s.End)
	for ti, t := range s.Tasks {
		play := ps.of(t)
		tl.Tasks = append(tl.Tasks, timelineTask{Name: taskName(t), Play: play, Path: taskPath(base, t.Task), Handler: t.Task != nil && t.Task.Handler})
		for _, r := range t.Results {
			host, ok := hostIndex[r.Host]
			if !ok {
				continue
			}
			key := rowKey{play, host}
			row := rows[key]
			if row == nil {
				row = &timelineRow{Play: play, Host: host}
				rows[key] = row
			}
			start := r.Start
			if start.IsZero() {
				start = r.End
			}
			from, to := ms(start), ms(r.End)
			to = max(to, from)
			row.Bars = append(row.Bars, int64(ti), from, to-from, statusIndex[r.Status])
			tl.End = max(tl.End, to)
		}
	}
	for _, row := range rows {
		tl.Rows = append(tl.Rows, *row)
	}
	sort.Slice(tl.Rows, func(i, j int) bool {
		a, b := tl.Rows[i], tl.Rows[j]
		if a.Play != b.Play {
			return a.Play < b.Play
		}
		return a.Host < b.Host
	})
	return tl
}

// encode returns the timeline as compact JSON that is safe inside a
// <script> element: encoding/json writes <, > and & as \u escapes.
func (tl *timeline) encode() ([]byte, error) {
	return json.Marshal(tl)
}

// taskName is a task's name as the report shows it.
func taskName(t *event.TaskRun) string {
	if t.Task == nil {
		return ""
	}
	return t.Task.Name
}

// taskPath is a task's file:line, the file relative to base when under it.
func taskPath(base string, t *event.Task) string {
	if t == nil {
		return ""
	}
	return relTaskPath(base, t.Path)
}
