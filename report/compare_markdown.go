package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
)

// ComparisonOptions tune the Markdown and HTML comparisons of two runs.
type ComparisonOptions struct {
	// BaseDir, when set, makes the playbook and task files under it
	// relative to it.
	BaseDir string
	// Now is the time the baseline's age is told from.
	Now time.Time
	// Version is ansible-tap's version, named in the HTML page's footer.
	Version string
}

// comparisonHosts is how many hosts a cell of the Markdown names.
const comparisonHosts = 20

// absentCount stands, in the recaps of the Markdown and of the page, for
// the count of a run without the host.
const absentCount = "–"

// RenderComparisonMarkdown returns a comparison of two runs as
// GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a pull request:
// a heading with the tally, the two runs, a table of the counts, then a
// table per kind of finding (a row per task and the hosts where it reads
// alike), the hosts and tasks added and removed, and the recaps side by
// side. Text from the runs is escaped as the run's summary escapes it.
func RenderComparisonMarkdown(c *compare.Comparison, opts ComparisonOptions) []byte {
	var b strings.Builder
	writeComparisonHead(&b, c, opts)
	writeComparisonNotes(&b, c)
	writeComparisonCounts(&b, c.Counts())
	writeFindings(&b, "❌ New failures", c.NewFailures, "Before", "Message", opts, func(g compare.Group) string {
		if g.Before == "" {
			return "_not run_"
		}
		return string(g.Before)
	})
	writeFindings(&b, "✅ Fixed", c.Fixed, "Now", "It failed with", opts, func(g compare.Group) string { return string(g.After) })
	writeFindings(&b, "Still failing", c.StillFailing, "Since", "Message", opts, func(g compare.Group) string {
		return markdownSince(g.Since)
	})
	writeFindings(&b, "⚠️ Changed, ok before", c.NotIdempotent, "", "", opts, nil)
	writeSlowerTasks(&b, c.Slower, opts.BaseDir)
	writeHostChanges(&b, c)
	writeTaskList(&b, "Tasks added", c.TasksAdded, opts.BaseDir)
	writeTaskList(&b, "Tasks removed", c.TasksRemoved, opts.BaseDir)
	writeRecapComparison(&b, c)
	return []byte(b.String())
}

// writeComparisonHead writes the heading with the tally and the table of
// the two runs.
func writeComparisonHead(b *strings.Builder, c *compare.Comparison, opts ComparisonOptions) {
	icon := "✅"
	if c.Regressions() > 0 {
		icon = "❌"
	}
	title := "ansible-playbook"
	if c.Run.Playbook != "" {
		title += " " + inline(relPath(opts.BaseDir, c.Run.Playbook))
	}
	fmt.Fprintf(b, "## %s %s: %s\n\n", icon, title, c.Tally())
	fmt.Fprintf(b, "Compared with %s.\n\n", inline(c.BaseName(opts.Now)))
	b.WriteString("| | Run | Outcome | Exit code | Duration | Hosts | Tasks | Started |\n")
	b.WriteString("|:--|:--|:--|--:|--:|--:|--:|:--|\n")
	for _, r := range []struct {
		label string
		run   compare.RunInfo
	}{{"**Baseline**", c.Base}, {"**Run**", c.Run}} {
		started := ""
		if !r.run.Start.IsZero() {
			started = event.FormatTime(r.run.Start, event.TimeDocument)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d | %s | %d | %d | %s |\n", r.label, cell(r.run.ID, 0), r.run.Outcome,
			r.run.ExitCode, humanDuration(r.run.Duration), r.run.Hosts, r.run.Tasks, started)
	}
	b.WriteString("\n")
}

// writeComparisonNotes warns of what makes the two runs differ in kind
// (comparisonNotes).
func writeComparisonNotes(b *strings.Builder, c *compare.Comparison) {
	for _, n := range comparisonNotes(c) {
		fmt.Fprintf(b, "> **⚠️** %s\n\n", n)
	}
}

// writeComparisonCounts writes the table of the counts of each kind of
// finding.
func writeComparisonCounts(b *strings.Builder, n compare.Counts) {
	b.WriteString("| New failures | Fixed | Still failing | Changed, ok before | Slower tasks | Hosts added | Hosts removed | Tasks added | Tasks removed |\n")
	b.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n", n.NewFailures, n.Fixed, n.StillFailing,
		n.NotIdempotent, n.Slower, n.HostsAdded, n.HostsRemoved, n.TasksAdded, n.TasksRemoved)
}

// writeSlowerTasks writes the table of the tasks that got slower.
func writeSlowerTasks(b *strings.Builder, slower []compare.Slower, baseDir string) {
	if len(slower) == 0 {
		return
	}
	fmt.Fprintf(b, "### Slower tasks (%d)\n\n", len(slower))
	b.WriteString("| Task | Before | After | Ratio |\n|:--|--:|--:|--:|\n")
	for _, s := range slower {
		ratio := "–"
		if r := s.Ratio(); r > 0 {
			ratio = strconv.FormatFloat(r, 'f', 1, 64) + "×"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", markdownTask(s.Task, baseDir), humanDuration(s.Before), humanDuration(s.After), ratio)
	}
	b.WriteString("\n")
}

// writeHostChanges lists the hosts added and removed.
func writeHostChanges(b *strings.Builder, c *compare.Comparison) {
	if len(c.HostsAdded)+len(c.HostsRemoved) == 0 {
		return
	}
	b.WriteString("### Hosts\n\n")
	for _, h := range []struct {
		label string
		hosts []string
	}{{"Added", c.HostsAdded}, {"Removed", c.HostsRemoved}} {
		if len(h.hosts) > 0 {
			fmt.Fprintf(b, "- **%s (%d):** %s\n", h.label, len(h.hosts), markdownHosts(h.hosts, 0))
		}
	}
	b.WriteString("\n")
}

// writeFindings writes a table of one kind of finding: a row per group,
// with the task, the hosts, the column that detail fills (none when nil),
// and the message, under messageTitle, when a group has one.
func writeFindings(b *strings.Builder, title string, findings []compare.Finding, column, messageTitle string, opts ComparisonOptions, detail func(compare.Group) string) {
	if len(findings) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s (%d)\n\n", title, len(findings))
	groups := compare.GroupFindings(findings)
	message := false
	for _, g := range groups {
		message = message || g.Message != "" || g.NoLog
	}
	b.WriteString("| Task | Hosts |")
	align := "|:--|:--|"
	if detail != nil {
		b.WriteString(" " + column + " |")
		align += ":--|"
	}
	if message {
		b.WriteString(" " + messageTitle + " |")
		align += ":--|"
	}
	b.WriteString("\n" + align + "\n")
	for _, g := range groups {
		fmt.Fprintf(b, "| %s | %s |", markdownTask(g.Task, opts.BaseDir), markdownHosts(g.Hosts, comparisonHosts))
		if detail != nil {
			b.WriteString(" " + detail(g) + " |")
		}
		if message {
			msg := cell(g.Message, messageLimit)
			switch {
			case g.NoLog:
				msg = "_(hidden: no\\_log)_"
			case msg == "":
				msg = "_(no message)_"
			}
			b.WriteString(" " + msg + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// markdownTask is a task's cell: its name, "(handler)", and its file and
// line as code on a second line.
func markdownTask(t compare.TaskRef, base string) string {
	s := cell(t.Name, 0)
	if t.Handler {
		s += " (handler)"
	}
	if t.Path != "" {
		s += "<br>" + code(relTaskPath(base, t.Path))
	}
	return s
}

// code is text as inline code in a table cell: backticks cannot be
// escaped inside code, so text with one is escaped as plain text.
func code(text string) string {
	if strings.ContainsAny(text, "`|\n\r") {
		return cell(text, 0)
	}
	return "`" + text + "`"
}

// markdownHosts names up to limit hosts (0: all), and how many more.
func markdownHosts(hosts []string, limit int) string {
	shown := hosts
	if limit > 0 && len(hosts) > limit {
		shown = hosts[:limit]
	}
	names := make([]string, len(shown))
	for i, h := range shown {
		names[i] = cell(h, 0)
	}
	s := strings.Join(names, ", ")
	if more := len(hosts) - len(shown); more > 0 {
		s += fmt.Sprintf(" _and %d more_", more)
	}
	return s
}

func markdownSince(s *compare.Streak) string {
	if s == nil {
		return "_unknown_"
	}
	return s.Text("run " + code(s.ID))
}

func writeTaskList(b *strings.Builder, title string, tasks []compare.TaskRef, base string) {
	if len(tasks) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s (%d)\n\n| Task | Play |\n|:--|:--|\n", title, len(tasks))
	for _, t := range tasks {
		fmt.Fprintf(b, "| %s | %s |\n", markdownTask(t, base), cell(t.Play, 0))
	}
	b.WriteString("\n")
}

// writeRecapComparison writes the recaps side by side: each count as
// "before → after" where it changed, "–" for a run without the host.
func writeRecapComparison(b *strings.Builder, c *compare.Comparison) {
	if len(c.Recap) == 0 {
		return
	}
	b.WriteString("### Recap\n\n")
	writeRecapHeader(b)
	for _, r := range c.Recap {
		writeRecapChange(b, cell(r.Host, 0), r.Before, r.After)
	}
	if len(c.Recap) > 1 {
		writeRecapChange(b, "**Total**", &c.BaseTotal, &c.RunTotal)
	}
	b.WriteString("\n")
}

func writeRecapChange(b *strings.Builder, host string, before, after *event.HostCounts) {
	b.WriteString("| " + host + " |")
	for _, st := range event.RecapStatuses() {
		b.WriteString(" " + recapChange(before, after, st) + " |")
	}
	b.WriteString("\n")
}

// recapChange is the recap count of st in both runs as the reports write
// it: "3", "3 → 5", absentCount without the host.
func recapChange(before, after *event.HostCounts, st event.Status) string {
	return compare.RecapChange(before, after, st).Text(absentCount)
}
