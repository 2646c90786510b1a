package notify

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// Report counts what became of the messages of one destination.
type Report struct {
	Name      string // "slack" or "webhook"
	URL       string // redacted
	Sent      int    // messages offered, dropped ones included
	Delivered int
	Failed    int // given up: a 4xx, or retries exhausted
	Dropped   int // the queue was full
	Abandoned int // still queued or in flight at the deadline
	// LastError is why the last failed attempt failed, free of secrets:
	// "HTTP 429: rate_limited", "TLS: the server's certificate is not trusted (…)".
	LastError string
}

// Lost is the number of messages that were not delivered.
func (r Report) Lost() int { return r.Failed + r.Dropped + r.Abandoned }

// String is the one line that reports the destination at the end of a run.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d of %d notifications delivered", r.Name, r.URL, r.Delivered, r.Sent)
	var lost []string
	if r.Failed > 0 {
		lost = append(lost, fmt.Sprintf("%d failed", r.Failed))
	}
	if r.Dropped > 0 {
		lost = append(lost, fmt.Sprintf("%d dropped (queue full)", r.Dropped))
	}
	if r.Abandoned > 0 {
		lost = append(lost, fmt.Sprintf("%d left at the deadline", r.Abandoned))
	}
	if len(lost) > 0 {
		fmt.Fprintf(&b, "; %s", strings.Join(lost, ", "))
		if r.LastError != "" {
			fmt.Fprintf(&b, "; last error: %s", r.LastError)
		}
	}
	return b.String()
}

// log writes the report: a warning when something was lost.
func (r Report) log(l zerolog.Logger) {
	ev := l.Debug()
	if r.Lost() > 0 {
		ev = l.Warn()
	}
	ev.Str("notifier", r.Name).Int("delivered", r.Delivered).Int("lost", r.Lost()).Msg(r.String())
}

// failureLog logs each kind of delivery failure once, as a warning; the
// same failure again is only a debug line, and the report counts them all.
type failureLog struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (f *failureLog) log(l zerolog.Logger, name string, m *Message, reason string) {
	kind := failureKind(reason)
	f.mu.Lock()
	first := !f.seen[kind]
	f.seen[kind] = true
	f.mu.Unlock()
	ev := l.Debug()
	if first {
		ev = l.Warn()
	}
	ev.Str("notifier", name).Str("kind", m.Kind).Str("delivery", m.ID).Str("reason", reason).Msg("notification not delivered")
}

// failureKind is a failure's reason without port numbers, so that failures
// that differ only by a local port ("read tcp 127.0.0.1:41234->…: connection
// reset by peer") are one kind, logged once; "HTTP 404" and "HTTP 500" stay two.
func failureKind(reason string) string {
	return portNumber.ReplaceAllString(reason, ":#")
}

var portNumber = regexp.MustCompile(`:[0-9]+`)
