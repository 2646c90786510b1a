package metrics

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/render"
)

// TestOTLPLogsLiveRun runs a real playbook with the OTLP output beside the
// jsonl renderer, over gRPC: the collector gets the jsonl lines as log
// records, with the spans it got, and never the output of the no_log task,
// which prints a secret on stderr.
func TestOTLPLogsLiveRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	t.Setenv("OTEL_SERVICE_NAME", "ansible-test")
	t.Setenv("TRACEPARENT", callerParent)
	recv := startReceiver(t, ProtocolGRPC)
	otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Protocol: ProtocolGRPC, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var jsonl bytes.Buffer
	events := &eventCounter{}
	s := runPlaybook(t, "mixed.yml", event.NewFanout(zerolog.Nop(), events, otlp, render.NewJSONL(&jsonl)), nil, nil)
	if s.ExitCode != 4 {
		t.Fatalf("exit code %d, want 4", s.ExitCode)
	}
	if n := len(logRecords(t, recv, "ansible-test")); n != events.n+1 {
		t.Errorf("%d log records for %d events, want one per event and one for the run's end", n, events.n)
	}
	severities := checkLogs(t, recv, jsonl.String(), "ansible-test")
	for _, want := range []string{"INFO", "WARN", "ERROR"} {
		if severities[want] == 0 {
			t.Errorf("no %s record among %v", want, severities)
		}
	}
	var noLog int
	for i, rec := range logRecords(t, recv, "ansible-test") {
		if strings.Contains(prototext.Format(rec), "SECRET-TOKEN") {
			t.Errorf("record %d shows the no_log task's secret", i)
		}
		if strings.Contains(rec.GetBody().GetStringValue(), `"no_log":true`) {
			noLog++
		}
	}
	if noLog == 0 {
		t.Error("no record of the no_log task's results")
	}
}
