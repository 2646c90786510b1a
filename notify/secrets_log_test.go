package notify

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
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
	h := runner.NewFanout(log,
		NewSlack(SlackOptions{URL: slack.URL + slackPath, Group: group, Retry: fast, Log: log}),
		NewWebhook(WebhookOptions{URL: hook.URL + "/ansible/HookPathSecret?sig=QuerySecret", Token: token, Secret: secret,
			Group: group, Retry: fast, Log: log}),
	)
	runPlaybook(t, "secrets.yml", "local.ini", h)

	out := buf.String()
	for _, want := range []string{"notification not delivered", "HTTP 404: no_service for [redacted]", "EOF",
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
	if n := strings.Count(out, `"level":"warn","notifier":"webhook"`); n > 3 {
		t.Errorf("%d warnings for one kind of webhook failure; each failure is logged once", n)
	}
}
