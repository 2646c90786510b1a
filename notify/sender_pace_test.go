package notify

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a sender's clock on which every wait passes at once: sleep
// moves the time on by the wait and records it.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration, _ <-chan struct{}) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.waits = append(c.waits, d)
	return false, ctx.Err()
}

// With an Interval, attempts start at least that long apart, counted from
// the start of the one before, retries included: the waits are those of
// the sender's clock, never real sleeps (an hour each here).
func TestSenderPacesAttempts(t *testing.T) {
	retryAfterOnce := func(v string) behaviour {
		return func(n int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
			if n > 1 {
				return false
			}
			w.Header().Set("Retry-After", v)
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
	}
	tests := []struct {
		name     string
		interval time.Duration
		messages int
		behave   behaviour
		requests int
		waits    []time.Duration
	}{
		{"one message is not held", time.Hour, 1, nil, 1, nil},
		{"three messages, an interval apart", time.Hour, 3, nil, 3, []time.Duration{time.Hour, time.Hour}},
		{"a retry waits the rest of the interval", time.Hour, 1, retryAfterOnce("3"), 2, []time.Duration{3 * time.Second, time.Hour - 3*time.Second}},
		{"a retry that waited longer is not held", 2 * time.Second, 1, retryAfterOnce("3"), 2, []time.Duration{3 * time.Second}},
		{"no interval, no pacing", 0, 3, nil, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, nil, tt.behave)
			s := newTestSender(e.URL, nil, 1, 1<<20)
			s.opts.Interval = tt.interval
			clock := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
			s.now, s.sleep = clock.now, clock.sleep
			for i := 0; i < tt.messages; i++ {
				s.Send(&Message{ID: newID(), Kind: "test", Body: []byte(`{}`)})
			}
			// A real sleep of an interval would outlast this deadline.
			r := s.Wait(time.Now().Add(20 * time.Second))
			if r.Delivered != tt.messages || r.Lost() != 0 {
				t.Errorf("report %+v, want %d delivered", r, tt.messages)
			}
			if got := len(e.got()); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if !slices.Equal(clock.waits, tt.waits) {
				t.Errorf("waits %v, want %v", clock.waits, tt.waits)
			}
		})
	}
}
