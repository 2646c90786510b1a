package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/notify"
)

// secretRun is a run whose results carry values under secret keys (one of
// them a --redact key), a loop item that is a dict with a password, custom
// stats with a token, and a no_log task whose result Ansible would have
// censored but which still carries its message, item, values and diff.
func secretRun() []*event.Event {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "vault"}
	shown := &event.Task{ID: "t1", Name: "create users", Action: "user"}
	hidden := &event.Task{ID: "t2", Name: "use the vault", Action: "command"}
	return []*event.Event{
		{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "vault.yml"}},
		{Kind: event.PlayStart, Time: at.Add(1), Play: play},
		{Kind: event.TaskStart, Time: at.Add(2), Play: play, Task: shown},
		{Kind: event.ItemOK, Time: at.Add(3), Play: play, Task: shown, Host: "web1", Item: `{"name":"alice","password":"ItemS3cret"}`,
			Result: &event.Result{Changed: true, Raw: []byte(`{"changed":true,"name":"alice","vault_pin":"PinS3cret","nested":{"api_token":"TokenS3cret","keys":["k1"]}}`)}},
		{Kind: event.RunnerOK, Time: at.Add(4), Play: play, Task: shown, Host: "web1",
			Result: &event.Result{Changed: true, Raw: []byte(`{"changed":true,"results":[{"item":{"name":"alice","password":"ItemS3cret"},"vault_pin":"PinS3cret"}],"msg":"All items completed"}`)}},
		{Kind: event.TaskStart, Time: at.Add(5), Play: play, Task: hidden},
		{Kind: event.ItemFailed, Time: at.Add(6), Play: play, Task: hidden, Host: "web1", NoLog: true, Item: "NoLogItemS3cret",
			Result: &event.Result{Failed: true, Msg: "NoLogMsgS3cret", Raw: []byte(`{"failed":true,"msg":"NoLogMsgS3cret","stdout":"NoLogValueS3cret"}`)}},
		{Kind: event.FileDiff, Time: at.Add(7), Play: play, Task: hidden, Host: "web1", NoLog: true, DiffText: "+NoLogDiffS3cret\n"},
		{Kind: event.RunnerFailed, Time: at.Add(8), Play: play, Task: hidden, Host: "web1", NoLog: true, Disposition: event.Fatal,
			Result: &event.Result{Failed: true, Msg: "NoLogMsgS3cret", Raw: []byte(`{"failed":true,"msg":"NoLogMsgS3cret"}`)}},
		{Kind: event.PlaybookStats, Time: at.Add(9), Stats: map[string]event.HostCounts{"web1": {Changed: 1, Failures: 1}},
			CustomStats:       map[string]json.RawMessage{"web1": []byte(`{"deploy_token":"StatsS3cret","release":"1.2"}`)},
			GlobalCustomStats: []byte(`{"db_password":"StatsS3cret"}`)},
	}
}

// The OTLP log records hide what the webhook hides, with the same --redact
// keys: the same values under secret keys are redacted in both, nothing of
// a no_log result leaves in either, and each result and loop item reads
// the same in a record's body as in the webhook's payload.
func TestOTLPLogsRedactAsTheWebhookDoes(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	recv := startReceiver(t, ProtocolHTTP)
	var mu sync.Mutex
	var payloads []notify.Envelope
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("webhook payload: %v", err)
		}
		mu.Lock()
		payloads = append(payloads, env)
		mu.Unlock()
	}))
	defer hookSrv.Close()
	redactKeys := []string{"vault_pin"}
	otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Redact: redactKeys, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	hook := notify.NewWebhook(notify.WebhookOptions{URL: hookSrv.URL, Redact: redactKeys, Workers: 1, Log: zerolog.Nop()})
	h := event.NewFanout(zerolog.Nop(), otlp, hook)
	s := event.NewSummary()
	for _, ev := range secretRun() {
		s.Add(ev)
		h.Event(ev, s)
	}
	s.ExitCode = 2
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}

	// What a log record's body and a webhook payload say of one result.
	type shown struct {
		Item   string `json:"item"`
		Result any    `json:"result"`
	}
	bodies := map[string]shown{} // by event type and host
	records := logRecords(t, recv, DefaultServiceName)
	for i, rec := range records {
		text := prototext.Format(rec)
		if strings.Contains(text, "S3cret") {
			t.Errorf("record %d shows a hidden value: %s", i, text)
		}
		var b struct {
			shown
			EventType string `json:"event_type"`
			Host      string `json:"host"`
		}
		if err := json.Unmarshal([]byte(rec.GetBody().GetStringValue()), &b); err != nil {
			t.Fatalf("record %d: the body is not a jsonl line: %v", i, err)
		}
		bodies[b.EventType+" "+b.Host] = b.shown
	}
	for _, rs := range recv.ResourceSpans() {
		if text := prototext.Format(rs); strings.Contains(text, "S3cret") {
			t.Errorf("a span shows a hidden value: %s", text)
		}
	}
	if len(records) != len(secretRun())+1 {
		t.Errorf("%d records, want one per event and one for the run's end", len(records))
	}
	compared := 0
	mu.Lock()
	defer mu.Unlock()
	for _, env := range payloads {
		raw, _ := json.Marshal(env.Data)
		if strings.Contains(string(raw), "S3cret") {
			t.Errorf("the webhook's %s payload shows a hidden value: %s", env.EventType, raw)
		}
		var p struct {
			shown
			Kind string `json:"kind"`
			Host string `json:"host"`
		}
		json.Unmarshal(raw, &p)
		if env.EventType != notify.EventTaskResult && env.EventType != notify.EventItemResult {
			continue
		}
		compared++
		if diff := cmp.Diff(p.shown, bodies[p.Kind+" "+p.Host]); diff != "" {
			t.Errorf("%s %s: the webhook (-) and the log record (+) differ:\n%s", p.Kind, p.Host, diff)
		}
	}
	if compared != 4 {
		t.Errorf("%d results compared, want the 4 of the run", compared)
	}
	item := bodies[string(event.ItemOK)+" web1"]
	values, _ := json.Marshal(item.Result)
	if item.Item != `{"name":"alice","password":"[redacted]"}` || !strings.Contains(string(values), `"vault_pin":"[redacted]"`) ||
		!strings.Contains(string(values), `"api_token":"[redacted]"`) || !strings.Contains(string(values), `"keys":["k1"]`) {
		t.Errorf("the item record shows %s and %s, want the password, the --redact key and the token redacted, the rest kept", item.Item, values)
	}
}

// An export that fails says why, at the end too, without the collector
// URL's path, whether the endpoint comes from the flag or the environment.
func TestOTLPErrorsHideTheEndpoint(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	closed := "http://" + freePort(t) // nobody listens there
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no tenant at "+r.URL.Path, http.StatusBadRequest)
	}))
	defer refusing.Close()
	refused := "OTLP logs: connection refused"
	for _, tc := range []struct {
		name     string
		endpoint string
		env      string
		want     []string
	}{
		{"flag", closed + "/otlp/PathS3cret", "", []string{refused, "last error: connection refused"}},
		{"environment", "", closed + "/otlp/PathS3cret", []string{refused, "last error: connection refused"}},
		{"a refusing collector, from the environment", "", refusing.URL + "/otlp/PathS3cret",
			[]string{"400 Bad Request", "no tenant at [redacted]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tc.env)
			var logged bytes.Buffer
			otlp, err := NewOTLP(OTLPOptions{Endpoint: tc.endpoint, Timeout: time.Second, Log: zerolog.New(zerolog.SyncWriter(&logged))})
			if err != nil {
				t.Fatal(err)
			}
			_, err = replayInto(t, "ok.jsonl", otlp)
			if err == nil {
				t.Fatal("the export to a closed port succeeded")
			}
			out := logged.String() + err.Error()
			for _, want := range append(tc.want, "OTLP export failed", "did not reach the collector; last error: ") {
				if !strings.Contains(out, want) {
					t.Errorf("the log and error lack %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "S3cret") {
				t.Errorf("the log or error shows the endpoint's path:\n%s", out)
			}
		})
	}
}
