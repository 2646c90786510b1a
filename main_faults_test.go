package main

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// Destinations that fail every attempt (a webhook behind a self-signed
// certificate, a Slack answering 500, a Pushgateway answering 500) are
// reported at the end of the run, one warning line each, with what was
// not delivered and the last reason; stderr never shows the URLs' paths,
// queries or the token.
func TestFailingDestinationsAreReportedWithTheirReason(t *testing.T) {
	tlsHook := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsHook.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	tlsHook.StartTLS()
	defer tlsHook.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal_error for "+r.URL.RequestURI(), http.StatusInternalServerError)
	}))
	defer failing.Close()
	t.Setenv("ANSIBLE_TAP_WEBHOOK_TOKEN", "TokS3cret")
	t.Setenv("GITHUB_STEP_SUMMARY", "")

	var stdout, stderr testio.Buffer
	code := run([]string{"ansible-tap", "replay", "testdata/streams/fatal.jsonl", "--no-color",
		"--webhook", tlsHook.URL + "/hook/HookS3cret?token=QueryS3cret",
		"--slack", failing.URL + "/services/T0/B0/SlackS3cret",
		"--prom-push", failing.URL + "/pgw/PushS3cret?apikey=KeyS3cret",
		"--notify-timeout", "2s", "--metrics-timeout", "2s"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 {
		t.Errorf("exit %d, want the recorded run's 2", code)
	}
	out := stderr.String()
	for _, want := range []string{
		"webhook " + tlsHook.URL + "/[redacted]: 0 of ",
		"last error: TLS: the server's certificate is not trusted (x509: certificate signed by unknown authority)",
		"slack " + failing.URL + "/[redacted]: 0 of 2 notifications delivered",
		"last error: HTTP 500: internal_error for [redacted]",
		"pushgateway " + failing.URL + "/[redacted]: HTTP 500: internal_error for [redacted]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "notifications delivered"); n != 2 {
		t.Errorf("%d end-of-run lines for the two notifiers, want one each:\n%s", n, out)
	}
	for _, secret := range []string{"S3cret", "token=", "apikey", "/services/", "/pgw"} {
		if strings.Contains(out, secret) {
			t.Errorf("stderr shows %q:\n%s", secret, out)
		}
	}
}
