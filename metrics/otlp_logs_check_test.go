package metrics

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
)

// eventCounter counts the events of a run.
type eventCounter struct{ n int }

func (c *eventCounter) Event(*event.Event, *event.Summary) error { c.n++; return nil }
func (c *eventCounter) Finish(*event.Summary) error              { return nil }

// logRecords returns the log records a receiver got, in order, and checks
// that their resource is the run's.
func logRecords(t *testing.T, r *otlpreceiver.Receiver, service string) []*logspb.LogRecord {
	t.Helper()
	var records []*logspb.LogRecord
	for _, rl := range r.ResourceLogs() {
		if got := attrs(rl.Resource.GetAttributes())["service.name"].GetStringValue(); got != service {
			t.Errorf("log resource service.name = %q, want %q", got, service)
		}
		for _, sl := range rl.ScopeLogs {
			if sl.Scope.GetName() != instrumentation {
				t.Errorf("log scope %q, want %q", sl.Scope.GetName(), instrumentation)
			}
			records = append(records, sl.LogRecords...)
		}
	}
	return records
}

// jsonlLine is what checkLogs reads from a --format=jsonl line.
type jsonlLine struct {
	Timestamp string `json:"timestamp"`
	EventType string `json:"event_type"`
	Play      string `json:"play"`
	Task      string `json:"task"`
	Host      string `json:"host"`
	Status    string `json:"status"`
	Outcome   string `json:"outcome"`
}

// checkLogs checks the log records a receiver got against the lines that
// --format=jsonl printed for the same run, one record per line in order:
// the body is the line; the time, severity and attributes are the event's;
// the record carries the trace and span IDs of the span the receiver got
// for the event: its host span for a host result, its task's span for the
// task's other events, its play's for the play's other events (its start,
// a notification), else the playbook's.
// It returns the number of records of each severity.
func checkLogs(t *testing.T, r *otlpreceiver.Receiver, jsonl string, service string) map[string]int {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(jsonl, "\n"), "\n")
	records := logRecords(t, r, service)
	if len(records) != len(lines) {
		t.Fatalf("%d log records, want one per jsonl line: %d", len(records), len(lines))
	}
	spans := make(map[string]*tracepb.Span)
	for _, rs := range r.ResourceSpans() {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				spans[hex.EncodeToString(sp.SpanId)] = sp
			}
		}
	}
	severities := make(map[string]int)
	for i, rec := range records {
		line := lines[i]
		if got := rec.GetBody().GetStringValue(); got != withoutNoLogResult(t, line) {
			t.Errorf("record %d: body\n%s\nwant the jsonl line\n%s", i, got, line)
			continue
		}
		var ev jsonlLine
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("jsonl line %d: %v", i, err)
		}
		at, err := time.Parse(time.RFC3339Nano, ev.Timestamp)
		if err != nil {
			t.Fatalf("jsonl line %d: timestamp: %v", i, err)
		}
		if rec.TimeUnixNano != uint64(at.UnixNano()) {
			t.Errorf("record %d (%s): time %d, want the event's %d", i, ev.EventType, rec.TimeUnixNano, at.UnixNano())
		}
		wantSev := wantSeverity(ev)
		if rec.SeverityNumber != wantSev || rec.SeverityText != strings.TrimPrefix(wantSev.String(), "SEVERITY_NUMBER_") {
			t.Errorf("record %d (%s %s): severity %v %q, want %v", i, ev.EventType, ev.Status, rec.SeverityNumber, rec.SeverityText, wantSev)
		}
		severities[rec.SeverityText]++
		a := attrs(rec.Attributes)
		for key, want := range map[string]string{"ansible.event": ev.EventType, "ansible.host": ev.Host, "ansible.task.name": ev.Task, "ansible.status": ev.Status} {
			if got := a[key].GetStringValue(); got != want {
				t.Errorf("record %d (%s): %s = %q, want %q", i, ev.EventType, key, got, want)
			}
		}
		if ev.Play != "" && a["ansible.play"].GetStringValue() != ev.Play {
			t.Errorf("record %d (%s): ansible.play = %q, want %q", i, ev.EventType, a["ansible.play"].GetStringValue(), ev.Play)
		}
		sp := spans[hex.EncodeToString(rec.SpanId)]
		if sp == nil {
			t.Errorf("record %d (%s): span %x is none of the spans received", i, ev.EventType, rec.SpanId)
			continue
		}
		if string(rec.TraceId) != string(sp.TraceId) {
			t.Errorf("record %d (%s): trace %x, its span's is %x", i, ev.EventType, rec.TraceId, sp.TraceId)
		}
		if want := wantSpanName(ev); !want(sp) {
			t.Errorf("record %d (%s, task %q, host %q) carries the span %q", i, ev.EventType, ev.Task, ev.Host, sp.Name)
		}
	}
	return severities
}

// withoutNoLogResult is a jsonl line as a log record carries it: the line
// itself, but that of a no_log event leaves out the result, loop item and
// diff, which the webhook does not send either. (The test streams hold
// no value under a secret key.)
func withoutNoLogResult(t *testing.T, line string) string {
	t.Helper()
	var fields struct {
		NoLog bool `json:"no_log"`
	}
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		t.Fatalf("jsonl line: %v", err)
	}
	if !fields.NoLog {
		return line
	}
	var r event.JSONLRecord
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("jsonl line: %v", err)
	}
	r.Result, r.Item, r.Diff = nil, "", ""
	out, err := event.NewJSONLEncoder().Line(&r)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// wantSeverity is the severity of a record for the jsonl line of its event.
func wantSeverity(ev jsonlLine) logspb.SeverityNumber {
	switch ev.EventType {
	case "run_end":
		switch ev.Outcome {
		case "failed":
			return logspb.SeverityNumber_SEVERITY_NUMBER_ERROR
		case "interrupted":
			return logspb.SeverityNumber_SEVERITY_NUMBER_WARN
		}
	case string(event.ItemFailed), string(event.AsyncFailed):
		return logspb.SeverityNumber_SEVERITY_NUMBER_WARN
	}
	switch event.Status(ev.Status) {
	case event.StatusFailed, event.StatusUnreachable:
		return logspb.SeverityNumber_SEVERITY_NUMBER_ERROR
	case event.StatusIgnored, event.StatusRescued:
		return logspb.SeverityNumber_SEVERITY_NUMBER_WARN
	}
	return logspb.SeverityNumber_SEVERITY_NUMBER_INFO
}

// wantSpanName tells whether a span is the one an event's record belongs to.
func wantSpanName(ev jsonlLine) func(*tracepb.Span) bool {
	named := func(name string) func(*tracepb.Span) bool {
		return func(sp *tracepb.Span) bool { return sp.Name == name }
	}
	switch {
	case event.Kind(ev.EventType).IsHostResult():
		return func(sp *tracepb.Span) bool {
			a := attrs(sp.Attributes)
			return sp.Name == "host "+ev.Host && a["ansible.task.name"].GetStringValue() == ev.Task
		}
	case ev.Task != "":
		return func(sp *tracepb.Span) bool { return sp.Name == "task "+ev.Task || sp.Name == "handler "+ev.Task }
	case ev.Play != "" && ev.EventType != string(event.PlaybookStats):
		return named("play " + ev.Play) // a play's start, a notification
	}
	return func(sp *tracepb.Span) bool { return strings.HasPrefix(sp.Name, "playbook ") }
}
