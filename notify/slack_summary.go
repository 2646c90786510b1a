package notify

import (
	"fmt"
	"strings"
	"time"

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
func outcomeLabel(outcome string) string {
	switch outcome {
	case "failed":
		return "FAILED"
	case "interrupted":
		return "INTERRUPTED"
	case "changed":
		return "CHANGED"
	}
	return "SUCCESS"
}

// summaryMessage is the Slack message at the end of a run: outcome, counts,
// duration, hosts, and the failed hosts with their failed tasks.
func summaryMessage(s *event.Summary, playbook, dir string) slackMessage {
	label := outcomeLabel(s.Outcome())
	t := s.Totals()
	hosts := s.RecapHosts()
	duration := formatDuration(s.Duration())
	counts := fmt.Sprintf("ok=%d changed=%d failed=%d unreachable=%d rescued=%d ignored=%d skipped=%d",
		t.OK, t.Changed, t.Failures, t.Unreachable, t.Rescued, t.Ignored, t.Skipped)

	blocks := []slackBlock{
		header(fmt.Sprintf("%s: %s", label, orUnknown(playbook))),
		fields(
			"Outcome", label,
			"Duration", duration,
			"Hosts", fmt.Sprint(len(hosts)),
			"Exit code", fmt.Sprint(s.ExitCode),
		),
		section(fmt.Sprintf("ok *%d* · changed *%d* · failed *%d* · unreachable *%d* · rescued *%d* · ignored *%d* · skipped *%d*",
			t.OK, t.Changed, t.Failures, t.Unreachable, t.Rescued, t.Ignored, t.Skipped)),
	}
	if len(hosts) > 0 {
		blocks = append(blocks, section("*Hosts:* "+escape(listHosts(hosts, maxSummaryHosts))))
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

	text := fmt.Sprintf("%s: %s — %s — %s, %d host%s", label, orUnknown(playbook), counts, duration, len(hosts), plural(len(hosts)))
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
	state := "failed"
	if h.failures[0].Unreachable {
		state = "unreachable"
	}
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

func formatDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// taskName is a failure's task name, for messages.
func taskName(f event.Failure) string {
	if f.Task == nil {
		return "(unknown)"
	}
	return orUnknown(f.Task.Name)
}
