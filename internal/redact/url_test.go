package redact

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/[redacted]"},
		{"https://hooks.example/ansible", "https://hooks.example/[redacted]"},
		{"https://hooks.example/", "https://hooks.example"},
		{"https://hooks.example", "https://hooks.example"},
		{"https://user:pw@hooks.example:8443", "https://hooks.example:8443/[redacted]"},
		{"http://127.0.0.1:9/x?token=abc", "http://127.0.0.1:9/[redacted]"},
		{"http://pushgateway:9091?apikey=abc", "http://pushgateway:9091/[redacted]"},
		{"http://pushgateway:9091/#frag", "http://pushgateway:9091/[redacted]"},
		{"not a url", "[redacted URL]"},
		{"", "[redacted URL]"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// closedAddr is a local address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Every secret part of a URL is kept out of the text of an error that
// carries it: Go's own *url.Error, which prints the URL in full, and
// errors that echo the URL or a part of it in their own words.
func TestErrorHidesEverySecretPartOfTheURL(t *testing.T) {
	addr := closedAddr(t)
	client := &http.Client{Timeout: 5 * time.Second}
	clientError := func(raw string) error {
		_, err := client.Post(raw, "application/json", strings.NewReader("{}"))
		if err == nil {
			t.Fatalf("posting to a closed port succeeded")
		}
		return err
	}
	tests := []struct {
		name   string
		url    string
		err    func(raw string) error
		secret []string // none may appear
		want   string   // must appear: the reason is kept
	}{
		{"path of a Slack webhook", "http://" + addr + "/services/T0SECRET/B0SECRET/PathS3cret",
			clientError, []string{"T0SECRET", "B0SECRET", "PathS3cret"}, "connection refused"},
		{"query", "http://" + addr + "/hook?token=QueryS3cret&x=1",
			clientError, []string{"QueryS3cret", "token="}, "connection refused"},
		{"user and password", "http://UserS3cret:PassS3cret@" + addr + "/",
			clientError, []string{"UserS3cret", "PassS3cret"}, "connection refused"},
		{"the URL in another error's words", "https://gw.example/push/PathS3cret?apikey=QueryS3cret",
			func(raw string) error { return fmt.Errorf("cannot push to %s: %w", raw, errors.New("quota exceeded")) },
			[]string{"PathS3cret", "QueryS3cret", "apikey"}, "quota exceeded"},
		{"a query value echoed decoded", "https://gw.example/?apikey=Query%2FS3cret",
			func(string) error { return errors.New("unknown api key Query/S3cret") },
			[]string{"Query/S3cret", "S3cret"}, "unknown api key"},
		{"credentials echoed alone", "https://UserS3cret:PassS3cret@gw.example/",
			func(string) error { return errors.New("401 for user UserS3cret with password PassS3cret") },
			[]string{"UserS3cret", "PassS3cret"}, "401 for user"},
		{"a path segment echoed alone", "https://hooks.example/services/T0/B0/SegmentS3cret",
			func(string) error { return errors.New("no hook SegmentS3cret") },
			[]string{"SegmentS3cret"}, "no hook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(tt.url)
			if !strings.Contains(err.Error(), "S3cret") {
				t.Fatalf("the premise is wrong: %q does not carry a secret", err)
			}
			got := Error(err, tt.url)
			for _, s := range tt.secret {
				if strings.Contains(got, s) {
					t.Errorf("Error kept %q: %q", s, got)
				}
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("Error lost the reason %q: %q", tt.want, got)
			}
		})
	}
}

// A failure of a known kind is named in plain words, whatever the URL.
func TestErrorNamesTheKindOfFailure(t *testing.T) {
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsServer.StartTLS()
	defer tlsServer.Close()
	// A server that speaks another protocol (here SSH) on the port.
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	go func() {
		for {
			conn, err := other.Accept()
			if err != nil {
				return
			}
			conn.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n"))
			conn.Close()
		}
	}()
	tlsURL := tlsServer.URL + "/hook/S3cretPath?token=S3cretQuery"
	notTLS := "https://" + other.Addr().String() + "/hook/S3cretPath"
	closed := "http://" + closedAddr(t) + "/hook/S3cretPath"
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct{ url, want string }{
		{tlsURL, "TLS: the server's certificate is not trusted (x509: certificate signed by unknown authority)"},
		{notTLS, "TLS: the server did not answer in TLS"},
		{closed, "connection refused"},
	} {
		_, err := client.Get(tc.url)
		if err == nil {
			t.Fatalf("GET %s succeeded", tc.url)
		}
		got := Error(err, tc.url)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("Error(%q) = %q, want %q", err, got, tc.want)
		}
		if strings.Contains(got, "S3cret") {
			t.Errorf("Error(%q) = %q keeps a secret", err, got)
		}
	}
}

func TestResponse(t *testing.T) {
	const raw = "https://hooks.example/services/T0/B0/PathS3cret"
	long := strings.Repeat("é", 250)
	for _, tc := range []struct {
		body, want string
	}{
		{"invalid_payload", "invalid_payload"},
		{"no_service\n for  /services/T0/B0/PathS3cret", "no_service for [redacted]"},
		{"bad token Tok3n", "bad token [redacted]"},
		{long, strings.Repeat("é", 199) + "…"},
	} {
		if got := Response([]byte(tc.body), raw, "Tok3n"); got != tc.want {
			t.Errorf("Response(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestHTTPURL(t *testing.T) {
	for _, tc := range []struct {
		raw string
		ok  bool
	}{
		{"https://hooks.slack.com/services/T0/B0/secret", true},
		{"http://127.0.0.1:9091", true},
		{"https://user:pass@gw.example.org/push?apikey=k", true},
		{"", false},
		{"hooks.slack.com/services/T0/B0/secret", false},
		{"ftp://example.org/x", false},
		{"https:///path-only", false},
		{"https://exa mple.org/%zz?token=secret", false},
		{"/var/lib/node_exporter", false},
	} {
		u, err := HTTPURL(tc.raw)
		if (err == nil) != tc.ok || (err == nil) != (u != nil) {
			t.Errorf("HTTPURL(%q) = %v, %v; want ok %v", tc.raw, u, err, tc.ok)
		}
		if err != nil && (!errors.Is(err, ErrNotHTTPURL) || (tc.raw != "" && strings.Contains(err.Error(), tc.raw))) {
			t.Errorf("HTTPURL(%q): error %q is not ErrNotHTTPURL or shows the value", tc.raw, err)
		}
	}
}
