// Package notify posts what happens during a run to Slack and to generic
// HTTP webhooks. Each destination is a runner.Handler; delivery is shared:
// a bounded queue drained by a pool of workers that retry with back-off, so
// event handling never waits on the network, and a deadline at shutdown
// after which whatever is left is counted and reported in one line. A
// notifier never changes the exit code and never stops the run.
package notify

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Message is one body to post, delivered at least once or counted as lost.
type Message struct {
	// ID identifies the delivery; retries of the message keep it.
	ID string
	// Kind names the message in logs, e.g. "alert" or "task_result".
	Kind string
	// Body is the JSON to post. When nil, Build is called once, on a worker.
	Body []byte
	// Build makes the body lazily, off the event path.
	Build func() ([]byte, error)
}

// SenderOptions configure a Sender.
type SenderOptions struct {
	// Name names the destination in logs: "slack" or "webhook".
	Name string
	// URL is where messages are posted. It is a credential and never logged.
	URL string
	// Secrets are other credentials (a token, a signing secret) that must
	// never be logged, even when a receiver echoes them in an error answer.
	Secrets []string
	// Workers is the number of concurrent deliveries (default 1).
	Workers int
	// QueueSize bounds the messages waiting for a worker (default 256);
	// a message that finds the queue full is dropped and counted.
	QueueSize int
	// RequestTimeout bounds one HTTP attempt (default 5s).
	RequestTimeout time.Duration
	// Retry is the retry policy; its zero value means DefaultRetry.
	Retry RetryPolicy
	// Prepare adds headers to each attempt, e.g. an Authorization header or
	// a signature over the body. It is called again for every retry.
	Prepare func(req *http.Request, m *Message, body []byte)
	// Client sends the requests; nil means a client made for Workers.
	Client *http.Client
	// Log receives failures, with the URL redacted.
	Log zerolog.Logger
}

// Sender delivers messages to one URL from a bounded queue with a pool of
// workers. Send never blocks.
type Sender struct {
	opts   SenderOptions
	queue  chan *Message
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
	sendMu sync.RWMutex // Send holds it to enqueue; Close takes it to close the queue
	failed failureLog

	// sleep waits between attempts; tests replace it to observe the waits.
	sleep func(ctx context.Context, d time.Duration) error

	sent, delivered, failures, dropped, abandoned atomic.Int64
}

// NewSender starts the workers of a Sender.
func NewSender(opts SenderOptions) *Sender {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 256
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.Retry == (RetryPolicy{}) {
		opts.Retry = DefaultRetry
	}
	if opts.Client == nil {
		opts.Client = newClient(opts.Workers)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sender{
		opts:   opts,
		queue:  make(chan *Message, opts.QueueSize),
		ctx:    ctx,
		cancel: cancel,
		sleep:  sleepContext,
		failed: failureLog{seen: make(map[string]bool)},
	}
	for i := 0; i < opts.Workers; i++ {
		s.wg.Add(1)
		go s.work()
	}
	return s
}

// newClient returns an HTTP client that keeps a connection per worker and
// never follows a redirect to another place with the credentials.
func newClient(workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	return &http.Client{
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Send queues m without waiting. It reports false, and counts the message
// as dropped, when the queue is full or the sender is closed.
func (s *Sender) Send(m *Message) bool {
	s.sendMu.RLock()
	defer s.sendMu.RUnlock()
	s.sent.Add(1)
	if s.closed.Load() {
		s.dropped.Add(1)
		return false
	}
	select {
	case s.queue <- m:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

// Close stops accepting messages; the queued ones are still delivered.
func (s *Sender) Close() {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if !s.closed.Swap(true) {
		close(s.queue)
	}
}

// Wait closes the sender and waits for the queue to drain until deadline.
// Then it abandons what is left, aborting requests in flight, and returns
// the counts.
func (s *Sender) Wait(deadline time.Time) Report {
	return s.WaitOrStop(deadline, nil)
}

// WaitOrStop is Wait that also gives up when stop is closed.
func (s *Sender) WaitOrStop(deadline time.Time, stop <-chan struct{}) Report {
	s.Close()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		s.cancel()
		<-done // every wait and request honours the cancelled context
	case <-stop:
		s.cancel()
		<-done
	}
	s.cancel()
	return s.report()
}

func (s *Sender) report() Report {
	return Report{
		Name:      s.opts.Name,
		URL:       RedactURL(s.opts.URL),
		Sent:      int(s.sent.Load()),
		Delivered: int(s.delivered.Load()),
		Failed:    int(s.failures.Load()),
		Dropped:   int(s.dropped.Load()),
		Abandoned: int(s.abandoned.Load()),
	}
}

func (s *Sender) work() {
	defer s.wg.Done()
	for m := range s.queue {
		if s.ctx.Err() != nil {
			s.abandoned.Add(1)
			continue
		}
		s.deliver(m)
	}
}

// deliver posts m until it is delivered, fails for good, or the deadline passes.
func (s *Sender) deliver(m *Message) {
	body := m.Body
	if body == nil && m.Build != nil {
		var err error
		if body, err = m.Build(); err != nil {
			s.failures.Add(1)
			s.failed.log(s.opts.Log, s.opts.Name, m, "cannot build the payload: "+err.Error())
			return
		}
	}
	for attempt := 1; ; attempt++ {
		out := s.attempt(m, body)
		switch {
		case out.ok:
			s.delivered.Add(1)
			return
		case s.ctx.Err() != nil:
			s.abandoned.Add(1)
			return
		case !out.retry || attempt >= s.opts.Retry.Attempts:
			s.failures.Add(1)
			s.failed.log(s.opts.Log, s.opts.Name, m, out.reason)
			return
		}
		wait := s.opts.Retry.Backoff(attempt, randFloat())
		if out.retryAfter > 0 {
			wait = min(out.retryAfter, s.opts.Retry.MaxRetryAfter)
		}
		s.opts.Log.Debug().Str("notifier", s.opts.Name).Str("kind", m.Kind).Str("delivery", m.ID).
			Int("attempt", attempt).Dur("wait", wait).Str("reason", out.reason).Msg("notification will be retried")
		if s.sleep(s.ctx, wait) != nil {
			s.abandoned.Add(1)
			return
		}
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
