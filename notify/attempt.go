package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// outcome is the result of one HTTP attempt.
type outcome struct {
	ok         bool
	retry      bool          // a network error, a 5xx or a 429
	retryAfter time.Duration // what the server asked for, if anything
	reason     string        // why it failed, free of the URL's secrets
}

// attempt posts body once, within the per-request timeout.
func (s *Sender) attempt(m *Message, body []byte) outcome {
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.URL, bytes.NewReader(body))
	if err != nil {
		return outcome{reason: "invalid request: " + redact.Error(err, s.opts.URL)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ansible-tap")
	if s.opts.Prepare != nil {
		s.opts.Prepare(req, m, body)
	}
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		reason := redact.Error(err, s.opts.URL)
		if ctx.Err() != nil && s.ctx.Err() == nil {
			reason = fmt.Sprintf("no answer within %s", s.opts.RequestTimeout)
		}
		return outcome{retry: true, reason: reason}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return outcome{ok: true}
	}
	reason := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if text := redact.Response(snippet, s.opts.URL, s.opts.Secrets...); text != "" {
		reason += ": " + text
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return outcome{retry: true, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), now()), reason: reason}
	case resp.StatusCode >= 500:
		return outcome{retry: true, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), now()), reason: reason}
	}
	return outcome{reason: reason}
}
