package metrics

import (
	"encoding/hex"
	"strings"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// The trace a test run joins, as a CI pipeline would pass it in TRACEPARENT.
const (
	callerTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpanID  = "00f067aa0ba902b7"
	callerParent  = "00-" + callerTraceID + "-" + callerSpanID + "-01"
)

func attrs(kvs []*commonpb.KeyValue) map[string]*commonpb.AnyValue {
	m := make(map[string]*commonpb.AnyValue, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// checkSpanTree checks the spans a receiver got for the run in s: one
// playbook span under the caller's span, its plays, their tasks, and one
// span per host result with the result's times, status and attributes.
func checkSpanTree(t *testing.T, r *otlpreceiver.Receiver, s *event.Summary, service string) {
	t.Helper()
	var spans []*tracepb.Span
	for _, rs := range r.ResourceSpans() {
		res := attrs(rs.Resource.GetAttributes())
		if got := res["service.name"].GetStringValue(); got != service {
			t.Errorf("service.name = %q, want %q", got, service)
		}
		if got := res["deployment.environment"].GetStringValue(); got != "ci" {
			t.Errorf("deployment.environment = %q, want ci (OTEL_RESOURCE_ATTRIBUTES)", got)
		}
		for _, ss := range rs.ScopeSpans {
			spans = append(spans, ss.Spans...)
		}
	}
	byID := make(map[string]*tracepb.Span)
	for _, sp := range spans {
		byID[hex.EncodeToString(sp.SpanId)] = sp
		if hex.EncodeToString(sp.TraceId) != callerTraceID {
			t.Fatalf("span %q is in trace %x, not the caller's", sp.Name, sp.TraceId)
		}
		for _, kv := range sp.Attributes {
			if strings.Contains(kv.Value.String(), "SECRET") {
				t.Errorf("span %q carries a no_log secret in %s", sp.Name, kv.Key)
			}
		}
		if strings.Contains(sp.Status.GetMessage(), "SECRET") {
			t.Errorf("span %q carries a no_log secret in its status", sp.Name)
		}
	}
	parent := func(sp *tracepb.Span) *tracepb.Span { return byID[hex.EncodeToString(sp.ParentSpanId)] }
	within := func(child, p *tracepb.Span) {
		if child.StartTimeUnixNano < p.StartTimeUnixNano || child.EndTimeUnixNano > p.EndTimeUnixNano {
			t.Errorf("span %q [%d, %d] is not within its parent %q [%d, %d]", child.Name,
				child.StartTimeUnixNano, child.EndTimeUnixNano, p.Name, p.StartTimeUnixNano, p.EndTimeUnixNano)
		}
	}

	var roots, plays, tasks, hosts []*tracepb.Span
	for _, sp := range spans {
		switch {
		case strings.HasPrefix(sp.Name, "playbook "):
			roots = append(roots, sp)
		case strings.HasPrefix(sp.Name, "play "):
			plays = append(plays, sp)
		case strings.HasPrefix(sp.Name, "task "), strings.HasPrefix(sp.Name, "handler "):
			tasks = append(tasks, sp)
		case strings.HasPrefix(sp.Name, "host "):
			hosts = append(hosts, sp)
		default:
			t.Errorf("unexpected span %q", sp.Name)
		}
	}
	if len(roots) != 1 {
		t.Fatalf("%d playbook spans, want 1", len(roots))
	}
	root := roots[0]
	if got := hex.EncodeToString(root.ParentSpanId); got != callerSpanID {
		t.Errorf("playbook span's parent = %s, want the caller's %s", got, callerSpanID)
	}
	if root.StartTimeUnixNano != uint64(s.Start.UnixNano()) || root.EndTimeUnixNano != uint64(s.End.UnixNano()) {
		t.Errorf("playbook span [%d, %d], want the run's [%d, %d]", root.StartTimeUnixNano, root.EndTimeUnixNano, s.Start.UnixNano(), s.End.UnixNano())
	}
	wantErr := s.ExitCode != 0
	if got := root.Status.GetCode() == tracepb.Status_STATUS_CODE_ERROR; got != wantErr {
		t.Errorf("playbook span error = %v, want %v (exit code %d)", got, wantErr, s.ExitCode)
	}
	if got := attrs(root.Attributes)["ansible.exit_code"].GetIntValue(); got != int64(s.ExitCode) {
		t.Errorf("playbook span ansible.exit_code = %d, want %d", got, s.ExitCode)
	}
	if len(plays) != len(s.Plays) {
		t.Errorf("%d play spans, want %d", len(plays), len(s.Plays))
	}
	for _, p := range plays {
		if parent(p) != root {
			t.Errorf("play span %q is not under the playbook span", p.Name)
		}
		within(p, root)
	}
	if len(tasks) != len(s.Tasks) {
		t.Errorf("%d task spans, want %d", len(tasks), len(s.Tasks))
	}
	for _, ts := range tasks {
		if p := parent(ts); p == nil || !strings.HasPrefix(p.Name, "play ") {
			t.Errorf("task span %q is not under a play span", ts.Name)
		} else {
			within(ts, p)
		}
	}

	type key struct{ task, host string }
	want := make(map[key]event.HostResult)
	for _, tr := range s.Tasks {
		for _, hr := range tr.Results {
			want[key{tr.Task.Name, hr.Host}] = hr
		}
	}
	if len(hosts) != len(want) {
		t.Errorf("%d host spans, want one per host result: %d", len(hosts), len(want))
	}
	for _, hs := range hosts {
		a := attrs(hs.Attributes)
		k := key{a["ansible.task.name"].GetStringValue(), a["ansible.host"].GetStringValue()}
		hr, ok := want[k]
		if !ok {
			t.Errorf("host span %q for %v matches no host result", hs.Name, k)
			continue
		}
		task := parent(hs)
		if task == nil || attrs(task.Attributes)["ansible.task.name"].GetStringValue() != k.task {
			t.Errorf("host span %v is not under its task's span", k)
		} else {
			within(hs, task)
		}
		if hs.StartTimeUnixNano != uint64(hr.Start.UnixNano()) || hs.EndTimeUnixNano != uint64(hr.End.UnixNano()) {
			t.Errorf("host span %v [%d, %d], want the result's [%d, %d]", k, hs.StartTimeUnixNano, hs.EndTimeUnixNano, hr.Start.UnixNano(), hr.End.UnixNano())
		}
		if got := a["ansible.status"].GetStringValue(); got != string(hr.Status) {
			t.Errorf("host span %v status %q, want %q", k, got, hr.Status)
		}
		if got := a["ansible.changed"].GetBoolValue(); got != hr.Changed {
			t.Errorf("host span %v changed = %v, want %v", k, got, hr.Changed)
		}
		if got := a["ansible.item_count"].GetIntValue(); got != int64(hr.Items) {
			t.Errorf("host span %v item_count = %d, want %d", k, got, hr.Items)
		}
		fatal := hr.Status == event.StatusFailed || hr.Status == event.StatusUnreachable
		if got := hs.Status.GetCode() == tracepb.Status_STATUS_CODE_ERROR; got != fatal {
			t.Errorf("host span %v (%s) error = %v, want %v", k, hr.Status, got, fatal)
		}
		if want := textcut.Runes(hr.Message, spanMessageRunes); fatal && hr.Message != "" && hs.Status.GetMessage() != want {
			t.Errorf("host span %v error message %q, want %q", k, hs.Status.GetMessage(), want)
		}
	}
}

// checkOTLPMetrics checks the metrics a receiver got against Ansible's stats.
func checkOTLPMetrics(t *testing.T, r *otlpreceiver.Receiver, s *event.Summary) {
	t.Helper()
	byName := make(map[string]*metricpb.Metric)
	for _, rm := range r.ResourceMetrics() {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				byName[m.Name] = m
			}
		}
	}
	results := byName["ansible.playbook.task.results"]
	if results == nil {
		t.Fatalf("no ansible.playbook.task.results among %d metrics", len(byName))
	}
	got := make(map[string]float64)
	for _, dp := range results.GetSum().GetDataPoints() {
		got[attrs(dp.Attributes)["ansible.status"].GetStringValue()] += float64(dp.GetAsInt())
	}
	for status, want := range reportedTotals(t, s) {
		if got[status] != want {
			t.Errorf("OTLP task results %s = %v, Ansible reported %v", status, got[status], want)
		}
	}
	hist := byName["ansible.playbook.task.duration"].GetHistogram().GetDataPoints()
	if len(hist) != 1 || hist[0].Count != uint64(len(s.Tasks)) {
		t.Errorf("OTLP task duration histogram %v, want one point of %d tasks", hist, len(s.Tasks))
	}
	codes := byName["ansible.playbook.exit_code"].GetGauge().GetDataPoints()
	if len(codes) != 1 || codes[0].GetAsInt() != int64(s.ExitCode) {
		t.Errorf("OTLP exit code %v, want %d", codes, s.ExitCode)
	}
}
