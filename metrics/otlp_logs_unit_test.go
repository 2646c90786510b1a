package metrics

import (
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"go.opentelemetry.io/otel/log"
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
	failed := &event.Result{Failed: true}
	for _, tc := range []struct {
		name string
		ev   event.Event
		want log.Severity
	}{
		{"ok", event.Event{Kind: event.RunnerOK, Result: &event.Result{}}, log.SeverityInfo},
		{"changed", event.Event{Kind: event.RunnerOK, Result: &event.Result{Changed: true}}, log.SeverityInfo},
		{"skipped", event.Event{Kind: event.RunnerSkipped, Result: &event.Result{}}, log.SeverityInfo},
		{"fatal", event.Event{Kind: event.RunnerFailed, Disposition: event.Fatal, Result: failed}, log.SeverityError},
		{"failed, no disposition", event.Event{Kind: event.RunnerFailed, Result: failed}, log.SeverityError},
		{"ignored", event.Event{Kind: event.RunnerFailed, Disposition: event.Ignored, Result: failed}, log.SeverityWarn},
		{"rescued", event.Event{Kind: event.RunnerFailed, Disposition: event.Rescued, Result: failed}, log.SeverityWarn},
		{"unreachable", event.Event{Kind: event.RunnerUnreach, Result: &event.Result{Unreachable: true}}, log.SeverityError},
		{"unreachable ignored", event.Event{Kind: event.RunnerUnreach, IgnoreUnreachable: true, Result: &event.Result{Unreachable: true}}, log.SeverityWarn},
		{"item failed", event.Event{Kind: event.ItemFailed, Result: failed}, log.SeverityWarn},
		{"async failed", event.Event{Kind: event.AsyncFailed, Result: failed}, log.SeverityWarn},
		{"retry", event.Event{Kind: event.RunnerRetry, Result: failed}, log.SeverityInfo},
		{"task start", event.Event{Kind: event.TaskStart}, log.SeverityInfo},
		{"stats", event.Event{Kind: event.PlaybookStats}, log.SeverityInfo},
	} {
		if got := eventSeverity(&tc.ev); got != tc.want {
			t.Errorf("%s: severity %v, want %v", tc.name, got, tc.want)
		}
	}
}
