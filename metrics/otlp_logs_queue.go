package metrics

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// DefaultLogQueueBytes bounds the log records that wait for export and
// those being exported, together: room for the record of an event of the
// longest line (2 MiB) in its export and another one waiting. Records of
// a usual size (about 1 KiB) are bounded by their count first.
const DefaultLogQueueBytes = 4 << 20

// logExportBytes bounds the records of one export request (a record
// larger than that goes alone): under the 4 MiB that a collector's gRPC
// receiver takes by default.
const logExportBytes = 2 << 20

// recordOverhead is what a log record holds besides its body and its
// attributes' keys and values: the SDK's record, and its protobuf form
// while it is exported.
const recordOverhead = 512

// logBatchConfig configures a logBatcher. Its record counts and times
// come from the SDK's variables (OTEL_BLRP_*) with the SDK's defaults.
type logBatchConfig struct {
	maxRecords   int           // OTEL_BLRP_MAX_QUEUE_SIZE: records waiting
	batchRecords int           // OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: records in one export
	interval     time.Duration // OTEL_BLRP_SCHEDULE_DELAY: the longest a record waits for a batch to fill
	timeout      time.Duration // OTEL_BLRP_EXPORT_TIMEOUT: one export
	maxBytes     int           // records waiting and being exported
	batchBytes   int           // records in one export, the first one whatever its size
}

// logBatchConfigFromEnv reads the OTEL_BLRP_* variables as the SDK's
// batch processor does (times in milliseconds); an invalid value is
// logged and the default kept.
func logBatchConfigFromEnv(getenv func(string) string, log zerolog.Logger) logBatchConfig {
	c := logBatchConfig{maxRecords: 2048, batchRecords: 512, interval: time.Second, timeout: 30 * time.Second,
		maxBytes: DefaultLogQueueBytes, batchBytes: logExportBytes}
	positive := func(name string, set func(int)) {
		v := getenv(name)
		if v == "" {
			return
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			set(n)
			return
		}
		log.Warn().Str("variable", name).Str("value", v).Msg("not a positive whole number: the default is kept")
	}
	positive("OTEL_BLRP_MAX_QUEUE_SIZE", func(n int) { c.maxRecords = n })
	positive("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", func(n int) { c.batchRecords = n })
	positive("OTEL_BLRP_SCHEDULE_DELAY", func(n int) { c.interval = time.Duration(n) * time.Millisecond })
	positive("OTEL_BLRP_EXPORT_TIMEOUT", func(n int) { c.timeout = time.Duration(n) * time.Millisecond })
	c.batchRecords = min(c.batchRecords, c.maxRecords)
	return c
}

// logBatcher is the log processor of the event records: the SDK's batch
// processor, bounded in bytes as well as in records. Records wait in a
// queue of at most maxRecords, and at most maxBytes together with the
// batch being exported; a record that does not fit drops the oldest
// waiting ones, or itself when the export in progress leaves no room.
// One goroutine exports them in batches of at most batchRecords and
// batchBytes, as soon as a batch is full or interval after the last
// export. Emitting never waits on the network.
type logBatcher struct {
	exporter sdklog.Exporter
	cfg      logBatchConfig

	mu      sync.Mutex
	waiting recordRing
	bytes   int // waiting and being exported
	closed  bool

	ready    chan struct{} // a full batch waits
	flushes  chan logRequest
	shutdown chan logRequest
	done     chan struct{} // closed when the exporter is shut down
}

// sizedRecord is a record and what it holds, in bytes.
type sizedRecord struct {
	record sdklog.Record
	size   int
}

// recordRing is the records waiting, oldest first, in a ring that grows
// by doubling as far as it needs to.
type recordRing struct {
	slots []sizedRecord
	head  int // the oldest
	n     int
	bytes int // of the records
}

// push appends rec, growing the ring up to limit records; there must be
// fewer than limit records.
func (r *recordRing) push(rec sizedRecord, limit int) {
	if r.n == len(r.slots) {
		grown := make([]sizedRecord, min(max(2*len(r.slots), 16), limit))
		for i := range r.n {
			grown[i] = r.slots[(r.head+i)%len(r.slots)]
		}
		r.slots, r.head = grown, 0
	}
	r.slots[(r.head+r.n)%len(r.slots)] = rec
	r.n++
	r.bytes += rec.size
}

// front is the oldest record; there must be one.
func (r *recordRing) front() *sizedRecord { return &r.slots[r.head] }

// pop takes the oldest record out; there must be one.
func (r *recordRing) pop() sizedRecord {
	rec := r.slots[r.head]
	r.slots[r.head] = sizedRecord{}
	r.head = (r.head + 1) % len(r.slots)
	r.n--
	r.bytes -= rec.size
	return rec
}

// logRequest asks the exporting goroutine to flush, or to shut down.
type logRequest struct {
	ctx  context.Context
	resp chan error
}

var _ sdklog.Processor = (*logBatcher)(nil)

// newLogBatcher starts a logBatcher exporting through exp.
func newLogBatcher(exp sdklog.Exporter, cfg logBatchConfig) *logBatcher {
	b := &logBatcher{
		exporter: exp,
		cfg:      cfg,
		ready:    make(chan struct{}, 1),
		flushes:  make(chan logRequest),
		shutdown: make(chan logRequest, 1),
		done:     make(chan struct{}),
	}
	go b.run()
	return b
}

// Enabled reports that every record is processed.
func (*logBatcher) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

// OnEmit queues a copy of r, dropping the oldest waiting records to make
// room. It never blocks on the export.
func (b *logBatcher) OnEmit(_ context.Context, r *sdklog.Record) error {
	rec := sizedRecord{record: r.Clone(), size: recordSize(r)}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	for b.waiting.n > 0 && (b.waiting.n >= b.cfg.maxRecords || b.bytes+rec.size > b.cfg.maxBytes) {
		b.bytes -= b.waiting.pop().size
	}
	if b.bytes+rec.size > b.cfg.maxBytes {
		b.mu.Unlock()
		return nil
	}
	b.waiting.push(rec, b.cfg.maxRecords)
	b.bytes += rec.size
	full := b.fullBatchWaits()
	b.mu.Unlock()
	if full {
		b.signalReady()
	}
	return nil
}

// fullBatchWaits reports whether a batch as large as one export takes
// waits; b.mu is held.
func (b *logBatcher) fullBatchWaits() bool {
	return b.waiting.n >= b.cfg.batchRecords || b.waiting.bytes >= b.cfg.batchBytes
}

func (b *logBatcher) signalReady() {
	select {
	case b.ready <- struct{}{}:
	default: // already signalled
	}
}

// run is the goroutine that makes every export: a batch when one is full
// or the interval has passed, everything at a flush or at the shutdown.
func (b *logBatcher) run() {
	timer := time.NewTimer(b.cfg.interval)
	defer timer.Stop()
	var buf []sdklog.Record
	stop := func(req logRequest) {
		err := errors.Join(b.exportAll(req.ctx, &buf), b.exporter.Shutdown(req.ctx))
		close(b.done)
		req.resp <- err
	}
	for {
		select { // a shutdown first, rather than another scheduled export
		case req := <-b.shutdown:
			stop(req)
			return
		default:
		}
		select {
		case req := <-b.shutdown:
			stop(req)
			return
		case req := <-b.flushes:
			req.resp <- errors.Join(b.exportAll(req.ctx, &buf), b.exporter.ForceFlush(req.ctx))
			continue
		case <-timer.C:
		case <-b.ready:
		}
		timer.Reset(b.cfg.interval) // no stale tick is left to receive since Go 1.23
		if err := b.exportBatch(context.Background(), &buf); err != nil {
			otel.Handle(err)
		}
		b.mu.Lock()
		full := b.fullBatchWaits()
		b.mu.Unlock()
		if full {
			b.signalReady()
		}
	}
}

// exportAll exports every waiting record, batch after batch, within ctx.
func (b *logBatcher) exportAll(ctx context.Context, buf *[]sdklog.Record) error {
	var errs []error
	for ctx.Err() == nil {
		b.mu.Lock()
		empty := b.waiting.n == 0
		b.mu.Unlock()
		if empty {
			return errors.Join(errs...)
		}
		if err := b.exportBatch(ctx, buf); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, ctx.Err())...)
}

// exportBatch takes the oldest waiting records, at most a batch of them,
// and exports them within the export timeout; their bytes count until
// the export returns.
func (b *logBatcher) exportBatch(ctx context.Context, buf *[]sdklog.Record) error {
	b.mu.Lock()
	n, size := 0, 0
	for b.waiting.n > 0 && n < b.cfg.batchRecords && (n == 0 || size+b.waiting.front().size <= b.cfg.batchBytes) {
		rec := b.waiting.pop()
		*buf = append(*buf, rec.record)
		size += rec.size
		n++
	}
	b.mu.Unlock()
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.timeout)
	err := b.exporter.Export(ctx, *buf)
	cancel()
	clear(*buf)
	*buf = (*buf)[:0]
	b.mu.Lock()
	b.bytes -= size
	b.mu.Unlock()
	return err
}

// Shutdown stops accepting records, exports those waiting and shuts the
// exporter down, within ctx.
func (b *logBatcher) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	resp := make(chan error, 1)
	b.shutdown <- logRequest{ctx: ctx, resp: resp}
	select {
	case err := <-resp:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ForceFlush exports the records waiting and flushes the exporter, within ctx.
func (b *logBatcher) ForceFlush(ctx context.Context) error {
	resp := make(chan error, 1)
	select {
	case b.flushes <- logRequest{ctx: ctx, resp: resp}:
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-resp:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// recordSize is what r holds, in bytes: its body, its attributes' keys
// and values, and recordOverhead.
func recordSize(r *sdklog.Record) int {
	n := recordOverhead + valueSize(r.Body())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		n += len(kv.Key) + valueSize(kv.Value)
		return true
	})
	return n
}

// valueSize is the bytes of a string value; 16 for the other kinds, which
// the event records use for numbers and booleans only.
func valueSize(v attribute.Value) int {
	if v.Type() == attribute.STRING {
		return len(v.AsString())
	}
	return 16
}
