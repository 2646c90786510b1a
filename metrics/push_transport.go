package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// pushTransport sends the push package's requests with the query of the
// Pushgateway URL, and keeps the start of an answer the package refuses,
// so that the error can say what the Pushgateway answered without the
// URL the package's own message names in full.
type pushTransport struct {
	base  http.RoundTripper
	query string

	mu     sync.Mutex
	status int    // of the last answer other than 200 and 202
	answer []byte // its start
}

// RoundTrip sends a copy of req with the query added.
func (t *pushTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.query != "" {
		req = req.Clone(req.Context())
		if req.URL.RawQuery == "" {
			req.URL.RawQuery = t.query
		} else {
			req.URL.RawQuery += "&" + t.query
		}
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	// The push package accepts 200 and 202 (push.Pusher.Push).
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(answer), resp.Body), resp.Body}
		t.mu.Lock()
		t.status, t.answer = resp.StatusCode, answer
		t.mu.Unlock()
	}
	return resp, nil
}

// reason says why the push failed, free of the secrets of rawURL: the
// Pushgateway's status and answer when it refused the push, else the
// kind of failure.
func (t *pushTransport) reason(err error, rawURL string) string {
	var ue *url.Error
	if errors.As(err, &ue) { // the request failed: no answer to show
		return redact.Error(err, rawURL)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status == 0 {
		return redact.Error(err, rawURL)
	}
	reason := fmt.Sprintf("HTTP %d", t.status)
	if text := redact.Response(t.answer, rawURL); text != "" {
		reason += ": " + text
	}
	return reason
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}
