package notify

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// noLogEvents are a run whose task hides its output with no_log, with
// what Ansible would censor first left in: the webhook's own guard must
// keep the message, the loop items and the values out of every payload.
// A task without no_log carries a value under a --redact key.
func noLogEvents() []*event.Event {
	at := time.Now()
	play := &event.Play{ID: "p", Name: "vault"}
	hidden := &event.Task{ID: "t1", Name: "use the vault", Action: "command"}
	shown := &event.Task{ID: "t2", Name: "read the pin", Action: "debug"}
	raw := []byte(`{"msg":"MsgS3cret","stdout":"ValueS3cret","failed":true}`)
	result := func(failed bool) *event.Result {
		return &event.Result{Failed: failed, Msg: "MsgS3cret", Stderr: "StderrS3cret", Raw: raw}
	}
	return []*event.Event{
		{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "/srv/vault.yml"}},
		{Kind: event.PlayStart, Time: at, Play: play},
		{Kind: event.TaskStart, Time: at, Play: play, Task: hidden},
		{Kind: event.ItemOK, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Item: `{"user":"u","pin":"ItemS3cret"}`, Result: result(false)},
		{Kind: event.ItemFailed, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Item: "ItemLabelS3cret", Result: result(true)},
		{Kind: event.RunnerRetry, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true, Result: result(true)},
		{Kind: event.RunnerFailed, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Disposition: event.Fatal, Result: result(true)},
		{Kind: event.TaskStart, Time: at, Play: play, Task: shown},
		{Kind: event.RunnerOK, Time: at, Play: play, Task: shown, Host: "web2",
			Result: &event.Result{Msg: "pin read", Raw: []byte(`{"msg":"pin read","vault_pin":"PinS3cret"}`)}},
		{Kind: event.PlaybookStats, Time: at, Stats: map[string]event.HostCounts{"web1": {Failures: 1}, "web2": {OK: 1}}},
	}
}

// A no_log result's message, loop item and values never reach a webhook
// payload, whatever the payload: one event alone, a batch, the summary, or
// the failures that --webhook-events failures sends.
func TestWebhookNeverSendsANoLogResult(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events EventFilter
		batch  bool
		want   []string // event types that must arrive, so the test sees them
	}{
		{"one by one", AllEvents, false, []string{EventItemResult, EventTaskRetry, EventTaskResult, EventPlaybookEnd}},
		{"batch", AllEvents, true, []string{batchKind, EventItemResult, EventTaskRetry, EventTaskResult, EventPlaybookEnd}},
		{"failures", FailureEvents, false, []string{EventTaskResult, EventPlaybookEnd}},
		{"summary", SummaryEvents, false, []string{EventPlaybookEnd}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			release := make(chan struct{})
			e := newEndpoint(t, checkSigned("", ""), func(n int, _ http.ResponseWriter, r *http.Request, _ []byte) bool {
				if n == 1 && tc.batch { // a backlog forms behind the first delivery
					select {
					case <-release:
					case <-r.Context().Done():
					}
				}
				return false
			})
			hook := NewWebhook(WebhookOptions{URL: e.URL, Events: tc.events, Batch: tc.batch, Workers: 1,
				Redact: []string{"vault_pin"}, Group: &Group{Timeout: 20 * time.Second}, Log: zerolog.Nop()})
			s := event.NewSummary()
			for _, ev := range noLogEvents() {
				s.Add(ev)
				hook.Event(ev, s)
			}
			close(release)
			s.ExitCode = 2
			hook.Finish(s)

			seen := map[string]bool{}
			for _, r := range e.got() {
				seen[r.header.Get(HeaderEvent)] = true
				if strings.Contains(string(r.body), "S3cret") {
					t.Errorf("a %s payload carries a hidden value:\n%s", r.header.Get(HeaderEvent), r.body)
				}
			}
			posts := hookPosts(t, e)
			noLog := 0
			for _, p := range posts {
				seen[p.EventType] = true
				if p.Data["no_log"] == true {
					noLog++
				}
				if p.EventType == EventPlaybookEnd {
					failures, _ := p.Data["failures"].([]any)
					if len(failures) != 1 || failures[0].(map[string]any)["host"] != "web1" {
						t.Errorf("summary failures %v, want web1's no_log failure", failures)
					}
				}
			}
			for _, want := range tc.want {
				if !seen[want] {
					t.Errorf("no %s payload arrived: the test would not see a leak in it", want)
				}
			}
			if tc.events != SummaryEvents && noLog == 0 {
				t.Error("no payload is marked no_log: the test would not see a leak")
			}
			if tc.events == AllEvents && !strings.Contains(rawBodies(e), `"vault_pin":"[redacted]"`) {
				t.Errorf("the --redact key's value is not shown redacted:\n%s", rawBodies(e))
			}
		})
	}
}

func rawBodies(e *endpoint) string {
	var b strings.Builder
	for _, r := range e.got() {
		b.Write(r.body)
		b.WriteByte('\n')
	}
	return b.String()
}
