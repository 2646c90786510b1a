package metrics

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
)

// syntheticRun is the event sequence of a linear play of hosts x tasks,
// every result ok (every fourth changed), ending with Ansible's stats.
func syntheticRun(hosts, tasks int) []*event.Event {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func() time.Time { at = at.Add(time.Millisecond); return at }
	play := &event.Play{ID: "play-1", Name: "bench", Strategy: "linear"}
	evs := []*event.Event{
		{Kind: event.PlaybookStart, Time: tick(), Playbook: &event.Playbook{Path: "bench.yml"}},
		{Kind: event.PlayStart, Time: tick(), Play: play},
	}
	stats := make(map[string]event.HostCounts, hosts)
	for ti := range tasks {
		task := &event.Task{ID: fmt.Sprintf("task-%d", ti), Name: fmt.Sprintf("task %d", ti), Action: "debug", Path: fmt.Sprintf("bench.yml:%d", ti)}
		evs = append(evs, &event.Event{Kind: event.TaskStart, Time: tick(), Play: play, Task: task})
		for hi := range hosts {
			host := fmt.Sprintf("h%03d", hi)
			changed := (ti+hi)%4 == 0
			evs = append(evs,
				&event.Event{Kind: event.RunnerStart, Time: tick(), Play: play, Task: task, Host: host},
				&event.Event{Kind: event.RunnerOK, Time: tick(), Play: play, Task: task, Host: host, Result: &event.Result{Changed: changed}})
			c := stats[host]
			c.OK++
			if changed {
				c.Changed++
			}
			stats[host] = c
		}
	}
	return append(evs, &event.Event{Kind: event.PlaybookStats, Time: tick(), Stats: stats})
}

// BenchmarkHandlers drives each output over a 50-host x 20-task run, from
// the first event to the end of Finish; "none" is the cost of the Summary
// alone, for comparison.
func BenchmarkHandlers(b *testing.B) {
	events := syntheticRun(50, 20)
	recv, err := otlpreceiver.StartHTTP()
	if err != nil {
		b.Fatal(err)
	}
	defer recv.Close()
	b.Setenv("TRACEPARENT", "")
	dir := b.TempDir()
	for _, tc := range []struct {
		name string
		make func() event.Handler
	}{
		{"none", func() event.Handler { return nil }},
		{"prom-file", func() event.Handler {
			return NewProm(PromOptions{File: filepath.Join(dir, "bench.prom"), PerHost: true})
		}},
		{"otlp-http", func() event.Handler {
			h, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Log: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			return h
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h := tc.make()
				s := event.NewSummary()
				for _, ev := range events {
					s.Add(ev)
					if h != nil {
						h.Event(ev, s)
					}
				}
				s.ExitCode = 0
				if h != nil {
					if err := h.Finish(s); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
		})
	}
}
