package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// messageLimit is the longest failure message a summary cell shows.
const messageLimit = 500

// outcomeIcons mark the outcome in the title.
var outcomeIcons = map[event.Outcome]string{
	event.OutcomeOK: "✅", event.OutcomeChanged: "✅", event.OutcomeFailed: "❌", event.OutcomeInterrupted: "⚠️",
}

// Render returns the Markdown summary of the run.
func (m *Markdown) Render(s *event.Summary) []byte {
	var b strings.Builder
	m.writeHeader(&b, s)
	writeRecap(&b, s)
	writeFailures(&b, s)
	m.writeSlowest(&b, s)
	return []byte(b.String())
}

func (m *Markdown) writeHeader(b *strings.Builder, s *event.Summary) {
	outcome := s.Outcome()
	playbook := ""
	if s.Playbook != nil && s.Playbook.Path != "" {
		playbook = relPath(m.opts.BaseDir, s.Playbook.Path)
	}
	title := "ansible-playbook"
	if playbook != "" {
		title += " " + inline(playbook)
	}
	fmt.Fprintf(b, "## %s %s: %s\n\n", outcomeIcons[outcome], title, outcome)
	t := s.Totals()
	facts := []string{
		"**Outcome:** " + string(outcome),
		"**Duration:** " + humanDuration(s.Duration()),
		fmt.Sprintf("**Exit code:** %d", s.ExitCode),
		fmt.Sprintf("**Hosts:** %d", len(s.RecapHosts())),
		fmt.Sprintf("**Tasks:** %d", len(s.Tasks)),
		fmt.Sprintf("**Changed:** %d", t.Changed),
	}
	if !s.Start.IsZero() {
		facts = append(facts, "**Started:** "+event.FormatTime(s.Start, event.TimeDocument))
	}
	b.WriteString(strings.Join(facts, " · ") + "\n\n")
	var notes []string
	if s.Playbook != nil && s.Playbook.Check {
		notes = append(notes, "Check mode: nothing was changed on the hosts.")
	}
	if m.opts.Replay {
		notes = append(notes, "Replayed from a recorded event stream.")
	}
	for _, n := range notes {
		fmt.Fprintf(b, "_%s_\n\n", n)
	}
	if s.Interrupted {
		msg := "the run stopped before Ansible reported its stats"
		if s.CurrentTask != nil && s.CurrentTask.Task != nil {
			msg += ", during the task " + inline(s.CurrentTask.Task.Name)
		}
		fmt.Fprintf(b, "> **⚠️ Interrupted:** %s. The counts below are what was seen until then.\n\n", msg)
	}
	if s.ExitCode != 0 && t.Failures == 0 && t.Unreachable == 0 && !s.Interrupted {
		fmt.Fprintf(b, "> **❌ ansible-playbook exited with code %d** without a failed task; see its output.\n\n", s.ExitCode)
	}
}

func writeRecap(b *strings.Builder, s *event.Summary) {
	hosts := s.RecapHosts()
	if len(hosts) == 0 {
		return
	}
	b.WriteString("### Recap\n\n")
	writeRecapHeader(b)
	for _, h := range hosts {
		writeRecapRow(b, cell(h, 0), s.Recap(h))
	}
	if len(hosts) > 1 {
		writeRecapRow(b, "**Total**", s.Totals())
	}
	b.WriteString("\n")
}

// writeRecapHeader writes the head of a recap table: a column a status, in
// PLAY RECAP's order, its numbers aligned right.
func writeRecapHeader(b *strings.Builder) {
	b.WriteString("| Host |")
	for _, st := range event.RecapStatuses() {
		b.WriteString(" " + string(st) + " |")
	}
	b.WriteString("\n|:-----|")
	for _, st := range event.RecapStatuses() {
		b.WriteString(strings.Repeat("-", len(st)+1) + ":|")
	}
	b.WriteString("\n")
}

func writeRecapRow(b *strings.Builder, host string, c event.HostCounts) {
	b.WriteString("| " + host + " |")
	for _, st := range event.RecapStatuses() {
		fmt.Fprintf(b, " %d |", c.Count(st))
	}
	b.WriteString("\n")
}

// writeFailures lists the fatal failures and unreachable hosts, then, folded
// away, the failures that were ignored or rescued, with the count of those
// that the Summary did not keep.
func writeFailures(b *strings.Builder, s *event.Summary) {
	fatal := s.FatalFailures()
	if len(fatal) > 0 {
		fmt.Fprintf(b, "### Failed tasks (%d)\n\n", len(fatal))
		writeFailureTable(b, fatal)
		b.WriteString("\n")
	}
	var handled []event.Failure
	for _, f := range s.Failures {
		if !f.Fate().Stops() {
			handled = append(handled, f)
		}
	}
	if len(handled) > 0 || s.OmittedFailures > 0 {
		fmt.Fprintf(b, "<details><summary>Ignored and rescued failures (%d)</summary>\n\n", len(handled)+s.OmittedFailures)
		writeFailureTable(b, handled)
		if s.OmittedFailures > 0 {
			fmt.Fprintf(b, "\n_… and %d more ignored or rescued failures_\n", s.OmittedFailures)
		}
		b.WriteString("\n</details>\n\n")
	}
}

func writeFailureTable(b *strings.Builder, failures []event.Failure) {
	b.WriteString("| Host | Task | Play | Result | Message |\n")
	b.WriteString("|:-----|:-----|:-----|:-------|:--------|\n")
	for _, f := range failures {
		task, play := "", ""
		if f.Task != nil {
			task = f.Task.Name
		}
		if f.Play != nil {
			play = f.Play.Name
		}
		result := string(f.Fate())
		msg := cell(f.Message, messageLimit)
		if msg == "" {
			msg = "_(no message)_"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(f.Host, 0), cell(task, 0), cell(play, 0), result, msg)
	}
}

func (m *Markdown) writeSlowest(b *strings.Builder, s *event.Summary) {
	if m.opts.Slowest <= 0 {
		return
	}
	var tasks []*event.TaskRun
	for _, t := range s.Slowest(m.opts.Slowest) {
		if t.Duration() > 0 {
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		return
	}
	b.WriteString("### Slowest tasks\n\n")
	b.WriteString("| Duration | Task | Play | Hosts |\n")
	b.WriteString("|---------:|:-----|:-----|------:|\n")
	for _, t := range tasks {
		task, play := "", ""
		if t.Task != nil {
			task = t.Task.Name
		}
		if t.Play != nil {
			play = t.Play.Name
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d |\n", humanDuration(t.Duration()), cell(task, 0), cell(play, 0), t.Done())
	}
	b.WriteString("\n")
}

// humanDuration writes a duration as the reports do:
// event.DurationDocument, 0.42 s, 12.3 s, 2 min 05 s, 1 h 02 min.
func humanDuration(d time.Duration) string {
	return event.FormatDuration(d, event.DurationDocument)
}
