package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// behaviour is how a test endpoint answers its n-th request (from 1).
type behaviour func(n int, w http.ResponseWriter, r *http.Request, body []byte) bool

// received is one request as an endpoint saw it.
type received struct {
	header http.Header
	body   []byte
	status int
}

// endpoint is a local HTTP server on 127.0.0.1 that checks each request
// as a receiver would (check returns the reason to refuse it), records it
// and answers as behave says; with no behaviour it answers 200 "ok".
type endpoint struct {
	*httptest.Server
	check  func(r *http.Request, body []byte) error
	behave behaviour

	mu       sync.Mutex
	requests []received
	release  chan struct{} // closed at cleanup: hanging answers return
	first    chan struct{} // closed at the first request
	once     sync.Once
}

func newEndpoint(t *testing.T, check func(*http.Request, []byte) error, behave behaviour) *endpoint {
	t.Helper()
	e := &endpoint{check: check, behave: behave, release: make(chan struct{}), first: make(chan struct{})}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(func() {
		close(e.release)
		e.Server.CloseClientConnections()
		e.Server.Close()
	})
	return e
}

func (e *endpoint) serve(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	n := len(e.requests) + 1
	e.requests = append(e.requests, received{header: r.Header.Clone(), body: body})
	e.mu.Unlock()
	e.once.Do(func() { close(e.first) })
	w := &statusWriter{ResponseWriter: rw}
	defer func() {
		e.mu.Lock()
		e.requests[n-1].status = w.status // 0: no answer
		e.mu.Unlock()
	}()
	if e.check != nil {
		if err := e.check(r, body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if e.behave != nil && e.behave(n, w, r, body) {
		return
	}
	io.WriteString(w, "ok")
}

// statusWriter remembers the status of the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets a behaviour drop the connection.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

// hang never answers, until the client gives up or the test ends.
func (e *endpoint) hang(_ int, _ http.ResponseWriter, r *http.Request, _ []byte) bool {
	select {
	case <-r.Context().Done():
	case <-e.release:
	}
	return true
}

// got returns the requests so far.
func (e *endpoint) got() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.requests...)
}

// Behaviours of a misbehaving endpoint.
var (
	answerStatus = func(code int, body string) behaviour {
		return func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
			w.WriteHeader(code)
			io.WriteString(w, body)
			return true
		}
	}
	// closeConnection drops the connection without an answer.
	closeConnection behaviour = func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return true
	}
	// slow answers "ok" after d.
	slow = func(d time.Duration) behaviour {
		return func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
			}
			io.WriteString(w, "ok")
			return true
		}
	}
)

// checkSlack refuses what Slack refuses on an incoming webhook: anything
// but a JSON POST with text or blocks within Block Kit's limits. Slack
// answers such a request 400 "invalid_payload".
func checkSlack(r *http.Request, body []byte) error {
	if r.Method != http.MethodPost {
		return fmt.Errorf("invalid_payload: method %s", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("invalid_payload: content type %q", ct)
	}
	var m struct {
		Text   *string `json:"text"`
		Blocks []struct {
			Type     string            `json:"type"`
			Text     *slackText        `json:"text"`
			Fields   []slackText       `json:"fields"`
			Elements []json.RawMessage `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("invalid_payload: %v", err)
	}
	if (m.Text == nil || *m.Text == "") && len(m.Blocks) == 0 {
		return fmt.Errorf("invalid_payload: no text and no blocks")
	}
	if m.Text != nil && len([]rune(*m.Text)) > 40000 {
		return fmt.Errorf("invalid_payload: text of %d characters", len([]rune(*m.Text)))
	}
	if len(m.Blocks) > 50 {
		return fmt.Errorf("invalid_blocks: %d blocks", len(m.Blocks))
	}
	for i, b := range m.Blocks {
		switch b.Type {
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" || len([]rune(b.Text.Text)) > 150 {
				return fmt.Errorf("invalid_blocks: header %d", i)
			}
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				return fmt.Errorf("invalid_blocks: empty section %d", i)
			}
			if b.Text != nil && (b.Text.Text == "" || len([]rune(b.Text.Text)) > 3000) {
				return fmt.Errorf("invalid_blocks: section %d text of %d characters", i, len([]rune(b.Text.Text)))
			}
			if len(b.Fields) > 10 {
				return fmt.Errorf("invalid_blocks: section %d has %d fields", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if f.Text == "" || len([]rune(f.Text)) > 2000 {
					return fmt.Errorf("invalid_blocks: section %d field of %d characters", i, len([]rune(f.Text)))
				}
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				return fmt.Errorf("invalid_blocks: context %d has %d elements", i, len(b.Elements))
			}
		case "divider":
		default:
			return fmt.Errorf("invalid_blocks: unknown block type %q", b.Type)
		}
	}
	return nil
}

// checkSigned refuses a webhook delivery without the bearer token or with
// a signature that does not verify, as a receiver following the README does.
func checkSigned(token, secret string) func(*http.Request, []byte) error {
	return func(r *http.Request, body []byte) error {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			return fmt.Errorf("want a JSON POST")
		}
		if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
			return fmt.Errorf("bad token")
		}
		if r.Header.Get(HeaderDelivery) == "" {
			return fmt.Errorf("no delivery id")
		}
		if secret != "" {
			return Verify(secret, r.Header, body, 5*time.Minute, time.Now())
		}
		return nil
	}
}

// waitClosed waits for ch, failing the test after a bound.
func waitClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-ch:
	case <-ctx.Done():
		t.Fatal("the endpoint saw no request")
	}
}
