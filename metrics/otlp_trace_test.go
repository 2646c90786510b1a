package metrics

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
)

// A failure whose message is megabytes long (its stderr) gives its host
// span an error status with the message's first spanMessageRunes
// characters, the last of them "…".
func TestHostSpanMessageIsCut(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	t.Setenv("OTEL_LOGS_EXPORTER", "none")
	t.Setenv("OTEL_METRICS_EXPORTER", "none")
	recv, err := otlpreceiver.StartHTTP()
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	h, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Timeout: 10 * time.Second, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	rc := 1
	evs := syntheticRun(1, 1)
	for _, ev := range evs {
		if ev.Kind == event.RunnerOK {
			ev.Kind, ev.Disposition = event.RunnerFailed, event.Fatal
			ev.Result = &event.Result{Failed: true, RC: &rc, Stderr: strings.Repeat("an error on stderr ", 100_000)}
		}
	}
	s := event.NewSummary()
	for _, ev := range evs {
		s.Add(ev)
		h.Event(ev, s)
	}
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rs := range recv.ResourceSpans() {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				if sp.Name != "host h000" {
					continue
				}
				found = true
				msg := sp.Status.GetMessage()
				if n := utf8.RuneCountInString(msg); n != spanMessageRunes ||
					!strings.HasPrefix(msg, "non-zero return code (rc=1): an error on stderr") || !strings.HasSuffix(msg, "…") {
					t.Errorf("host span message of %d characters, %.60q…%q; want the message cut to %d", n, msg, msg[max(0, len(msg)-10):], spanMessageRunes)
				}
			}
		}
	}
	if !found {
		t.Error("no host span")
	}
}
