package notify

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// hookPost is a webhook payload as the receiver decoded it.
type hookPost struct {
	Envelope
	Data map[string]any `json:"data"`
	id   string
	raw  []byte
}

// hookPosts decodes the payloads a receiver accepted, in sequence order;
// a batch (X-Ansible-Tap-Event: batch) is a JSON array of them.
func hookPosts(t *testing.T, e *endpoint) []hookPost {
	t.Helper()
	var out []hookPost
	for _, r := range e.got() {
		if r.status != http.StatusOK {
			continue
		}
		bodies := []json.RawMessage{r.body}
		if r.header.Get(HeaderEvent) == batchKind {
			if err := json.Unmarshal(r.body, &bodies); err != nil {
				t.Fatalf("a batch is not a JSON array: %v", err)
			}
		}
		for _, body := range bodies {
			var p hookPost
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatalf("a payload is not JSON: %v", err)
			}
			p.id, p.raw = r.header.Get(HeaderDelivery), body
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sequence < out[j].Sequence })
	return out
}

func TestWebhookAllEventsSignedOrderedAndRedacted(t *testing.T) {
	const token, secret = "Tok3nValue", "S1gningSecret"
	e := newEndpoint(t, checkSigned(token, secret), nil)
	hook := NewWebhook(WebhookOptions{
		URL: e.URL + "/ansible?key=QueryKey", Token: token, Secret: secret, Redact: []string{"vault_pin"},
		Log: zerolog.Nop(),
	})
	s := runPlaybook(t, "secrets.yml", "local.ini", hook)
	if s.ExitCode != 2 {
		t.Fatalf("exit code %d, want 2", s.ExitCode)
	}
	for _, r := range e.got() {
		if r.status != http.StatusOK {
			t.Fatalf("the receiver refused a delivery (%d): %s", r.status, r.body)
		}
	}
	posts := hookPosts(t, e)
	if rep := hook.sender.report(); rep.Delivered != len(posts) || rep.Lost() != 0 {
		t.Errorf("report %+v for %d payloads received", rep, len(posts))
	}
	ids := make(map[string]bool)
	types := make(map[string]int)
	for i, p := range posts {
		if p.Sequence != int64(i+1) {
			t.Fatalf("sequence %d at position %d: want 1..%d without gaps", p.Sequence, i, len(posts))
		}
		if p.SchemaVersion != SchemaVersion || p.PlaybookID != hook.PlaybookID() || p.PlaybookName != "secrets.yml" {
			t.Errorf("payload %d: version %d, id %q, name %q", p.Sequence, p.SchemaVersion, p.PlaybookID, p.PlaybookName)
		}
		if _, err := time.Parse(time.RFC3339Nano, p.Timestamp); err != nil {
			t.Errorf("payload %d: timestamp %q", p.Sequence, p.Timestamp)
		}
		if ids[p.id] {
			t.Errorf("delivery id %s used twice", p.id)
		}
		ids[p.id] = true
		types[p.EventType]++
		for _, leaked := range []string{"Hunter2Secret", "PinSecret4242", "NoLogSecretValue", "NoLogFailMsg", "ItemSecretAlice", "ItemSecretBob", token, secret, "QueryKey"} {
			if bytes.Contains(p.raw, []byte(leaked)) {
				t.Errorf("payload %d (%s) carries %q: %s", p.Sequence, p.EventType, leaked, p.raw)
			}
		}
		if p.Data["no_log"] == true && p.Data["result"] != nil {
			t.Errorf("payload %d keeps a no_log result: %s", p.Sequence, p.raw)
		}
	}
	want := map[string]int{EventPlaybookStart: 1, EventPlayStart: 1, EventTaskStart: 5, EventTaskResult: 5, EventItemResult: 2, EventPlaybookEnd: 1}
	for k, n := range want {
		if types[k] != n {
			t.Errorf("%d %s payloads, want %d (all: %v)", types[k], k, n, types)
		}
	}
	last := posts[len(posts)-1]
	if last.EventType != EventPlaybookEnd || last.Data["outcome"] != "failed" || last.Data["exit_code"] != float64(2) {
		t.Fatalf("the last payload is %s: %s", last.EventType, last.raw)
	}
	if fs, _ := last.Data["failures"].([]any); len(fs) != 1 || fs[0].(map[string]any)["host"] != "localhost" {
		t.Errorf("summary failures: %v", last.Data["failures"])
	}
	var facts string
	for _, p := range posts {
		if task, _ := p.Data["task"].(map[string]any); p.EventType == EventTaskResult && task["name"] == "Set the credentials" {
			facts = string(p.raw)
		}
	}
	if !strings.Contains(facts, `"db_password":"[redacted]"`) || !strings.Contains(facts, `"vault_pin":"[redacted]"`) || !strings.Contains(facts, `"db_name":"inventory"`) {
		t.Errorf("set_fact result not redacted as expected: %s", facts)
	}
}

func TestWebhookEventFilters(t *testing.T) {
	tests := []struct {
		events EventFilter
		want   []string // event types in sequence order
	}{
		{FailureEvents, []string{EventTaskResult, EventTaskResult, EventPlaybookEnd}},
		{SummaryEvents, []string{EventPlaybookEnd}},
	}
	for _, tt := range tests {
		t.Run(string(tt.events), func(t *testing.T) {
			// A slow receiver: every payload still arrives.
			e := newEndpoint(t, checkSigned("", ""), slow(300*time.Millisecond))
			hook := NewWebhook(WebhookOptions{URL: e.URL, Events: tt.events, Log: zerolog.Nop()})
			runPlaybook(t, "failures.yml", "mixed.ini", hook)
			var got []string
			for _, p := range hookPosts(t, e) {
				got = append(got, p.EventType)
				if p.EventType == EventTaskResult && p.Data["status"] != "failed" && p.Data["status"] != "unreachable" {
					t.Errorf("a %s result sent with --webhook-events %s", p.Data["status"], tt.events)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("event types %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWebhookRetriesKeepTheirDeliveryID(t *testing.T) {
	const secret = "S1gningSecret"
	var mu sync.Mutex
	attempts := make(map[string]int)
	// Every delivery fails once: task_start payloads lose their connection,
	// the others get a 500.
	e := newEndpoint(t, checkSigned("", secret), func(_ int, w http.ResponseWriter, r *http.Request, body []byte) bool {
		id := r.Header.Get(HeaderDelivery)
		mu.Lock()
		attempts[id]++
		n := attempts[id]
		mu.Unlock()
		if n > 1 {
			return false
		}
		if bytes.Contains(body, []byte(`"event_type":"task_start"`)) {
			return closeConnection(n, w, r, body)
		}
		return answerStatus(500, "try again")(n, w, r, body)
	})
	hook := NewWebhook(WebhookOptions{URL: e.URL, Secret: secret, Log: zerolog.Nop()})
	runPlaybook(t, "ignored_rescued.yml", "local.ini", hook)
	rep := hook.sender.report()
	if rep.Lost() != 0 || rep.Delivered != rep.Sent || rep.Sent == 0 {
		t.Fatalf("report %+v: want every payload delivered after its retry", rep)
	}
	bodies := make(map[string][][]byte)
	for _, r := range e.got() {
		id := r.header.Get(HeaderDelivery)
		bodies[id] = append(bodies[id], r.body)
	}
	if len(bodies) != rep.Sent {
		t.Errorf("%d delivery ids for %d payloads", len(bodies), rep.Sent)
	}
	for id, bs := range bodies {
		if len(bs) != 2 || !bytes.Equal(bs[0], bs[1]) {
			t.Errorf("delivery %s: %d attempts, want 2 with the same body", id, len(bs))
		}
	}
	if len(hookPosts(t, e)) != rep.Sent {
		t.Errorf("the receiver accepted %d payloads, want %d", len(hookPosts(t, e)), rep.Sent)
	}
}
