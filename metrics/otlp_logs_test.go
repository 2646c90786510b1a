package metrics

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/render"
)

// startReceiver starts an in-process OTLP receiver for protocol.
func startReceiver(t *testing.T, protocol string) *otlpreceiver.Receiver {
	t.Helper()
	start := otlpreceiver.StartHTTP
	if protocol == ProtocolGRPC {
		start = otlpreceiver.StartGRPC
	}
	r, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// TestOTLPLogsReplay replays recorded runs into the OTLP output, over HTTP
// and gRPC, beside the jsonl renderer: the collector gets one log record per
// event and one for the run's end, each carrying its jsonl line, in the
// caller's trace, with the span of its host result, task, play or playbook.
func TestOTLPLogsReplay(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "ansible-test")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci")
	t.Setenv("TRACEPARENT", callerParent)
	for _, tc := range []struct {
		stream, protocol string
		severities       []string // that the run must give
	}{
		{"mixed.jsonl", ProtocolHTTP, []string{"INFO", "WARN", "ERROR"}},
		{"mixed.jsonl", ProtocolGRPC, []string{"INFO", "WARN", "ERROR"}},
		{"interrupted.jsonl", ProtocolHTTP, []string{"INFO", "WARN", "ERROR"}},
		{"ok.jsonl", ProtocolGRPC, []string{"INFO"}},
	} {
		t.Run(tc.stream+" "+tc.protocol, func(t *testing.T) {
			recv := startReceiver(t, tc.protocol)
			otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Protocol: tc.protocol, Log: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			var jsonl bytes.Buffer
			events := &eventCounter{}
			replayStream(t, tc.stream, event.NewFanout(zerolog.Nop(), events, otlp, render.NewJSONL(&jsonl)))
			if events.n == 0 {
				t.Fatal("the stream has no event")
			}
			records := logRecords(t, recv, "ansible-test")
			if len(records) != events.n+1 {
				t.Errorf("%d log records for %d events, want one per event and one for the run's end", len(records), events.n)
			}
			severities := checkLogs(t, recv, jsonl.String(), "ansible-test")
			for _, want := range tc.severities {
				if severities[want] == 0 {
					t.Errorf("no %s record among %v", want, severities)
				}
			}
			for i, rec := range records {
				if got := hex.EncodeToString(rec.TraceId); got != callerTraceID {
					t.Errorf("record %d is in trace %s, not the caller's", i, got)
				}
			}
			if d := otlp.logs.delivery(); d.Emitted != int64(events.n+1) || d.Lost() != 0 {
				t.Errorf("delivery %+v, want %d records all exported", d, events.n+1)
			}
		})
	}
}

// TestOTLPLogsNoLog sends a no_log failure whose message and stderr hold a
// secret: its record is the jsonl line, which leaves them out, and the
// secret is nowhere in what the collector gets.
func TestOTLPLogsNoLog(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	const secret = "SECRET-TOKEN-4711"
	recv := startReceiver(t, ProtocolHTTP)
	otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var jsonl bytes.Buffer
	h := event.NewFanout(zerolog.Nop(), otlp, render.NewJSONL(&jsonl))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "secrets"}
	task := &event.Task{ID: "t", Name: "use the token", Action: "command"}
	rc := 3
	censored := []byte(`{"censored":"the output has been hidden due to the fact that 'no_log: true' was specified for this result","changed":false}`)
	s := event.NewSummary()
	for _, ev := range []*event.Event{
		{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "secret.yml"}},
		{Kind: event.PlayStart, Time: at.Add(1), Play: play},
		{Kind: event.TaskStart, Time: at.Add(2), Play: play, Task: task},
		{Kind: event.RunnerStart, Time: at.Add(3), Play: play, Task: task, Host: "web-1"},
		{Kind: event.ItemFailed, Time: at.Add(4), Play: play, Task: task, Host: "web-1", NoLog: true, Item: "a",
			Result: &event.Result{Failed: true, Msg: "item " + secret, Raw: censored}},
		{Kind: event.RunnerFailed, Time: at.Add(5), Play: play, Task: task, Host: "web-1", NoLog: true, Disposition: event.Fatal,
			Result: &event.Result{Failed: true, Msg: "failed with " + secret, Stderr: secret, RC: &rc, Raw: censored}},
		{Kind: event.PlaybookStats, Time: at.Add(6), Stats: map[string]event.HostCounts{"web-1": {Failures: 1}}},
	} {
		s.Add(ev)
		h.Event(ev, s)
	}
	s.ExitCode = 2
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(jsonl.String(), secret) {
		t.Fatalf("the jsonl output shows the secret:\n%s", jsonl.String())
	}
	checkLogs(t, recv, jsonl.String(), DefaultServiceName)
	records := logRecords(t, recv, DefaultServiceName)
	if len(records) != 8 {
		t.Errorf("%d records, want 8", len(records))
	}
	for i, rec := range records {
		if text := prototext.Format(rec); strings.Contains(text, secret) {
			t.Errorf("record %d shows the secret: %s", i, text)
		}
	}
}

// TestOTLPLogsSignals turns the signals on and off with the standard
// variables: OTEL_LOGS_EXPORTER=none turns off the logs only; logs alone,
// from OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, carry the caller's trace.
func TestOTLPLogsSignals(t *testing.T) {
	t.Setenv("TRACEPARENT", callerParent)
	count := func(recv *otlpreceiver.Receiver) (spans, metrics, logs int) {
		for _, rs := range recv.ResourceSpans() {
			for _, ss := range rs.ScopeSpans {
				spans += len(ss.Spans)
			}
		}
		for _, rm := range recv.ResourceMetrics() {
			for _, sm := range rm.ScopeMetrics {
				metrics += len(sm.Metrics)
			}
		}
		return spans, metrics, len(logRecords(t, recv, DefaultServiceName))
	}
	t.Run("logs none", func(t *testing.T) {
		t.Setenv("OTEL_LOGS_EXPORTER", "none")
		recv := startReceiver(t, ProtocolHTTP)
		otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		replayStream(t, "mixed.jsonl", otlp)
		if spans, metrics, logs := count(recv); spans == 0 || metrics == 0 || logs != 0 {
			t.Errorf("%d spans, %d metrics, %d log records; want spans and metrics, no log record", spans, metrics, logs)
		}
	})
	t.Run("logs only", func(t *testing.T) {
		t.Setenv("OTEL_SERVICE_NAME", "")
		recv := startReceiver(t, ProtocolGRPC)
		t.Setenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", recv.URL)
		t.Setenv("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", ProtocolGRPC)
		otlp, err := NewOTLP(OTLPOptions{Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		if otlp == nil || otlp.tp != nil || otlp.mp != nil || otlp.logs == nil {
			t.Fatalf("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT alone gave %+v, want the logs only", otlp)
		}
		events := &eventCounter{}
		replayStream(t, "mixed.jsonl", event.NewFanout(zerolog.Nop(), events, otlp))
		if spans, metrics, logs := count(recv); spans != 0 || metrics != 0 || logs != events.n+1 {
			t.Errorf("%d spans, %d metrics, %d log records; want only %d log records", spans, metrics, logs, events.n+1)
		}
		for i, rec := range logRecords(t, recv, DefaultServiceName) {
			if hex.EncodeToString(rec.TraceId) != callerTraceID || hex.EncodeToString(rec.SpanId) != callerSpanID {
				t.Errorf("record %d: trace %x span %x, want the caller's span", i, rec.TraceId, rec.SpanId)
			}
		}
	})
}

// TestOTLPLogsHangingCollector sends the logs, and nothing else, to a
// collector that accepts and never answers, with a queue of 4 records:
// the run ends with its own exit code within a bound, nothing is
// exported, the full queue drops records, and the end of the run logs how
// many were dropped and how many failed.
func TestOTLPLogsHangingCollector(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	t.Setenv("OTEL_BLRP_MAX_QUEUE_SIZE", "4")
	addr, accepted := hangingListener(t)
	const timeout = 300 * time.Millisecond
	for _, protocol := range []string{ProtocolHTTP, ProtocolGRPC} {
		t.Run(protocol, func(t *testing.T) {
			before := accepted.Load()
			var logged bytes.Buffer
			otlp, err := NewOTLP(OTLPOptions{Endpoint: "http://" + addr, Protocol: protocol, Timeout: timeout, Log: zerolog.New(&logged)})
			if err != nil {
				t.Fatal(err)
			}
			stream, err := os.Open(filepath.Join("testdata", "mixed.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer stream.Close()
			events := &eventCounter{}
			done := make(chan *event.Summary, 1)
			go func() {
				s, _ := event.Replay(stream, event.NewFanout(zerolog.Nop(), events, otlp), bytes.NewBuffer(nil), zerolog.Nop())
				done <- s
			}()
			var s *event.Summary
			select {
			case s = <-done:
			case <-time.After(100 * timeout): // a bound for the test, far beyond the flush timeout
				t.Fatal("the run did not end: the flush of the logs is not bounded")
			}
			if s.ExitCode != 4 {
				t.Errorf("exit code %d, want the run's 4", s.ExitCode)
			}
			if accepted.Load() == before {
				t.Error("the exporter never connected to the hanging collector")
			}
			var report map[string]any
			sc := bufio.NewScanner(&logged)
			for sc.Scan() {
				var entry map[string]any
				if json.Unmarshal(sc.Bytes(), &entry) == nil && entry["records"] != nil {
					report = entry
				}
			}
			if report == nil {
				t.Fatalf("the end of the run did not report the log records: %s", logged.String())
			}
			t.Logf("report at the end: %v", report)
			records := float64(events.n + 1)
			if report["level"] != "warn" || report["records"] != records || report["exported"] != 0.0 {
				t.Errorf("report %v, want a warning that none of %v records was exported", report, records)
			}
			dropped, failed := report["dropped"].(float64), report["failed"].(float64)
			if dropped == 0 || dropped+failed != records {
				t.Errorf("report %v: want records dropped by the queue of 4, and dropped+failed = %v", report, records)
			}
		})
	}
}
