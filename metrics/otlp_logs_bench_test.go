package metrics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// eventKeeper keeps copies of the events of a replay.
type eventKeeper struct{ events []*event.Event }

func (k *eventKeeper) Event(ev *event.Event, _ *event.Summary) error {
	c := *ev
	c.Raw = nil // only valid until the next event
	k.events = append(k.events, &c)
	return nil
}

func (k *eventKeeper) Finish(*event.Summary) error { return nil }

// recordedEvents returns the events of a recorded stream of testdata.
func recordedEvents(b *testing.B, name string) []*event.Event {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	k := &eventKeeper{}
	if _, err := event.Replay(bytes.NewReader(data), k, nil, zerolog.Nop()); err != nil {
		b.Fatal(err)
	}
	return k.events
}

// peakMemory samples the Go heap every few milliseconds, and reads the
// process's peak resident set from /proc, reset at the start.
type peakMemory struct {
	heap atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchMemory() *peakMemory {
	runtime.GC()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM; Linux only
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > p.heap.Load() {
				p.heap.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// end stops the sampling and returns the peak heap and the peak RSS (0
// where /proc cannot tell), in MiB.
func (p *peakMemory) end() (heapMiB, rssMiB float64) {
	close(p.stop)
	<-p.done
	return float64(p.heap.Load()) / (1 << 20), testio.PeakRSS()
}

// logsRate paces BenchmarkOTLPLogsMillion at that many events a second.
var logsRate = flag.Int("otlp-logs-rate", 0, "events a second in BenchmarkOTLPLogsMillion (0: as fast as they come)")

// BenchmarkOTLPLogsMillion pushes 1,000,000 events (the recorded run of
// mixed.jsonl, repeated in memory) through the Summary and the OTLP output
// with only the logs on, as fast as they come (or at -otlp-logs-rate
// events a second), to an in-process receiver
// that counts and discards. It reports the events handled per second, the
// records received, dropped and failed, the bytes on the wire per record
// received, and the peak Go heap and resident set of the whole process,
// the receiver included. "summary" is the Summary alone, for comparison.
// Run it alone: go test ./metrics -run '^$' -bench OTLPLogsMillion -benchtime 1x
// (-args -otlp-logs-rate 20000 to pace it).
func BenchmarkOTLPLogsMillion(b *testing.B) {
	const total = 1_000_000
	events := recordedEvents(b, "mixed.jsonl")
	b.Setenv("TRACEPARENT", "")
	b.Setenv("OTEL_TRACES_EXPORTER", "none")
	b.Setenv("OTEL_METRICS_EXPORTER", "none")
	for _, protocol := range []string{"summary", ProtocolHTTP, ProtocolGRPC} {
		b.Run(protocol, func(b *testing.B) {
			for b.Loop() {
				var recv *otlpreceiver.Receiver
				var h *OTLP
				if protocol != "summary" {
					start := otlpreceiver.StartHTTP
					if protocol == ProtocolGRPC {
						start = otlpreceiver.StartGRPC
					}
					var err error
					if recv, err = start(); err != nil {
						b.Fatal(err)
					}
					recv.Discard()
					if h, err = NewOTLP(OTLPOptions{Endpoint: recv.URL, Protocol: protocol, Timeout: 30 * time.Second, Log: zerolog.Nop()}); err != nil {
						b.Fatal(err)
					}
				}
				mem := watchMemory()
				began := time.Now()
				s := event.NewSummary()
				for i := range total {
					if *logsRate > 0 && i%1000 == 0 { // paced by the thousand
						if ahead := time.Duration(i)*time.Second/time.Duration(*logsRate) - time.Since(began); ahead > 0 {
							time.Sleep(ahead)
						}
					}
					ev := events[i%len(events)]
					s.Add(ev)
					if h != nil {
						h.Event(ev, s)
					}
				}
				handled := time.Since(began)
				if h != nil {
					if err := h.Finish(s); err != nil {
						b.Fatal(err)
					}
				}
				heap, rss := mem.end()
				b.ReportMetric(total/handled.Seconds(), "events/s")
				b.ReportMetric(heap, "peak-heap-MiB")
				b.ReportMetric(rss, "peak-RSS-MiB")
				if h != nil {
					d := h.logs.delivery()
					received := recv.LogRecords()
					b.ReportMetric(float64(received), "records-received")
					b.ReportMetric(float64(d.Dropped()), "records-dropped")
					b.ReportMetric(float64(d.Failed), "records-failed")
					if received > 0 {
						b.ReportMetric(float64(recv.Bytes())/float64(received), "wire-B/record")
					}
					b.ReportMetric(time.Since(began).Seconds(), "s-to-flushed")
					recv.Close()
				}
			}
		})
	}
}
