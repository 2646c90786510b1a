package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ansible-tap/ansible-tap/event"
)

// The longest texts the HTML report keeps of one result, and how many
// failed loop items it lists for one failure.
const (
	outputLimit = 64 << 10
	itemLimit   = 20
)

// runDetails is what the HTML report shows and the Summary does not keep:
// the output of failed results, the messages of failed loop items and the
// file diffs, gathered from the events as they pass.
type runDetails struct {
	failures []failureOutput        // by index in Summary.Failures
	items    map[resultKey][]string // failed items' messages, until their task's result
	diffs    map[resultKey][]string // diffs, in the order they came
}

// resultKey names one host's result for one task.
type resultKey struct{ task, host string }

// failureOutput is what a failed or unreachable result said. It is empty
// for a result hidden with no_log.
type failureOutput struct {
	Msg    string
	RC     *int
	Stdout string
	Stderr string
	Items  []string // messages of the failed loop items
}

func newRunDetails() *runDetails {
	return &runDetails{items: make(map[resultKey][]string), diffs: make(map[resultKey][]string)}
}

// add takes what ev says beyond the Summary; s has been updated with ev.
func (d *runDetails) add(ev *event.Event, s *event.Summary) {
	var key resultKey
	if ev.Task != nil {
		key = resultKey{ev.Task.ID, ev.Host}
	}
	switch {
	case ev.Kind == event.FileDiff && ev.Task != nil && !ev.NoLog && strings.TrimSpace(ev.DiffText) != "":
		d.diffs[key] = append(d.diffs[key], clip(ev.DiffText, outputLimit))
	case ev.Kind == event.ItemFailed && ev.Task != nil && ev.Result != nil && !ev.NoLog:
		if items := d.items[key]; len(items) < itemLimit {
			d.items[key] = append(items, clip(ev.Result.Message(), outputLimit))
		}
	}
	// The Summary appends at most one failure for an event: this one's.
	for len(d.failures) < len(s.Failures) {
		out := failureOutput{}
		if ev.Result != nil && !ev.NoLog {
			out = failureOutput{
				Msg: clip(ev.Result.Msg, outputLimit), RC: ev.Result.RC,
				Stdout: clip(resultStdout(ev.Result.Raw), outputLimit),
				Stderr: clip(ev.Result.Stderr, outputLimit),
				Items:  d.items[key],
			}
		}
		d.failures = append(d.failures, out)
	}
	if ev.Kind.IsHostResult() {
		delete(d.items, key)
	}
}

// failure returns the output of the i-th failure of the Summary.
func (d *runDetails) failure(i int) failureOutput {
	if i < len(d.failures) {
		return d.failures[i]
	}
	return failureOutput{}
}

// resultStdout is the stdout a module returned, when it is a string.
func resultStdout(raw json.RawMessage) string {
	var r struct {
		Stdout any `json:"stdout"`
	}
	if json.Unmarshal(raw, &r) != nil {
		return ""
	}
	s, _ := r.Stdout.(string)
	return s
}

// clip cuts s to at most limit bytes, on a character boundary, and says
// how much was left out.
func clip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n… (%d more bytes)", len(s)-cut)
}
