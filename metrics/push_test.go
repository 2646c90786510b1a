package metrics

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// apiKeyGateway publishes the Pushgateway at pushAddr under /pgw, as a
// reverse proxy in front of it would, and lets through only the requests
// whose query carries apikey=key; it answers others 401 as such a
// gateway does.
func apiKeyGateway(t *testing.T, pushAddr, key string) *httptest.Server {
	t.Helper()
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: pushAddr})
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("apikey") != key {
			http.Error(w, "invalid api key "+q.Get("apikey"), http.StatusUnauthorized)
			return
		}
		path, ok := strings.CutPrefix(r.URL.Path, "/pgw/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		q.Del("apikey")
		r.URL.Path, r.URL.RawPath, r.URL.RawQuery = "/"+path, "", q.Encode()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	return gw
}

// replayInto replays a recorded stream of testdata into h and returns the
// summary and the error of the outputs.
func replayInto(t *testing.T, name string, h event.Handler) (*event.Summary, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return event.Replay(bytes.NewReader(data), h, io.Discard, zerolog.Nop())
}

// A Pushgateway URL with a path and a query (an API key for the gateway in
// front of the Pushgateway) is pushed to as given: the real Pushgateway
// gets the run's metrics.
func TestPushKeepsThePathAndQueryOfTheURL(t *testing.T) {
	pushAddr := freePort(t)
	startDaemon(t, "http://"+pushAddr+"/metrics", "prometheus-pushgateway",
		"--web.listen-address="+pushAddr, "--persistence.file=")
	const key = "K3y-with/slash"
	gw := apiKeyGateway(t, pushAddr, key)
	prom := NewProm(PromOptions{PushURL: gw.URL + "/pgw?apikey=" + url.QueryEscape(key), Log: zerolog.Nop()})
	s, err := replayInto(t, "ok.jsonl", prom)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	fams := parseExposition(t, strings.NewReader(httpGet(t, "http://"+pushAddr+"/metrics")))
	checkRunValues(t, fams, s, map[string]string{"job": PushJob, "playbook": "testdata/ok.yml"})
}

// A push that fails says why, with the URL's scheme and host only: never
// its credentials, its path or its query.
func TestPushErrorsHideTheURL(t *testing.T) {
	pushAddr := freePort(t)
	gw := apiKeyGateway(t, pushAddr, "TheRightKey") // no Pushgateway behind: the key is refused first
	tlsServer := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsServer.StartTLS()
	defer tlsServer.Close()
	withSecrets := func(base string) string {
		u, _ := url.Parse(base)
		u.User = url.UserPassword("UserS3cret", "PassS3cret")
		return u.String() + "/pgw/PathS3cret?apikey=WrongKeyS3cret"
	}
	for _, tc := range []struct {
		name, url, want string
	}{
		{"refused key", withSecrets(gw.URL), "pushgateway " + gw.URL + "/[redacted]: HTTP 401: invalid api key [redacted]"},
		{"self-signed TLS", withSecrets(tlsServer.URL),
			"pushgateway " + tlsServer.URL + "/[redacted]: TLS: the server's certificate is not trusted (x509: certificate signed by unknown authority)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := replayInto(t, "ok.jsonl", NewProm(PromOptions{PushURL: tc.url, Log: zerolog.Nop()}))
			if err == nil {
				t.Fatal("the push succeeded")
			}
			if err.Error() != tc.want {
				t.Errorf("error\n %q\nwant\n %q", err, tc.want)
			}
			for _, secret := range []string{"S3cret", "apikey", "pgw", "metrics/job"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows %q: %q", secret, err)
				}
			}
		})
	}
}
