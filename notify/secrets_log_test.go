package notify

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

func TestNothingSecretIsLogged(t *testing.T) {
	const (
		slackPath = "/services/T0SLACKID/B0HOOKID/SlackS3cretPart"
		token     = "Tok3nNeverLogged"
		secret    = "S1gningSecretNeverLogged"
	)
	// Slack answers 404 and, as some proxies do, echoes the request path;
	// the webhook drops every connection, so Go's *url.Error names its URL.
	slack := newEndpoint(t, nil, func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("no_service for " + r.URL.Path))
		return true
	})
	hook := newEndpoint(t, nil, closeConnection)

	var buf bytes.Buffer
	log := zerolog.New(zerolog.SyncWriter(&buf)).Level(zerolog.DebugLevel) // workers log concurrently
	fast := RetryPolicy{Attempts: 3, Base: 10 * time.Millisecond, Max: 20 * time.Millisecond, MaxRetryAfter: time.Second}
	group := &Group{Timeout: 5 * time.Second, Log: log}
	h := event.NewFanout(log,
		NewSlack(SlackOptions{URL: slack.URL + slackPath, Group: group, Retry: fast, Log: log}),
		NewWebhook(WebhookOptions{URL: hook.URL + "/ansible/HookPathSecret?sig=QuerySecret", Token: token, Secret: secret,
			Group: group, Retry: fast, Log: log}),
	)
	runPlaybook(t, "secrets.yml", "local.ini", h)

	out := buf.String()
	for _, want := range []string{"notification not delivered", "HTTP 404: no_service for [redacted]", "connection closed by the server",
		"notifications delivered", `"notifier":"slack"`, `"notifier":"webhook"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q; the test would not see a leak:\n%s", want, out)
		}
	}
	for _, leaked := range []string{"SlackS3cretPart", "T0SLACKID", "B0HOOKID", "HookPathSecret", "QuerySecret", token, secret,
		"Hunter2Secret", "NoLogSecretValue", "NoLogFailMsg", "PinSecret4242"} {
		if strings.Contains(out, leaked) {
			t.Errorf("the log carries %q:\n%s", leaked, out)
		}
	}
	if n := strings.Count(out, `"level":"warn","notifier":"webhook","kind"`); n != 1 {
		t.Errorf("%d warnings for one kind of webhook failure; each failure is logged once:\n%s", n, out)
	}
}

// A receiver that echoes the request's credentials in its error answer
// (as some debugging proxies do) must not get them into the log.
func TestEchoedCredentialsAreNotLogged(t *testing.T) {
	const (
		token  = "EchoedTok3n"
		secret = "EchoedS1gningSecret"
	)
	hook := newEndpoint(t, nil, func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("bad credentials: " + r.Header.Get("Authorization") + " signed with " + secret))
		return true
	})
	var buf bytes.Buffer
	log := zerolog.New(zerolog.SyncWriter(&buf)).Level(zerolog.DebugLevel)
	h := NewWebhook(WebhookOptions{URL: hook.URL + "/ansible", Token: token, Secret: secret,
		Group: &Group{Timeout: 5 * time.Second, Log: log}, Log: log})
	f, err := os.Open(filepath.Join("..", "testdata", "streams", "fatal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	event.Replay(f, h, io.Discard, log)

	out := buf.String()
	if !strings.Contains(out, "HTTP 401: bad credentials: Bearer [redacted] signed with [redacted]") {
		t.Errorf("the log lacks the redacted answer; the test would not see a leak:\n%s", out)
	}
	for _, leaked := range []string{token, secret} {
		if strings.Contains(out, leaked) {
			t.Errorf("the log carries %q:\n%s", leaked, out)
		}
	}
}
