package notify

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// slackPost is a message as the test Slack endpoint received it.
type slackPost struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

func (p slackPost) header() string {
	if len(p.Blocks) > 0 && p.Blocks[0].Type == "header" {
		return p.Blocks[0].Text.Text
	}
	return ""
}

func (p slackPost) all() string {
	var b strings.Builder
	b.WriteString(p.Text)
	for _, bl := range p.Blocks {
		for _, t := range append(append([]*slackText{bl.Text}, bl.Fields...), bl.Elements...) {
			if t != nil {
				b.WriteString("\n" + t.Text)
			}
		}
	}
	return b.String()
}

// slackPosts decodes what a Slack endpoint accepted, failing on anything it refused.
func slackPosts(t *testing.T, e *endpoint) (alerts, summaries []slackPost) {
	t.Helper()
	for _, r := range e.got() {
		if r.status != http.StatusOK {
			t.Errorf("Slack would refuse a message (%d): %s", r.status, r.body)
			continue
		}
		var p slackPost
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.header(), " host") && strings.HasSuffix(p.header(), "failed") {
			alerts = append(alerts, p)
		} else {
			summaries = append(summaries, p)
		}
	}
	return alerts, summaries
}

func TestSlackAlertsOnRealRuns(t *testing.T) {
	tests := []struct {
		name, playbook, inventory string
		onSuccess                 bool
		exitCode                  int
		alerts                    []string // what the alerts must say, all of it
		summary                   []string // what the one summary must say; nil: no summary
		notInAlerts               []string
	}{
		{
			name: "ignored and rescued failures post no alert", playbook: "ignored_rescued.yml", inventory: "local.ini",
			onSuccess: true, exitCode: 0,
			summary:     []string{"CHANGED: ignored_rescued.yml", "rescued *1*", "ignored *1*", "failed *0*"},
			notInAlerts: nil,
		},
		{
			name: "a successful run posts nothing by default", playbook: "ignored_rescued.yml", inventory: "local.ini",
			exitCode: 0,
		},
		{
			name: "a fatal failure and an unreachable host alert", playbook: "failures.yml", inventory: "mixed.ini",
			exitCode: 4, // unreachable hosts win over failed ones
			alerts: []string{
				"Task failed:* `Check free space` at `failures.yml:8`", "(play `Maintenance`)", "localhost", "disk full on /var",
				"Host unreachable:* `Reach the host` at `failures.yml:6`", "down",
			},
			summary: []string{"FAILED: failures.yml", "unreachable *1*", "failed *1*", "*localhost* failed", "*down* unreachable", "disk full on /var"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, checkSlack, nil)
			slack := NewSlack(SlackOptions{URL: e.URL + "/services/T0/B0/x", OnSuccess: tt.onSuccess, Log: zerolog.Nop()})
			s := runPlaybook(t, tt.playbook, tt.inventory, slack)
			if s.ExitCode != tt.exitCode {
				t.Fatalf("exit code %d, want %d", s.ExitCode, tt.exitCode)
			}
			alerts, summaries := slackPosts(t, e)
			var alertText strings.Builder
			for _, a := range alerts {
				alertText.WriteString(a.all())
			}
			for _, want := range tt.alerts {
				if !strings.Contains(alertText.String(), want) {
					t.Errorf("no alert says %q; alerts:\n%s", want, alertText.String())
				}
			}
			if tt.alerts == nil && len(alerts) > 0 {
				t.Errorf("%d alerts, want none:\n%s", len(alerts), alertText.String())
			}
			if tt.summary == nil {
				if len(summaries) > 0 {
					t.Errorf("%d summaries, want none", len(summaries))
				}
				return
			}
			if len(summaries) != 1 {
				t.Fatalf("%d summaries, want 1", len(summaries))
			}
			for _, want := range tt.summary {
				if !strings.Contains(summaries[0].all(), want) {
					t.Errorf("the summary does not say %q:\n%s", want, summaries[0].all())
				}
			}
		})
	}
}

var alertHosts = regexp.MustCompile(`\*Hosts? \((\d+)\):\*`)

// A failure storm at one task, with quick hosts and slow ones (-f 5), is
// one Slack alert and the summary; the webhook beside it, with batches,
// delivers every event once.
func TestAFailureStormIsOneAlert(t *testing.T) {
	e := newEndpoint(t, checkSlack, nil)
	group := &Group{Timeout: time.Minute, Log: zerolog.Nop()}
	slack := NewSlack(SlackOptions{URL: e.URL + "/services/T0/B0/x", Group: group, Log: zerolog.Nop()})
	receiver := newEndpoint(t, checkSigned("", "S1gningSecret"), slow(50*time.Millisecond))
	hook := NewWebhook(WebhookOptions{URL: receiver.URL, Secret: "S1gningSecret", Batch: true, Workers: 2, Group: group, Log: zerolog.Nop()})
	s := runPlaybook(t, "storm.yml", "storm.ini", event.NewFanout(zerolog.Nop(), slack, hook), "--forks", "5")
	if s.ExitCode != 2 || len(s.FatalFailures()) != 40 {
		t.Fatalf("exit code %d with %d failures, want 2 and 40", s.ExitCode, len(s.FatalFailures()))
	}
	alerts, summaries := slackPosts(t, e)
	if len(alerts) != 1 {
		t.Fatalf("%d alert messages for 40 hosts failing one task, want 1", len(alerts))
	}
	m := alertHosts.FindStringSubmatch(alerts[0].all())
	if m == nil || m[1] != "40" || !strings.Contains(alerts[0].all(), "service nginx is down") {
		t.Errorf("the alert does not name 40 hosts and the message:\n%s", alerts[0].all())
	}
	if len(summaries) != 1 || !strings.Contains(summaries[0].all(), "failed *40*") {
		t.Errorf("want one summary with 40 failures, got %d", len(summaries))
	}
	posts := hookPosts(t, receiver)
	rep := hook.sender.report()
	if rep.Lost() != 0 || rep.Delivered != len(posts) {
		t.Fatalf("webhook report %+v, %d payloads received", rep, len(posts))
	}
	types := make(map[string]int)
	for i, p := range posts {
		if p.Sequence != int64(i+1) {
			t.Fatalf("sequence %d at position %d: want 1..%d once each", p.Sequence, i, len(posts))
		}
		types[p.EventType]++
	}
	if types[EventTaskResult] != 40 || types[EventTaskRetry] != 5 || posts[len(posts)-1].EventType != EventPlaybookEnd {
		t.Errorf("payloads %v, the last %s: want 40 results, 5 retries, and playbook_end last", types, posts[len(posts)-1].EventType)
	}
}

func TestDeadEndpointsLeaveTheRunAlone(t *testing.T) {
	baseline := runPlaybook(t, "failures.yml", "mixed.ini", event.Discard)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := "http://" + l.Addr().String() + "/services/T0/B0/x"
	l.Close()
	tests := []struct {
		name   string
		behave func(e *endpoint) behaviour
	}{
		{"connection refused", nil},
		{"hanging", func(e *endpoint) behaviour { return e.hang }},
		{"500", func(*endpoint) behaviour { return answerStatus(500, "oops") }},
		{"429 for a minute", func(*endpoint) behaviour {
			return func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
				w.Header().Set("Retry-After", "60")
				w.WriteHeader(http.StatusTooManyRequests)
				return true
			}
		}},
		{"closing the connection", func(*endpoint) behaviour { return closeConnection }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := closedPort
			if tt.behave != nil {
				e := newEndpoint(t, nil, nil)
				e.behave = tt.behave(e)
				url = e.URL + "/services/T0/B0/x"
			}
			group := &Group{Timeout: 500 * time.Millisecond, Log: zerolog.Nop()}
			slack := NewSlack(SlackOptions{URL: url, Group: group, Log: zerolog.Nop()})
			hook := NewWebhook(WebhookOptions{URL: url, Group: group, Log: zerolog.Nop()})
			s := runPlaybook(t, "failures.yml", "mixed.ini", event.NewFanout(zerolog.Nop(), slack, hook))
			if s.ExitCode != baseline.ExitCode || !s.Complete {
				t.Errorf("exit code %d (complete %t), want %d as without notifiers", s.ExitCode, s.Complete, baseline.ExitCode)
			}
			r := hook.sender.report()
			if r.Delivered != 0 || r.Lost() != r.Sent || r.Sent < 5 {
				t.Errorf("webhook report %+v: want every payload counted as lost", r)
			}
		})
	}
}
