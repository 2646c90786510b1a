package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// Caps of the summary message.
const (
	maxSummaryHosts       = 20 // hosts named in the hosts line
	maxFailuresPerHost    = 5  // failed tasks shown under one host
	maxSummaryMessageRune = 300
)

// outcomeLabel is the word a summary leads with.
func outcomeLabel(outcome event.Outcome) string {
	switch outcome {
	case event.OutcomeFailed:
		return "FAILED"
	case event.OutcomeInterrupted:
		return "INTERRUPTED"
	case event.OutcomeChanged:
		return "CHANGED"
	}
	return "SUCCESS"
}

// summaryStatuses are the statuses a summary counts, in its order: the
// good news, then the problems, the skipped last.
var summaryStatuses = []event.Status{
	event.StatusOK, event.StatusChanged, event.StatusFailed, event.StatusUnreachable,
	event.StatusRescued, event.StatusIgnored, event.StatusSkipped,
}

// summaryMessage is the Slack message at the end of a run: outcome, counts,
// duration, hosts, what is new since the last comparable run (cmp, nil
// without one), and the failed hosts with their failed tasks.
func summaryMessage(s *event.Summary, cmp *compare.Comparison, playbook, dir string) slackMessage {
	label := outcomeLabel(s.Outcome())
	t := s.Totals()
	hosts := s.RecapHosts()
	duration := event.FormatDuration(s.Duration(), event.DurationTerse)
	counts, countsMarked := make([]string, len(summaryStatuses)), make([]string, len(summaryStatuses))
	for i, st := range summaryStatuses {
		counts[i] = fmt.Sprintf("%s=%d", st, t.Count(st))
		countsMarked[i] = fmt.Sprintf("%s *%d*", st, t.Count(st))
	}

	blocks := []slackBlock{
		header(fmt.Sprintf("%s: %s", label, orUnknown(playbook))),
		fields(
			"Outcome", label,
			"Duration", duration,
			"Hosts", fmt.Sprint(len(hosts)),
			"Exit code", fmt.Sprint(s.ExitCode),
		),
		section(strings.Join(countsMarked, " · ")),
	}
	if len(hosts) > 0 {
		blocks = append(blocks, section("*Hosts:* "+escape(listHosts(hosts, maxSummaryHosts))))
	}
	since := ""
	if cmp != nil {
		since = "Since " + cmp.BaseName(time.Now()) + ": " + cmp.Tally()
		blocks = append(blocks, section("*"+escape(since)+"*"))
	}
	failed := failuresByHost(s.FatalFailures())
	var failedText []string
	for _, h := range failed {
		if len(blocks) > slackMaxBlocks { // fitBlocks cuts the rest; only count them
			blocks = append(blocks, slackBlock{})
			failedText = append(failedText, h.host)
			continue
		}
		blocks = append(blocks, section(hostFailures(h, dir)))
		failedText = append(failedText, fmt.Sprintf("%s (%s)", h.host, taskName(h.failures[0])))
	}
	blocks = fitBlocks(blocks, "failed hosts")
	if len(blocks) < slackMaxBlocks {
		note := ""
		if s.Interrupted {
			note = "the run was interrupted"
		}
		blocks = append(blocks, contextBlock("playbook "+code(orUnknown(playbook)), note))
	}

	text := fmt.Sprintf("%s: %s — %s — %s, %d host%s", label, orUnknown(playbook), strings.Join(counts, " "), duration, len(hosts), plural(len(hosts)))
	if since != "" {
		text += "\n" + since
	}
	if len(failedText) > 0 {
		text += "\nFailed: " + listHosts(failedText, 50)
	}
	return slackMessage{Text: textcut.Runes(escape(text), slackMaxText), Blocks: blocks}
}

// hostFailed is a host with its fatal failures, in order.
type hostFailed struct {
	host     string
	failures []event.Failure
}

func failuresByHost(fs []event.Failure) []*hostFailed {
	var out []*hostFailed
	index := make(map[string]*hostFailed)
	for _, f := range fs {
		h, ok := index[f.Host]
		if !ok {
			h = &hostFailed{host: f.Host}
			index[f.Host] = h
			out = append(out, h)
		}
		h.failures = append(h.failures, f)
	}
	return out
}

// hostFailures is the section of one failed host: its failed tasks.
func hostFailures(h *hostFailed, dir string) string {
	var b strings.Builder
	state := h.failures[0].Fate().Status() // failed or unreachable
	fmt.Fprintf(&b, "*%s* %s", escape(h.host), state)
	for i, f := range h.failures {
		if i == maxFailuresPerHost {
			fmt.Fprintf(&b, "\n…and %d more", len(h.failures)-i)
			break
		}
		fmt.Fprintf(&b, "\n• %s", code(taskName(f)))
		if f.Task != nil && f.Task.Path != "" {
			fmt.Fprintf(&b, " at %s", code(shortPath(f.Task.Path, dir)))
		}
		if f.Message != "" {
			msg := textcut.Runes(f.Message, 4*maxSummaryMessageRune) // oneLine need not read it all
			fmt.Fprintf(&b, ": %s", escape(textcut.Runes(oneLine(msg), maxSummaryMessageRune)))
		}
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// taskName is a failure's task name, for messages.
func taskName(f event.Failure) string {
	if f.Task == nil {
		return "(unknown)"
	}
	return orUnknown(f.Task.Name)
}
