package report

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
)

// comparisonPage is everything the comparison's HTML page shows, ready for
// its template. Its JSON form, without the generation time, is what the
// golden tests keep.
type comparisonPage struct {
	Playbook    string           `json:"playbook,omitempty"`
	Tally       string           `json:"tally"`
	BaseName    string           `json:"base_name"`
	Regressions int              `json:"regressions"`
	Runs        [2]pageRun       `json:"runs"`
	Notes       []string         `json:"notes,omitempty"`
	Counts      compare.Counts   `json:"counts"`
	Sections    []findingsBlock  `json:"sections"`
	Slower      []slowerRow      `json:"slower"`
	HostsAdded  []string         `json:"hosts_added"`
	HostsGone   []string         `json:"hosts_removed"`
	TasksAdded  []pageTask       `json:"tasks_added"`
	TasksGone   []pageTask       `json:"tasks_removed"`
	Recap       []recapChangeRow `json:"recap"`
	Total       recapChangeRow   `json:"total"`
	Matched     int              `json:"matched"`
	Moved       int              `json:"moved"`
	Generated   string           `json:"-"`
	Version     string           `json:"-"`
}

// pageRun is one of the runs, in the page's header.
type pageRun struct {
	Label      string        `json:"label"`
	ID         string        `json:"id,omitempty"`
	Outcome    event.Outcome `json:"outcome"`
	ExitCode   int           `json:"exit_code"`
	DurationMS int64         `json:"duration_ms"`
	Hosts      int           `json:"hosts"`
	Tasks      int           `json:"tasks"`
	Start      string        `json:"start,omitempty"`
	Check      bool          `json:"check,omitempty"`
}

// findingsBlock is a section of findings of one kind, grouped by task.
type findingsBlock struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Kind names the findings for the page's filter and style: new,
	// fixed, failing or changed.
	Kind   string        `json:"kind"`
	Count  int           `json:"count"`
	Empty  string        `json:"empty"`
	Groups []pageFinding `json:"groups"`
}

// pageFinding is a group of findings: one task, on the hosts where it
// reads alike.
type pageFinding struct {
	Task    pageTask     `json:"task"`
	Hosts   []string     `json:"hosts"`
	Before  event.Status `json:"before,omitempty"`
	After   event.Status `json:"after,omitempty"`
	Message string       `json:"message,omitempty"`
	NoLog   bool         `json:"no_log,omitempty"`
	Since   string       `json:"since,omitempty"`
}

// HostList names the group's hosts for the page.
func (f pageFinding) HostList() string { return strings.Join(f.Hosts, ", ") }

type pageTask struct {
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"`
	Play    string `json:"play,omitempty"`
	Handler bool   `json:"handler,omitempty"`
}

type slowerRow struct {
	Task     pageTask `json:"task"`
	BeforeMS int64    `json:"before_ms"`
	AfterMS  int64    `json:"after_ms"`
	// Ratio is the times it took longer, in tenths; 0 when unknown.
	Ratio string `json:"ratio"`
	// Percent is the width of the bars, relative to the slowest.
	BeforePercent, AfterPercent int `json:"-"`
}

// recapChangeRow is a host's recap in both runs.
type recapChangeRow struct {
	Host string `json:"host"`
	// Cells are the counts in PLAY RECAP's order.
	Cells []recapCell `json:"cells"`
	// State is "added", "removed" or "".
	State string `json:"state,omitempty"`
}

// recapCell is one count in both runs (compare.CountChange); -1 for a run
// without the host.
type recapCell struct {
	Before int `json:"before"`
	After  int `json:"after"`
}

// Changed reports whether the count differs.
func (c recapCell) Changed() bool { return compare.CountChange(c).Changed() }

// Text is the count as the page shows it: "3", "3 → 5", absentCount
// without the host.
func (c recapCell) Text() string { return compare.CountChange(c).Text(absentCount) }

// buildComparisonPage describes a comparison for the page.
func buildComparisonPage(c *compare.Comparison, opts ComparisonOptions) *comparisonPage {
	p := &comparisonPage{
		Tally: c.Tally(), BaseName: c.BaseName(opts.Now), Regressions: c.Regressions(), Counts: c.Counts(),
		Matched: c.Matched, Moved: c.Moved,
		HostsAdded: nonNil(c.HostsAdded), HostsGone: nonNil(c.HostsRemoved),
		TasksAdded: pageTasks(c.TasksAdded, opts.BaseDir), TasksGone: pageTasks(c.TasksRemoved, opts.BaseDir),
		Slower: []slowerRow{},
	}
	if c.Run.Playbook != "" {
		p.Playbook = relPath(opts.BaseDir, c.Run.Playbook)
	}
	p.Runs[0] = newPageRun("Baseline", c.Base)
	p.Runs[1] = newPageRun("Run", c.Run)
	p.Notes = comparisonNotes(c)
	p.Sections = []findingsBlock{
		findingsSection("new-failures", "New failures", "new", "No result fails that did not before.", c.NewFailures, opts),
		findingsSection("fixed", "Fixed", "fixed", "Nothing that failed before passes now.", c.Fixed, opts),
		findingsSection("still-failing", "Still failing", "failing", "Nothing fails that failed before.", c.StillFailing, opts),
		findingsSection("changed", "Changed, ok before", "changed", "Nothing changed that was ok before.", c.NotIdempotent, opts),
	}
	var slowest int64 = 1
	for _, s := range c.Slower {
		slowest = max(slowest, s.After.Milliseconds(), s.Before.Milliseconds())
	}
	for _, s := range c.Slower {
		row := slowerRow{Task: newPageTask(s.Task, opts.BaseDir), BeforeMS: s.Before.Milliseconds(), AfterMS: s.After.Milliseconds()}
		if r := s.Ratio(); r > 0 {
			row.Ratio = strconv.FormatFloat(r, 'f', 1, 64) + "×"
		}
		row.BeforePercent = int(row.BeforeMS * 100 / slowest)
		row.AfterPercent = int(row.AfterMS * 100 / slowest)
		p.Slower = append(p.Slower, row)
	}
	p.Recap = []recapChangeRow{}
	for _, r := range c.Recap {
		row := newRecapRow(r.Host, r.Before, r.After)
		switch {
		case r.Before == nil:
			row.State = "added"
		case r.After == nil:
			row.State = "removed"
		}
		p.Recap = append(p.Recap, row)
	}
	p.Total = newRecapRow("Total", &c.BaseTotal, &c.RunTotal)
	return p
}

func newPageRun(label string, r compare.RunInfo) pageRun {
	pr := pageRun{Label: label, ID: r.ID, Outcome: r.Outcome, ExitCode: r.ExitCode, DurationMS: r.Duration.Milliseconds(),
		Hosts: r.Hosts, Tasks: r.Tasks, Check: r.Check}
	if !r.Start.IsZero() {
		pr.Start = event.FormatTime(r.Start, event.TimeDocument)
	}
	return pr
}

func findingsSection(id, title, kind, empty string, findings []compare.Finding, opts ComparisonOptions) findingsBlock {
	b := findingsBlock{ID: id, Title: title, Kind: kind, Count: len(findings), Empty: empty, Groups: []pageFinding{}}
	for _, g := range compare.GroupFindings(findings) {
		f := pageFinding{Task: newPageTask(g.Task, opts.BaseDir), Hosts: g.Hosts, Before: g.Before, After: g.After,
			Message: g.Message, NoLog: g.NoLog}
		if s := g.Since; s != nil {
			f.Since = "since " + s.Text("run "+s.ID)
		}
		b.Groups = append(b.Groups, f)
	}
	return b
}

func newPageTask(t compare.TaskRef, base string) pageTask {
	return pageTask{Name: t.Name, Path: relTaskPath(base, t.Path), Play: t.Play, Handler: t.Handler}
}

func pageTasks(tasks []compare.TaskRef, base string) []pageTask {
	out := []pageTask{}
	for _, t := range tasks {
		out = append(out, newPageTask(t, base))
	}
	return out
}

func newRecapRow(host string, before, after *event.HostCounts) recapChangeRow {
	row := recapChangeRow{Host: host}
	for _, st := range event.RecapStatuses() {
		row.Cells = append(row.Cells, recapCell(compare.RecapChange(before, after, st)))
	}
	return row
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RenderComparisonHTML returns the comparison of two runs as one
// self-contained HTML page, in the run report's style and with its
// guarantees (it fetches nothing; its Content-Security-Policy allows only
// its own style and script): the two runs, the counts, each kind of
// finding grouped by task with its hosts and messages, the slower tasks
// with their durations drawn side by side, the hosts and tasks added and
// removed, and the recaps side by side; a search and a host filter
// narrow every list, and the tables sort. It is stamped with the time now.
func RenderComparisonHTML(c *compare.Comparison, opts ComparisonOptions) ([]byte, error) {
	p := buildComparisonPage(c, opts)
	p.Generated = time.Now().UTC().Format(time.RFC3339)
	p.Version = opts.Version
	var buf bytes.Buffer
	err := comparisonTemplate.Execute(&buf, struct {
		*comparisonPage
		CSP      string
		Style    template.CSS
		Compare  template.CSS
		Sortable template.JS
		Script   template.JS
	}{
		comparisonPage: p, CSP: comparisonCSP, Style: template.CSS(reportStyle), Compare: template.CSS(comparisonStyle),
		Sortable: template.JS(sortableScript), Script: template.JS(comparisonScript),
	})
	return buf.Bytes(), err
}
