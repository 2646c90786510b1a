package notify

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
)

// noLogEvents are a run whose task hides its output with no_log, with
// what Ansible would censor first left in: the webhook's own guard must
// keep the message, the loop items and the values out of every payload.
// A task without no_log carries a value under a --redact key.
func noLogEvents() []*runner.Event {
	at := time.Now()
	play := &runner.Play{ID: "p", Name: "vault"}
	hidden := &runner.Task{ID: "t1", Name: "use the vault", Action: "command"}
	shown := &runner.Task{ID: "t2", Name: "read the pin", Action: "debug"}
	raw := []byte(`{"msg":"MsgS3cret","stdout":"ValueS3cret","failed":true}`)
	result := func(failed bool) *runner.Result {
		return &runner.Result{Failed: failed, Msg: "MsgS3cret", Stderr: "StderrS3cret", Raw: raw}
	}
	return []*runner.Event{
		{Kind: runner.PlaybookStart, Time: at, Playbook: &runner.Playbook{Path: "/srv/vault.yml"}},
		{Kind: runner.PlayStart, Time: at, Play: play},
		{Kind: runner.TaskStart, Time: at, Play: play, Task: hidden},
		{Kind: runner.ItemOK, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Item: `{"user":"u","pin":"ItemS3cret"}`, Result: result(false)},
		{Kind: runner.ItemFailed, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Item: "ItemLabelS3cret", Result: result(true)},
		{Kind: runner.RunnerRetry, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true, Result: result(true)},
		{Kind: runner.RunnerFailed, Time: at, Play: play, Task: hidden, Host: "web1", NoLog: true,
			Disposition: runner.Fatal, Result: result(true)},
		{Kind: runner.TaskStart, Time: at, Play: play, Task: shown},
		{Kind: runner.RunnerOK, Time: at, Play: play, Task: shown, Host: "web2",
			Result: &runner.Result{Msg: "pin read", Raw: []byte(`{"msg":"pin read","vault_pin":"PinS3cret"}`)}},
		{Kind: runner.PlaybookStats, Time: at, Stats: map[string]runner.HostCounts{"web1": {Failures: 1}, "web2": {OK: 1}}},
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
			s := runner.NewSummary()
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
