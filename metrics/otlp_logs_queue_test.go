package metrics

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// gateExporter records the records of each export by name (what their
// body holds before a colon); each export
// waits until release is closed.
type gateExporter struct {
	started chan struct{} // receives as each export starts
	release chan struct{}

	mu        sync.Mutex
	batches   [][]string
	shutdowns []bool // whether each export had the context of a shutdown
}

// shutdownKey marks the context a test gives Shutdown.
type shutdownKey struct{}

func newGateExporter() *gateExporter {
	return &gateExporter{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (e *gateExporter) Export(ctx context.Context, records []sdklog.Record) error {
	var names []string
	for _, r := range records {
		name, _, _ := strings.Cut(r.Body().AsString(), ":")
		names = append(names, name)
	}
	e.mu.Lock()
	e.batches = append(e.batches, names)
	e.shutdowns = append(e.shutdowns, ctx.Value(shutdownKey{}) != nil)
	e.mu.Unlock()
	e.started <- struct{}{}
	select {
	case <-e.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *gateExporter) Shutdown(context.Context) error   { return nil }
func (e *gateExporter) ForceFlush(context.Context) error { return nil }

func (e *gateExporter) exported() [][]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.batches)
}

// sized is a record that holds size bytes by recordSize, its body name
// and a colon, then padding.
func sized(name string, size int) *sdklog.Record {
	var r sdklog.Record
	r.SetBody(attribute.StringValue(name + ":" + strings.Repeat("x", size-recordOverhead-len(name)-1)))
	return &r
}

// TestLogBatcherBounds emits a record that the exporter holds, then more
// records: what waits, and the export in progress with it, stays within
// the bounds in records and in bytes, the oldest waiting records are
// dropped first, and what is left is exported at the shutdown in batches
// within their own bounds.
func TestLogBatcherBounds(t *testing.T) {
	const MiB = 1 << 20
	type rec struct {
		name string
		size int
	}
	tests := []struct {
		name    string
		cfg     logBatchConfig
		first   int // how many of recs make the first batch, held in its export
		recs    []rec
		batches [][]string // the others are dropped
	}{
		{"the export in progress counts against the bytes",
			logBatchConfig{maxRecords: 100, batchRecords: 100, maxBytes: 4 * MiB, batchBytes: MiB},
			1, []rec{{"a", MiB}, {"b", MiB}, {"c", MiB}, {"d", MiB}, {"e", MiB}, {"f", MiB}},
			[][]string{{"a"}, {"d"}, {"e"}, {"f"}}},
		{"a record when the export in progress leaves no room",
			logBatchConfig{maxRecords: 100, batchRecords: 100, maxBytes: 2 * MiB, batchBytes: MiB},
			1, []rec{{"a", 3 * MiB / 2}, {"b", MiB}, {"c", MiB / 4}},
			[][]string{{"a"}, {"c"}}},
		{"a record larger than the bound",
			logBatchConfig{maxRecords: 100, batchRecords: 1, maxBytes: MiB, batchBytes: MiB},
			1, []rec{{"a", 1000}, {"huge", 2 * MiB}, {"b", 1000}},
			[][]string{{"a"}, {"b"}}},
		{"records beyond the count",
			logBatchConfig{maxRecords: 2, batchRecords: 1, maxBytes: MiB, batchBytes: MiB},
			1, []rec{{"a", 1000}, {"b", 1000}, {"c", 1000}, {"d", 1000}},
			[][]string{{"a"}, {"c"}, {"d"}}},
		{"batches by bytes, a large record alone",
			logBatchConfig{maxRecords: 100, batchRecords: 100, maxBytes: 8 * MiB, batchBytes: MiB},
			1, []rec{{"a", MiB}, {"b", 400 << 10}, {"c", 400 << 10}, {"d", 400 << 10}, {"e", 3 * MiB / 2}, {"f", 1000}},
			[][]string{{"a"}, {"b", "c"}, {"d"}, {"e"}, {"f"}}},
		{"batches by records",
			logBatchConfig{maxRecords: 100, batchRecords: 3, maxBytes: MiB, batchBytes: MiB},
			3, []rec{{"a", 1000}, {"b", 1000}, {"c", 1000}, {"d", 1000}, {"e", 1000}, {"f", 1000}, {"g", 1000}, {"h", 1000}, {"i", 1000}},
			[][]string{{"a", "b", "c"}, {"d", "e", "f"}, {"g", "h", "i"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp := newGateExporter()
			tt.cfg.interval, tt.cfg.timeout = time.Hour, time.Minute // exports of full batches only
			b := newLogBatcher(exp, tt.cfg)
			for i, r := range tt.recs {
				b.OnEmit(context.Background(), sized(r.name, r.size))
				if i+1 != tt.first {
					continue
				}
				select {
				case <-exp.started:
				case <-time.After(10 * time.Second):
					t.Fatal("the first batch was not exported")
				}
			}
			close(exp.release)
			if err := b.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := exp.exported(); !slices.EqualFunc(got, tt.batches, slices.Equal) {
				t.Errorf("exported %v, want %v", got, tt.batches)
			}
		})
	}
}

// A flush exports what waits before a batch is full; after the shutdown,
// records are refused and a flush does nothing.
func TestLogBatcherFlushAndShutdown(t *testing.T) {
	exp := newGateExporter()
	close(exp.release)
	b := newLogBatcher(exp, logBatchConfig{maxRecords: 10, batchRecords: 10, maxBytes: 1 << 20, batchBytes: 1 << 20,
		interval: time.Hour, timeout: time.Minute})
	b.OnEmit(context.Background(), sized("a", 1000))
	b.OnEmit(context.Background(), sized("b", 1000))
	if err := b.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := exp.exported(); !slices.EqualFunc(got, [][]string{{"a", "b"}}, slices.Equal) {
		t.Errorf("exported %v after the flush, want [[a b]]", got)
	}
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.OnEmit(context.Background(), sized("late", 1000))
	if err := b.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := exp.exported(); len(got) != 1 {
		t.Errorf("exported %v, want nothing after the shutdown", got)
	}
}

// A shutdown requested while an export is in progress and a full batch
// waits is served next: the waiting batch goes within the shutdown's
// context, not in another scheduled export.
func TestLogBatcherShutdownBeforeAnotherExport(t *testing.T) {
	for range 20 {
		exp := newGateExporter()
		b := newLogBatcher(exp, logBatchConfig{maxRecords: 10, batchRecords: 1, maxBytes: 1 << 20, batchBytes: 1 << 20,
			interval: time.Hour, timeout: time.Minute})
		b.OnEmit(context.Background(), sized("a", 1000))
		<-exp.started
		b.OnEmit(context.Background(), sized("b", 1000)) // a full batch, signalled
		done := make(chan error)
		go func() { done <- b.Shutdown(context.WithValue(context.Background(), shutdownKey{}, true)) }()
		for len(b.shutdown) == 0 { // the request waits for the exporting goroutine
			time.Sleep(time.Millisecond)
		}
		close(exp.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := exp.exported(); !slices.EqualFunc(got, [][]string{{"a"}, {"b"}}, slices.Equal) || !slices.Equal(exp.shutdowns, []bool{false, true}) {
			t.Fatalf("exported %v, within a shutdown's context %v; want [[a] [b]], [false true]", got, exp.shutdowns)
		}
	}
}

// A shutdown gives up at the end of its context when the exporter hangs.
func TestLogBatcherShutdownWithinItsContext(t *testing.T) {
	exp := newGateExporter() // never released
	defer close(exp.release)
	b := newLogBatcher(exp, logBatchConfig{maxRecords: 10, batchRecords: 10, maxBytes: 1 << 20, batchBytes: 1 << 20,
		interval: time.Hour, timeout: time.Hour})
	b.OnEmit(context.Background(), sized("a", 1000))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := b.Shutdown(ctx); err == nil {
		t.Error("the shutdown succeeded while the export hangs")
	}
}

func TestLogBatchConfigFromEnv(t *testing.T) {
	defaults := logBatchConfig{maxRecords: 2048, batchRecords: 512, interval: time.Second, timeout: 30 * time.Second,
		maxBytes: DefaultLogQueueBytes, batchBytes: logExportBytes}
	tests := []struct {
		name   string
		env    map[string]string
		want   func(*logBatchConfig)
		warned bool
	}{
		{"the defaults", nil, func(*logBatchConfig) {}, false},
		{"every variable", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "100", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "10",
			"OTEL_BLRP_SCHEDULE_DELAY": "250", "OTEL_BLRP_EXPORT_TIMEOUT": "5000"},
			func(c *logBatchConfig) {
				c.maxRecords, c.batchRecords, c.interval, c.timeout = 100, 10, 250*time.Millisecond, 5*time.Second
			}, false},
		{"a batch no larger than the queue", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "100"},
			func(c *logBatchConfig) { c.maxRecords, c.batchRecords = 100, 100 }, false},
		{"invalid values", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "many", "OTEL_BLRP_SCHEDULE_DELAY": "-1"},
			func(*logBatchConfig) {}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			got := logBatchConfigFromEnv(func(k string) string { return tt.env[k] }, zerolog.New(&logged))
			want := defaults
			tt.want(&want)
			if got != want {
				t.Errorf("config %+v, want %+v", got, want)
			}
			if warned := strings.Contains(logged.String(), "not a positive whole number"); warned != tt.warned {
				t.Errorf("warned %v, want %v: %s", warned, tt.warned, logged.String())
			}
		})
	}
}

// The ring keeps its records in order through growth and wrap-around,
// and grows no further than its limit.
func TestRecordRing(t *testing.T) {
	var r recordRing
	next, oldest := 0, 0
	for round := range 200 {
		for range round % 7 {
			if r.n == 40 {
				break
			}
			r.push(sizedRecord{size: next}, 40)
			next++
		}
		for range round % 5 {
			if r.n == 0 {
				break
			}
			if got := r.pop().size; got != oldest {
				t.Fatalf("popped record %d, want %d", got, oldest)
			}
			oldest++
		}
		want := 0
		for i := oldest; i < next; i++ {
			want += i
		}
		if r.n != next-oldest || r.bytes != want || len(r.slots) > 40 {
			t.Fatalf("round %d: %d records of %d bytes in %d slots; want %d of %d in at most 40", round, r.n, r.bytes, len(r.slots), next-oldest, want)
		}
	}
	if next < 100 || len(r.slots) != 40 {
		t.Fatalf("%d records went through a ring of %d slots; want more than 100 through 40", next, len(r.slots))
	}
}
