package notify

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSenderBoundsWhatItHoldsInFlight sends large messages one at a time
// to an endpoint that never answers, through a sender of 32 workers and a
// bound of 4 MiB: the messages in the workers' hands count against the
// bound, by their estimate until they are built and by their body then,
// so only what fits is posted and the rest is dropped and counted; the
// summary is posted whatever its size.
func TestSenderBoundsWhatItHoldsInFlight(t *testing.T) {
	const bound = 4 << 20
	type msg struct {
		id       string
		estimate int
		body     int
		keep     bool
	}
	tests := []struct {
		name    string
		msgs    []msg
		refused []string // by Send
		posted  []string
	}{
		{"bodies as estimated",
			[]msg{{"a", 1 << 20, 1 << 20, false}, {"b", 1 << 20, 1 << 20, false}, {"c", 1 << 20, 1 << 20, false},
				{"d", 1 << 20, 1 << 20, false}, {"e", 1 << 20, 1 << 20, false}, {"f", 1 << 20, 1 << 20, false}},
			[]string{"e", "f"}, []string{"a", "b", "c", "d"}},
		{"a body larger than its estimate",
			[]msg{{"a", 1 << 10, 3 << 20, false}, {"b", 1 << 10, 3 << 20, false}, {"c", 1 << 10, 1 << 10, false}},
			nil, []string{"a", "c"}},
		{"the summary, whatever its size",
			[]msg{{"a", 1 << 10, 3 << 20, false}, {"summary", 1 << 10, 3 << 20, true}},
			nil, []string{"a", "summary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, nil, nil)
			e.behave = e.hang
			s := newTestSender(e.URL, nil, 32, bound)
			var refused []string
			for i, m := range tt.msgs {
				body := jsonOfSize(m.body)
				if !s.Send(&Message{ID: m.id, Kind: "test", Size: m.estimate, Keep: m.keep,
					Build: func() ([]byte, error) { return body, nil }}) {
					refused = append(refused, m.id)
				}
				settle(t, e, s, i+1)
			}
			var posted []string
			for _, r := range e.got() {
				posted = append(posted, r.header.Get(HeaderDelivery))
			}
			slices.Sort(posted)
			if !slices.Equal(refused, tt.refused) || !slices.Equal(posted, tt.posted) {
				t.Errorf("refused %v and posted %v; want %v refused and %v posted", refused, posted, tt.refused, tt.posted)
			}
			r := s.Wait(time.Now().Add(50 * time.Millisecond))
			if dropped := len(tt.msgs) - len(tt.posted); r.Dropped != dropped || r.Abandoned != len(tt.posted) {
				t.Errorf("report %+v; want %d dropped and %d left at the deadline", r, dropped, len(tt.posted))
			}
		})
	}
}

// settle waits until n messages were posted to e or dropped by s.
func settle(t *testing.T, e *endpoint, s *Sender, n int) {
	t.Helper()
	for start := time.Now(); len(e.got())+int(s.dropped.Load()) < n; time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%d messages posted and %d dropped, want %d in all", len(e.got()), s.dropped.Load(), n)
		}
	}
}

// jsonOfSize is a JSON string of n bytes, quotes included.
func jsonOfSize(n int) []byte {
	return []byte(`"` + strings.Repeat("x", n-2) + `"`)
}

func TestQueueRehold(t *testing.T) {
	tests := []struct {
		name         string
		waiting      []int
		old, now     int
		keep         bool
		dropped      int
		ok           bool
		held, queued int
	}{
		{"smaller than estimated", []int{3, 3}, 4, 2, false, 0, true, 2, 6},
		{"larger, and fits", []int{3}, 4, 7, false, 0, true, 7, 3},
		{"larger, drops the oldest waiting", []int{3, 3}, 4, 6, false, 1, true, 6, 3},
		{"larger than the bound alone", []int{3, 3}, 4, 11, false, 2, false, 0, 0},
		{"the summary larger than the bound", []int{3}, 4, 11, true, 1, true, 11, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := queue{max: 10, held: tt.old}
			for _, size := range tt.waiting {
				if _, ok := q.push(&Message{Body: bytes.Repeat([]byte("x"), size)}); !ok {
					t.Fatal("push refused")
				}
			}
			dropped, ok := q.rehold(tt.old, tt.now, tt.keep)
			if dropped != tt.dropped || ok != tt.ok || q.held != tt.held || q.bytes != tt.queued {
				t.Errorf("dropped %d, ok %v, held %d, queued %d; want %d, %v, %d, %d",
					dropped, ok, q.held, q.bytes, tt.dropped, tt.ok, tt.held, tt.queued)
			}
		})
	}
}
