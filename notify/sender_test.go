package notify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// waits records the waits between attempts instead of sleeping them.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration, _ <-chan struct{}) (bool, error) {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return false, ctx.Err()
}

func newTestSender(url string, w *waits, workers, queueBytes int) *Sender {
	s := NewSender(SenderOptions{
		Name: "test", URL: url, Workers: workers, QueueBytes: queueBytes, RequestTimeout: 2 * time.Second,
		Prepare: func(req *http.Request, m *Message, _ []byte) { req.Header.Set(HeaderDelivery, m.ID) },
		Log:     zerolog.Nop(),
	})
	if w != nil {
		s.sleep = w.sleep
	}
	return s
}

func TestSenderRetries(t *testing.T) {
	firstFails := func(b behaviour, times int) behaviour {
		return func(n int, w http.ResponseWriter, r *http.Request, body []byte) bool {
			if n <= times {
				return b(n, w, r, body)
			}
			return false
		}
	}
	retryAfter := func(v string) behaviour {
		return func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
			w.Header().Set("Retry-After", v)
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
	}
	tests := []struct {
		name      string
		behave    behaviour
		requests  int
		delivered int
		failed    int
		waits     []time.Duration // nil: exponential back-off, checked by range
	}{
		{"ok at once", nil, 1, 1, 0, []time.Duration{}},
		{"500 twice, then ok", firstFails(answerStatus(500, "oops"), 2), 3, 1, 0, nil},
		{"503 always", answerStatus(503, "down"), 5, 0, 1, nil},
		{"429 with Retry-After seconds", firstFails(retryAfter("3"), 1), 2, 1, 0, []time.Duration{3 * time.Second}},
		{"429 with Retry-After beyond the cap", firstFails(retryAfter("7200"), 1), 2, 1, 0, []time.Duration{time.Minute}},
		{"400 is not retried", answerStatus(400, "invalid_payload"), 1, 0, 1, []time.Duration{}},
		{"404 is not retried", answerStatus(404, "no_service"), 1, 0, 1, []time.Duration{}},
		{"connection closed, then ok", firstFails(closeConnection, 2), 3, 1, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, nil, tt.behave)
			w := &waits{}
			s := newTestSender(e.URL+"/hook", w, 1, 1<<20)
			if !s.Send(&Message{ID: "delivery-1", Kind: "test", Body: []byte(`{"a":1}`)}) {
				t.Fatal("Send refused a message on an empty queue")
			}
			r := s.Wait(time.Now().Add(20 * time.Second))
			if r.Delivered != tt.delivered || r.Failed != tt.failed || r.Sent != 1 {
				t.Errorf("report %+v, want delivered %d failed %d of 1", r, tt.delivered, tt.failed)
			}
			got := e.got()
			if len(got) != tt.requests {
				t.Fatalf("%d requests, want %d", len(got), tt.requests)
			}
			for i, req := range got {
				if id := req.header.Get(HeaderDelivery); id != "delivery-1" {
					t.Errorf("attempt %d carries delivery id %q, want the same id on every retry", i+1, id)
				}
				if string(req.body) != `{"a":1}` {
					t.Errorf("attempt %d body %q", i+1, req.body)
				}
			}
			if len(w.d) != tt.requests-1 {
				t.Errorf("%d waits for %d requests", len(w.d), tt.requests)
			}
			if tt.waits != nil {
				for i := range tt.waits {
					if i < len(w.d) && w.d[i] != tt.waits[i] {
						t.Errorf("wait %d = %s, want %s", i, w.d[i], tt.waits[i])
					}
				}
				return
			}
			for i, d := range w.d {
				full := min(DefaultRetry.Base<<i, DefaultRetry.Max)
				if d < full/2 || d > full {
					t.Errorf("wait %d = %s, want within [%s, %s]", i, d, full/2, full)
				}
			}
		})
	}
}

func TestSenderDeadlineAbandonsAHangingEndpoint(t *testing.T) {
	e := newEndpoint(t, nil, nil)
	e.behave = e.hang
	s := newTestSender(e.URL, nil, 1, 1<<20)
	s.opts.RequestTimeout = time.Hour // only the deadline can end the wait
	for i := 0; i < 3; i++ {
		s.Send(&Message{ID: newID(), Kind: "test", Body: []byte(`{}`)})
	}
	waitClosed(t, e.first)
	r := s.Wait(time.Now().Add(100 * time.Millisecond))
	if r.Abandoned != 3 || r.Delivered != 0 || r.Lost() != 3 {
		t.Errorf("report %+v, want the 3 messages left at the deadline", r)
	}
	if got, want := r.String(), "test "+e.URL+": 0 of 3 notifications delivered; 3 left at the deadline"; got != want {
		t.Errorf("report line %q, want %q", got, want)
	}
}

func TestSenderDropsTheOldestWhenTheQueueIsFull(t *testing.T) {
	e := newEndpoint(t, nil, nil)
	e.behave = e.hang
	s := newTestSender(e.URL, nil, 1, 6) // three 2-byte bodies, the one in flight included
	if !s.Send(&Message{ID: "in-flight", Kind: "test", Body: []byte(`{}`)}) {
		t.Fatal("first message refused")
	}
	waitClosed(t, e.first) // the worker holds the first message
	for _, id := range []string{"a", "summary", "b", "c", "d"} {
		if !s.Send(&Message{ID: id, Kind: "test", Body: []byte(`{}`), Keep: id == "summary"}) {
			t.Errorf("message %s refused", id)
		}
	}
	var queued []string
	for _, m := range s.queue.items {
		queued = append(queued, m.ID)
	}
	if got := strings.Join(queued, " "); got != "summary d" {
		t.Errorf("queued %q, want the oldest but the summary dropped, room kept for the message in flight: %q", got, "summary d")
	}
	if s.Send(&Message{ID: "huge", Kind: "test", Body: []byte(`{"too":"big"}`)}) {
		t.Error("a message larger than the queue was accepted")
	}
	r := s.Wait(time.Now().Add(50 * time.Millisecond))
	if r.Dropped != 4 || r.Sent != 7 || r.Abandoned != 3 {
		t.Errorf("report %+v; want 4 dropped, 3 left at the deadline of 7", r)
	}
	if !strings.Contains(r.String(), "4 dropped (queue full)") {
		t.Errorf("report line %q does not count the dropped messages", r.String())
	}
	if s.Send(&Message{ID: "late", Kind: "test", Body: []byte(`{}`)}) {
		t.Error("a closed sender accepted a message")
	}
}

func TestQueuePop(t *testing.T) {
	tests := []struct {
		name        string
		sizes       []int
		n, maxBytes int
		want        int
	}{
		{"one at a time", []int{5, 5, 5}, 1, 0, 1},
		{"a batch of what waits", []int{5, 5, 5}, 10, 0, 3},
		{"at most n", []int{5, 5, 5}, 2, 0, 2},
		{"at most maxBytes", []int{5, 5, 5}, 10, 12, 2},
		{"the first even when larger", []int{50, 5}, 10, 12, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := queue{max: 1000}
			for _, size := range tt.sizes {
				q.push(&Message{Size: size})
			}
			got := q.pop(tt.n, tt.maxBytes)
			left := 0
			for _, size := range tt.sizes[len(got):] {
				left += size
			}
			if len(got) != tt.want || len(q.items) != len(tt.sizes)-tt.want || q.bytes != left {
				t.Errorf("popped %d, %d left holding %d bytes; want %d popped, %d bytes left", len(got), len(q.items), q.bytes, tt.want, left)
			}
		})
	}
}

func TestSenderBatchesABacklog(t *testing.T) {
	release := make(chan struct{})
	e := newEndpoint(t, nil, func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if n == 1 {
			select { // the first request waits until a backlog formed
			case <-release:
			case <-r.Context().Done():
			}
		}
		return false
	})
	s := newTestSender(e.URL, nil, 1, 1<<20)
	s.opts.BatchMax = 3
	s.Send(&Message{ID: "alone", Kind: "test", Body: []byte(`{"n":0}`)})
	waitClosed(t, e.first)
	for i := 1; i <= 4; i++ {
		s.Send(&Message{ID: newID(), Kind: "test", Build: func() ([]byte, error) { return []byte(fmt.Sprintf(`{"n":%d}`, i)), nil }})
	}
	close(release)
	r := s.Wait(time.Now().Add(20 * time.Second))
	if r.Delivered != 5 || r.Lost() != 0 {
		t.Errorf("report %+v, want 5 delivered", r)
	}
	var bodies []string
	for _, req := range e.got() {
		bodies = append(bodies, req.header.Get(HeaderDelivery)+" "+string(req.body))
	}
	if len(bodies) != 3 || bodies[0] != `alone {"n":0}` ||
		!strings.HasSuffix(bodies[1], ` [{"n":1},{"n":2},{"n":3}]`) || !strings.HasSuffix(bodies[2], ` {"n":4}`) {
		t.Errorf("requests %q: want the lone message alone, then a batch of 3 under an id of its own, then the last alone", bodies)
	}
}

func TestSenderDeliversConcurrently(t *testing.T) {
	// Eight workers against an endpoint that holds each request until
	// eight are in flight at once: only concurrent delivery gets through.
	const workers = 8
	var mu sync.Mutex
	inFlight := 0
	all := make(chan struct{})
	e := newEndpoint(t, nil, func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		mu.Lock()
		inFlight++
		if inFlight == workers {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-r.Context().Done():
		}
		io.WriteString(w, "ok")
		return true
	})
	s := newTestSender(e.URL, nil, workers, 1<<20)
	for i := 0; i < workers; i++ {
		s.Send(&Message{ID: newID(), Kind: "test", Body: []byte(`{}`)})
	}
	r := s.Wait(time.Now().Add(20 * time.Second))
	if r.Delivered != workers {
		t.Errorf("report %+v: want all %d delivered by concurrent workers", r, workers)
	}
}

// Closing the group's Stop ends the wait at once, long before the deadline:
// a user who signals ansible-tap again does not wait for a hanging endpoint.
func TestGroupStopEndsTheWait(t *testing.T) {
	e := newEndpoint(t, nil, nil)
	e.behave = e.hang
	s := newTestSender(e.URL, nil, 1, 1<<20)
	s.opts.RequestTimeout = time.Hour
	for i := 0; i < 2; i++ {
		s.Send(&Message{ID: newID(), Kind: "test", Body: []byte(`{}`)})
	}
	waitClosed(t, e.first)
	stop := make(chan struct{})
	g := &Group{Timeout: time.Hour, Stop: stop, Log: zerolog.Nop()}
	g.join()
	close(stop)
	reports := g.finish(s) // with the hour-long deadline alone, this would outlast the test's timeout
	if len(reports) != 1 || reports[0].Abandoned != 2 || reports[0].Delivered != 0 {
		t.Errorf("reports %+v, want the 2 messages abandoned", reports)
	}
}
