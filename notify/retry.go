package notify

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how often and how long to wait before posting again after
// a network error, a 5xx or a 429. Other 4xx answers are never retried.
type RetryPolicy struct {
	// Attempts is the number of attempts in all, the first included.
	Attempts int
	// Base is the wait before the second attempt; each later wait doubles it.
	Base time.Duration
	// Max caps the exponential wait.
	Max time.Duration
	// MaxRetryAfter caps the wait a server asks for with Retry-After.
	MaxRetryAfter time.Duration
}

// DefaultRetry tries five times, waiting about 0.5s, 1s, 2s and 4s between
// attempts; the shutdown deadline cuts it short.
var DefaultRetry = RetryPolicy{Attempts: 5, Base: 500 * time.Millisecond, Max: 8 * time.Second, MaxRetryAfter: time.Minute}

// Backoff is the wait after the given failed attempt (1 for the first),
// with "equal jitter": half the exponential wait, plus a random share of
// the other half chosen by jitter in [0, 1).
func (p RetryPolicy) Backoff(attempt int, jitter float64) time.Duration {
	d := p.Base
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	half := d / 2
	return half + time.Duration(jitter*float64(d-half))
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
// It returns 0 when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func randFloat() float64 { return rand.Float64() }

func now() time.Time { return time.Now() }
