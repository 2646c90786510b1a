package notify

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
)

// smallResults is n ok results of a few hundred bytes each, 50 hosts to a
// task, as a fleet's run sends them.
func smallResults(n int) []*event.Event {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	play := &event.Play{ID: "play-1", Name: "bench"}
	var evs []*event.Event
	var task *event.Task
	for i := range n {
		if i%50 == 0 {
			task = &event.Task{ID: fmt.Sprintf("task-%d", i/50), Name: fmt.Sprintf("task %d", i/50), Action: "ansible.builtin.command",
				Path: fmt.Sprintf("site.yml:%d", i/50)}
		}
		raw := fmt.Sprintf(`{"changed":false,"cmd":["uptime"],"rc":0,"stdout":" 12:00:%02d up 42 days,  3:04,  0 users,  load average: 0.08, 0.03, 0.01","stderr":"","msg":""}`, i%60)
		at = at.Add(time.Millisecond)
		evs = append(evs, &event.Event{Kind: event.RunnerOK, Time: at, Play: play, Task: task, Host: fmt.Sprintf("node%04d", i%50),
			Result: &event.Result{Raw: []byte(raw)}})
	}
	return evs
}

// BenchmarkWebhookDelivery posts the payloads of 5,000 small results to a
// local endpoint that answers at once, one by one and in batches, from
// the first event to the last delivery: payloads delivered a second, and
// how many were dropped (none with the default queue of 8 MiB).
func BenchmarkWebhookDelivery(b *testing.B) {
	const n = 5000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	events := smallResults(n)
	for _, batch := range []bool{false, true} {
		b.Run(fmt.Sprintf("batch=%v", batch), func(b *testing.B) {
			for b.Loop() {
				w := NewWebhook(WebhookOptions{URL: srv.URL, Batch: batch, Log: zerolog.Nop(), Group: &Group{Timeout: time.Minute, Log: zerolog.Nop()}})
				s := event.NewSummary()
				began := time.Now()
				for _, ev := range events {
					s.Add(ev)
					w.Event(ev, s)
				}
				w.Finish(s)
				r := w.sender.report()
				b.ReportMetric(float64(r.Delivered)/time.Since(began).Seconds(), "payloads/s")
				b.ReportMetric(float64(r.Dropped), "dropped")
				if r.Delivered+r.Dropped != n+1 {
					b.Fatalf("report %+v, want %d payloads delivered or dropped", r, n+1)
				}
			}
		})
	}
}
