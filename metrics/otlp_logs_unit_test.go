package metrics

import (
	"testing"

	"go.opentelemetry.io/otel/log"

	"github.com/ansible-tap/ansible-tap/runner"
)

func TestResolveLogsTarget(t *testing.T) {
	for _, tc := range []struct {
		name               string
		endpoint, protocol string
		env                map[string]string
		want               otlpTarget
	}{
		{"flag http", "http://c:4318/", "", nil, otlpTarget{true, ProtocolHTTP, "http://c:4318/v1/logs"}},
		{"flag grpc", "http://c:4317", ProtocolGRPC, nil, otlpTarget{true, ProtocolGRPC, "http://c:4317"}},
		{"env endpoint", "", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, otlpTarget{true, ProtocolHTTP, ""}},
		{"env logs only", "", "", map[string]string{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://c/v1/logs"}, otlpTarget{true, ProtocolHTTP, ""}},
		{"env traces only", "", "", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces"}, otlpTarget{protocol: ProtocolHTTP}},
		{"logs protocol", "", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc"}, otlpTarget{true, ProtocolGRPC, ""}},
		{"logs none", "http://c", "", map[string]string{"OTEL_LOGS_EXPORTER": "none"}, otlpTarget{}},
		{"traces none", "http://c", "", map[string]string{"OTEL_TRACES_EXPORTER": "none"}, otlpTarget{true, ProtocolHTTP, "http://c/v1/logs"}},
		{"sdk disabled", "http://c", "", map[string]string{"OTEL_SDK_DISABLED": "true"}, otlpTarget{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveTarget(signalLogs, tc.endpoint, tc.protocol, func(k string) string { return tc.env[k] })
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestEventSeverity(t *testing.T) {
	failed := &runner.Result{Failed: true}
	for _, tc := range []struct {
		name string
		ev   runner.Event
		want log.Severity
	}{
		{"ok", runner.Event{Kind: runner.RunnerOK, Result: &runner.Result{}}, log.SeverityInfo},
		{"changed", runner.Event{Kind: runner.RunnerOK, Result: &runner.Result{Changed: true}}, log.SeverityInfo},
		{"skipped", runner.Event{Kind: runner.RunnerSkipped, Result: &runner.Result{}}, log.SeverityInfo},
		{"fatal", runner.Event{Kind: runner.RunnerFailed, Disposition: runner.Fatal, Result: failed}, log.SeverityError},
		{"failed, no disposition", runner.Event{Kind: runner.RunnerFailed, Result: failed}, log.SeverityError},
		{"ignored", runner.Event{Kind: runner.RunnerFailed, Disposition: runner.Ignored, Result: failed}, log.SeverityWarn},
		{"rescued", runner.Event{Kind: runner.RunnerFailed, Disposition: runner.Rescued, Result: failed}, log.SeverityWarn},
		{"unreachable", runner.Event{Kind: runner.RunnerUnreach, Result: &runner.Result{Unreachable: true}}, log.SeverityError},
		{"unreachable ignored", runner.Event{Kind: runner.RunnerUnreach, IgnoreUnreachable: true, Result: &runner.Result{Unreachable: true}}, log.SeverityWarn},
		{"item failed", runner.Event{Kind: runner.ItemFailed, Result: failed}, log.SeverityWarn},
		{"async failed", runner.Event{Kind: runner.AsyncFailed, Result: failed}, log.SeverityWarn},
		{"retry", runner.Event{Kind: runner.RunnerRetry, Result: failed}, log.SeverityInfo},
		{"task start", runner.Event{Kind: runner.TaskStart}, log.SeverityInfo},
		{"stats", runner.Event{Kind: runner.PlaybookStats}, log.SeverityInfo},
	} {
		if got := eventSeverity(&tc.ev); got != tc.want {
			t.Errorf("%s: severity %v, want %v", tc.name, got, tc.want)
		}
	}
}
