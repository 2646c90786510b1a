// Package notify posts what happens during a run to Slack and to generic
// HTTP webhooks. Each destination is an event.Handler; delivery is shared:
// a queue bounded in bytes drained by a pool of workers that retry with back-off, so
// event handling never waits on the network, and a deadline at shutdown
// after which whatever is left is counted and reported in one line. A
// notifier never changes the exit code and never stops the run.
package notify

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// Message is one body to post, delivered at least once or counted as lost.
type Message struct {
	// ID identifies the delivery; retries of the message keep it.
	ID string
	// Kind names the message in logs, e.g. "alert" or "task_result".
	Kind string
	// Body is the JSON to post. When nil, Build is called once, on a worker.
	Body []byte
	// Build makes the body lazily, off the event path. The sender calls
	// it once and then lets go of it, and of what it holds.
	Build func() ([]byte, error)
	// Size is what the message holds while it waits, in bytes, when Body
	// is nil: an estimate by its maker. Otherwise the body's length counts.
	Size int
	// Keep marks the summary: a full queue drops older messages, never it.
	Keep bool
}

func (m *Message) size() int {
	if m.Body != nil {
		return len(m.Body)
	}
	return max(m.Size, 1)
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
	// Workers bounds the concurrent deliveries (default 1). Workers start
	// as the backlog needs them: one message waiting for each busy worker
	// starts another, up to this bound.
	Workers int
	// QueueBytes bounds the bytes of the destination's messages, those
	// waiting for a worker and those in a worker's hands (being built,
	// posted, or waiting for a retry); DefaultQueueBytes by default. A
	// message that does not fit drops the oldest waiting messages but the
	// summary, and each dropped message is counted. A worker's messages
	// count by their estimated Size until their body is built, and then
	// by its length.
	QueueBytes int
	// BatchMax, above 1, lets a worker that finds several messages waiting
	// post up to BatchMax of them, at most BatchBytes together, as one JSON
	// array; a lone message is posted alone.
	BatchMax, BatchBytes int
	// Interval is the least time between the starts of two attempts, for
	// a receiver with a rate limit (0: none).
	Interval time.Duration
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

// Sender delivers messages to one URL from a queue bounded in bytes with a
// pool of workers. Send never blocks.
type Sender struct {
	opts   SenderOptions
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	failed failureLog

	mu            sync.Mutex // guards the fields below
	ready         *sync.Cond // signalled when a message is queued or the queue closes
	queue         queue
	closed        bool
	workers, idle int

	paceMu sync.Mutex
	nextAt time.Time // the earliest start of the next attempt, with an Interval

	// urgent is signalled when the sender closes with a summary waiting:
	// a worker waiting to retry another message delivers the summary first.
	urgent chan struct{}
	// failing is true while the last attempt failed: the destination
	// refuses, throttles or cannot be reached.
	failing atomic.Bool

	reasonMu   sync.Mutex
	lastReason string // why the last failed attempt failed, redacted

	// now and sleep are the clock of the waits between attempts: now is
	// the time they count from, sleep waits, or until wake is signalled
	// (woken). Tests replace them to observe the waits without sleeping.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration, wake <-chan struct{}) (woken bool, err error)

	sent, delivered, failures, dropped, abandoned atomic.Int64
}

// NewSender returns a Sender; its workers start with the first messages.
func NewSender(opts SenderOptions) *Sender {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.QueueBytes <= 0 {
		opts.QueueBytes = DefaultQueueBytes
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
		queue:  queue{max: opts.QueueBytes},
		ctx:    ctx,
		cancel: cancel,
		now:    time.Now,
		sleep:  sleepContext,
		urgent: make(chan struct{}, 1),
		failed: failureLog{seen: make(map[string]bool)},
	}
	s.ready = sync.NewCond(&s.mu)
	return s
}

// newClient returns an HTTP client that keeps a connection per worker and
// never follows a redirect to another place with the credentials.
func newClient(workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	return &http.Client{Transport: t, CheckRedirect: redact.RefuseRedirect}
}

// Send queues m without waiting. It reports false, and counts the message
// as dropped, when the sender is closed or m cannot fit in the queue; to
// make room for m, older messages may be dropped (and counted).
func (s *Sender) Send(m *Message) bool {
	s.sent.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.dropped.Add(1)
		return false
	}
	dropped, queued := s.queue.push(m)
	s.dropped.Add(int64(dropped))
	if !queued {
		return false
	}
	if len(s.queue.items) > s.idle && s.workers < s.opts.Workers {
		s.workers++
		s.wg.Add(1)
		go s.work()
	} else {
		s.ready.Signal()
	}
	return true
}

// Close stops accepting messages; the queued ones are still delivered.
// A summary among them goes ahead of the rest while the destination fails.
func (s *Sender) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.queue.keeps() > 0 {
		select {
		case s.urgent <- struct{}{}:
		default: // already signalled
		}
	}
	s.ready.Broadcast()
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
		URL:       redact.URL(s.opts.URL),
		Sent:      int(s.sent.Load()),
		Delivered: int(s.delivered.Load()),
		Failed:    int(s.failures.Load()),
		Dropped:   int(s.dropped.Load()),
		Abandoned: int(s.abandoned.Load()),
		LastError: s.reason(),
	}
}

func (s *Sender) work() {
	defer s.wg.Done()
	var hold time.Time // a Retry-After still to honour before the next attempt
	for {
		batch := s.next()
		if batch == nil {
			return
		}
		if d := hold.Sub(s.now()); d > 0 && s.ctx.Err() == nil {
			s.sleep(s.ctx, d, nil) // a cancelled wait is seen below
		}
		if s.ctx.Err() != nil {
			s.abandoned.Add(int64(len(batch)))
			s.release(sizeOf(batch))
			continue
		}
		if after := s.deliver(batch); after > 0 {
			hold = s.now().Add(after)
		}
	}
}

// next waits for messages and takes the next one, or a batch of them; it
// returns nil once the queue is closed and empty.
func (s *Sender) next() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue.items) == 0 && !s.closed {
		s.idle++
		s.ready.Wait()
		s.idle--
	}
	if len(s.queue.items) == 0 {
		return nil
	}
	if s.closed && s.failing.Load() {
		if keep := s.queue.popKeep(); keep != nil {
			return []*Message{keep}
		}
	}
	return s.queue.pop(max(s.opts.BatchMax, 1), s.opts.BatchBytes)
}

// takeKeep takes the summary out of the queue, if it waits there.
func (s *Sender) takeKeep() *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue.popKeep()
}

// release lets go of the bytes a worker held.
func (s *Sender) release(bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue.release(bytes)
}

// rehold makes a worker hold now bytes instead of old: see queue.rehold.
// It counts the messages dropped to make room, and returns what the
// worker holds then (0 when its messages did not fit and were let go).
func (s *Sender) rehold(old, now int, keep bool) (held int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dropped, ok := s.queue.rehold(old, now, keep)
	s.dropped.Add(int64(dropped))
	if !ok {
		return 0, false
	}
	return now, true
}

// build returns the bodies of the batch's messages, counting and logging
// those whose body cannot be made. A message built lets go of what its
// Build held: from then on its body is all it holds.
func (s *Sender) build(batch []*Message) ([]*Message, [][]byte) {
	var ok []*Message
	var bodies [][]byte
	for _, m := range batch {
		body := m.Body
		if body == nil && m.Build != nil {
			var err error
			body, err = m.Build()
			m.Build = nil
			if err != nil {
				s.failures.Add(1)
				s.failed.log(s.opts.Log, s.opts.Name, m, "cannot build the payload: "+err.Error())
				continue
			}
		}
		ok, bodies = append(ok, m), append(bodies, body)
	}
	return ok, bodies
}

// batchKind is the Kind, and the X-Ansible-Tap-Event header, of a batch.
const batchKind = "batch"

// deliver posts the batch, one message alone or several as a JSON array
// under an id of their own, until it is delivered, fails for good, or the
// deadline passes. It returns the wait the destination asked for after
// the last attempt, if it failed with a Retry-After. The batch's bytes
// count against the queue's bound until it returns: by their estimates
// while they are built, then by the body posted; a body larger than its
// estimate that does not fit even when every waiting message is dropped
// is dropped too, unless it carries the summary.
func (s *Sender) deliver(batch []*Message) time.Duration {
	held := sizeOf(batch)
	defer func() { s.release(held) }()
	batch, bodies := s.build(batch)
	if len(batch) == 0 {
		return 0
	}
	m, body := batch[0], bodies[0]
	keep := m.Keep
	if len(batch) > 1 {
		m = &Message{ID: newID(), Kind: batchKind}
		body = append(append([]byte{'['}, bytes.Join(bodies, []byte{','})...), ']')
		keep = slices.ContainsFunc(batch, func(m *Message) bool { return m.Keep })
	}
	n := int64(len(batch))
	var fits bool
	if held, fits = s.rehold(held, len(body), keep); !fits {
		s.dropped.Add(n)
		return 0
	}
	for attempt := 1; ; attempt++ {
		if s.pace() != nil {
			s.abandoned.Add(n)
			return 0
		}
		out := s.attempt(m, body)
		if !out.ok && s.ctx.Err() != nil { // given up by us, not failed by the destination
			s.abandoned.Add(n)
			return 0
		}
		s.note(out)
		if out.ok {
			s.delivered.Add(n)
			return 0
		}
		if !out.retry || attempt >= s.opts.Retry.Attempts {
			s.failures.Add(n)
			s.failed.log(s.opts.Log, s.opts.Name, m, out.reason)
			return min(out.retryAfter, s.opts.Retry.MaxRetryAfter)
		}
		wait := s.opts.Retry.Backoff(attempt, randFloat())
		if out.retryAfter > 0 {
			wait = min(out.retryAfter, s.opts.Retry.MaxRetryAfter)
		}
		s.opts.Log.Debug().Str("notifier", s.opts.Name).Str("kind", m.Kind).Str("delivery", m.ID).
			Int("attempt", attempt).Dur("wait", wait).Str("reason", out.reason).Msg("notification will be retried")
		if s.waitRetry(wait) != nil {
			s.abandoned.Add(n)
			return 0
		}
	}
}

// waitRetry waits d before the next attempt of a message. When the run
// has ended and its summary waits behind the failing destination, the
// summary takes that next attempt: it is posted once the wait is over
// (a Retry-After is honoured), with the retries it needs, and the wait
// the destination asks for after it is waited too before the message
// is tried again. It fails when the deadline passes first.
func (s *Sender) waitRetry(d time.Duration) error {
	until := s.now().Add(d)
	woken, err := s.sleep(s.ctx, d, s.urgent)
	if err != nil || !woken {
		return err
	}
	keep := s.takeKeep()
	if rest := until.Sub(s.now()); rest > 0 {
		if _, err := s.sleep(s.ctx, rest, nil); err != nil {
			if keep != nil {
				s.abandoned.Add(1)
				s.release(keep.size())
			}
			return err
		}
	}
	if keep == nil {
		return nil
	}
	if after := s.deliver([]*Message{keep}); after > 0 {
		_, err = s.sleep(s.ctx, after, nil)
	}
	return err
}

// note remembers whether the destination fails, and why.
func (s *Sender) note(out outcome) {
	s.failing.Store(!out.ok)
	if !out.ok {
		s.reasonMu.Lock()
		s.lastReason = out.reason
		s.reasonMu.Unlock()
	}
}

// reason is why the last failed attempt failed, or "".
func (s *Sender) reason() string {
	s.reasonMu.Lock()
	defer s.reasonMu.Unlock()
	return s.lastReason
}

// pace waits for the next attempt's turn when attempts are spaced by an
// Interval; it fails when the deadline passes first.
func (s *Sender) pace() error {
	if s.opts.Interval <= 0 {
		return nil
	}
	s.paceMu.Lock()
	at := s.now()
	if at.Before(s.nextAt) {
		at = s.nextAt
	}
	s.nextAt = at.Add(s.opts.Interval)
	s.paceMu.Unlock()
	if d := at.Sub(s.now()); d > 0 {
		_, err := s.sleep(s.ctx, d, nil)
		return err
	}
	return s.ctx.Err()
}

// sleepContext waits d, or until wake is signalled, or fails when ctx ends.
func sleepContext(ctx context.Context, d time.Duration, wake <-chan struct{}) (woken bool, err error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return false, nil
	case <-wake:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
