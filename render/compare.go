package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// ComparisonOptions tune the text of a comparison.
type ComparisonOptions struct {
	// Color colours it as the compact output does; only on a terminal.
	Color bool
	// Now is the time the baseline's age is told from.
	Now time.Time
}

// A group of findings names at most comparisonHosts hosts, and its
// message's first line cut to comparisonMessage characters.
const (
	comparisonHosts   = 8
	comparisonMessage = 160
)

// writeHeadline writes the comparison in one line, as a live run's tail
// ends with it and a comparison begins: "Compared with run 06bm3k51wh2g
// (2h ago): 1 new failure, 2 fixed, 3 tasks changed that were ok", the
// baseline's age told from now; its counts coloured when they are not
// zero: new failures red, fixed green, changes yellow.
func writeHeadline(b *bytes.Buffer, c *compare.Comparison, now time.Time, p *palette) {
	b.WriteString("Compared with " + clean(c.BaseName(now)) + ": ")
	// The tally's three parts: new failures, fixed, changes.
	colours := []*color.Color{p.failed, p.ok, p.changed}
	for i, part := range c.TallyParts() {
		if i > 0 {
			b.WriteString(", ")
		}
		if part.Count == 0 {
			b.WriteString(part.String())
		} else {
			b.WriteString(colours[min(i, len(colours)-1)].Sprint(part.String()))
		}
	}
	b.WriteByte('\n')
}

// WriteComparison writes a comparison for people, as `ansible-tap diff`
// prints it: the headline, the two runs, then each kind of finding, task
// by task (the hosts of one task that read alike on one line), the hosts
// and tasks added and removed, and the recaps side by side. Text from the
// runs is cleaned of control characters.
func WriteComparison(w io.Writer, c *compare.Comparison, opts ComparisonOptions) error {
	var b bytes.Buffer
	p := newPalette(opts.Color)
	writeHeadline(&b, c, opts.Now, p)
	writeRunLine(&b, "Baseline", c.Base, p)
	writeRunLine(&b, "Run", c.Run, p)
	writeGroups(&b, "New failures", c.NewFailures, p.failed, p, func(g compare.Group) string {
		if g.Before == "" {
			return "did not run before"
		}
		return "was " + string(g.Before)
	})
	writeGroups(&b, "Fixed", c.Fixed, p.ok, p, func(g compare.Group) string {
		return "was " + string(g.Before) + ", now " + string(g.After)
	})
	writeGroups(&b, "Still failing", c.StillFailing, p.failed, p, func(g compare.Group) string {
		return sinceText(g.Since)
	})
	writeGroups(&b, "Changed, ok before", c.NotIdempotent, p.changed, p, func(compare.Group) string { return "" })
	if len(c.Slower) > 0 {
		fmt.Fprintf(&b, "%s (%d):\n", p.banner.Sprint("Slower tasks"), len(c.Slower))
		for _, s := range c.Slower {
			fmt.Fprintf(&b, "  %s → %s", event.FormatDuration(s.Before, event.DurationTerse), p.changed.Sprint(event.FormatDuration(s.After, event.DurationTerse)))
			if r := s.Ratio(); r > 0 {
				fmt.Fprintf(&b, " (%.1fx)", r)
			}
			b.WriteString("  ")
			writeTaskRef(&b, s.Task, p)
			b.WriteByte('\n')
		}
	}
	writeHosts(&b, "Hosts added", c.HostsAdded, p)
	writeHosts(&b, "Hosts removed", c.HostsRemoved, p)
	writeTaskRefs(&b, "Tasks added", c.TasksAdded, p)
	writeTaskRefs(&b, "Tasks removed", c.TasksRemoved, p)
	if c.Moved > 0 {
		b.WriteString(p.dim.Sprintf("%d of %d tasks matched by file and name, their lines having moved.", c.Moved, c.Matched) + "\n")
	}
	writeRecapComparison(&b, c, p)
	_, err := w.Write(b.Bytes())
	return err
}

// writeRunLine describes one of the runs on a line.
func writeRunLine(b *bytes.Buffer, label string, r compare.RunInfo, p *palette) {
	fmt.Fprintf(b, "%-9s", label+":")
	if r.ID != "" {
		b.WriteString(" " + clean(r.ID))
	}
	if !r.Start.IsZero() {
		b.WriteString(" " + event.FormatTime(r.Start, event.TimeTerse))
	}
	outcome := r.Outcome
	fmt.Fprintf(b, "  %s  %s  %s  %s", p.outcome(outcome).Sprint(outcome), event.FormatDuration(r.Duration, event.DurationTerse),
		compare.Plural(r.Hosts, "host", "hosts"), compare.Plural(r.Tasks, "task", "tasks"))
	if r.Check {
		b.WriteString("  check mode")
	}
	b.WriteByte('\n')
}

// writeGroups lists findings of one kind, a line per group: its hosts, its
// task, and what detail says of it, then the first line of its message.
func writeGroups(b *bytes.Buffer, title string, findings []compare.Finding, hosts *color.Color, p *palette, detail func(compare.Group) string) {
	if len(findings) == 0 {
		return
	}
	fmt.Fprintf(b, "%s (%d):\n", p.banner.Sprint(title), len(findings))
	for _, g := range compare.GroupFindings(findings) {
		b.WriteString("  " + hosts.Sprint(hostList(g.Hosts)) + "  ")
		writeTaskRef(b, g.Task, p)
		if d := detail(g); d != "" {
			b.WriteString("  " + p.dim.Sprint(d))
		}
		b.WriteByte('\n')
		if msg := messageLine(g); msg != "" {
			b.WriteString("      " + msg + "\n")
		}
	}
}

// hostList names up to comparisonHosts hosts, and how many more.
func hostList(hosts []string) string {
	shown := hosts[:min(len(hosts), comparisonHosts)]
	names := make([]string, len(shown))
	for i, h := range shown {
		names[i] = clean(h)
	}
	s := strings.Join(names, ", ")
	if more := len(hosts) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// messageLine is the first line of a group's message, cut short.
func messageLine(g compare.Group) string {
	if g.NoLog {
		return "(the result is hidden: no_log)"
	}
	first, _, more := strings.Cut(strings.TrimSpace(g.Message), "\n")
	line := textcut.Runes(clean(first), comparisonMessage)
	if more && utf8.RuneCountInString(line) < comparisonMessage {
		line += " …"
	}
	return line
}

func sinceText(s *compare.Streak) string {
	if s == nil {
		return ""
	}
	return "failing since " + s.Text(s.ID)
}

// writeTaskRef writes a task's name, "(handler)" for a handler, and,
// dimmed, its path.
func writeTaskRef(b *bytes.Buffer, t compare.TaskRef, p *palette) {
	b.WriteString(clean(t.Name))
	if t.Handler {
		b.WriteString(" (handler)")
	}
	if t.Path != "" {
		b.WriteString(p.dim.Sprintf(" (%s)", clean(t.Path)))
	}
}

func writeHosts(b *bytes.Buffer, title string, hosts []string, p *palette) {
	if len(hosts) == 0 {
		return
	}
	names := make([]string, len(hosts))
	for i, h := range hosts {
		names[i] = clean(h)
	}
	fmt.Fprintf(b, "%s (%d): %s\n", p.banner.Sprint(title), len(hosts), strings.Join(names, ", "))
}

func writeTaskRefs(b *bytes.Buffer, title string, tasks []compare.TaskRef, p *palette) {
	if len(tasks) == 0 {
		return
	}
	fmt.Fprintf(b, "%s (%d):\n", p.banner.Sprint(title), len(tasks))
	for _, t := range tasks {
		b.WriteString("  ")
		writeTaskRef(b, t, p)
		b.WriteByte('\n')
	}
}

// writeRecapComparison writes the recaps side by side: a row per host, each
// count as "before → after" where they differ, "-" for a run without the
// host; the totals last.
func writeRecapComparison(b *bytes.Buffer, c *compare.Comparison, p *palette) {
	if len(c.Recap) == 0 {
		return
	}
	header := []string{"HOST"}
	for _, st := range event.RecapStatuses() {
		header = append(header, string(st))
	}
	rows := [][]string{header}
	for _, r := range c.Recap {
		rows = append(rows, recapCells(clean(r.Host), r.Before, r.After))
	}
	if len(c.Recap) > 1 {
		rows = append(rows, recapCells("total", &c.BaseTotal, &c.RunTotal))
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	b.WriteString(p.banner.Sprint("Recap") + ":\n")
	for n, row := range rows {
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			switch {
			case i == len(row)-1:
				pad = ""
			case n == 0:
				cell = p.dim.Sprint(cell)
			case strings.Contains(cell, "→"):
				cell = p.banner.Sprint(cell)
			}
			b.WriteString("  " + cell + pad)
		}
		b.WriteByte('\n')
	}
}

// recapCells are a host's row of the recap comparison.
func recapCells(host string, before, after *event.HostCounts) []string {
	cells := []string{host}
	for _, st := range event.RecapStatuses() {
		cells = append(cells, compare.RecapChange(before, after, st).Text("-"))
	}
	return cells
}
