// Package otlpreceiver is a small OTLP receiver for tests and benchmarks: it
// listens on 127.0.0.1 over HTTP (http/protobuf) or gRPC, decodes the
// requests with the official OTLP protobuf types and keeps what it received.
package otlpreceiver

import (
	"sync"
	"sync/atomic"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// Receiver keeps the OTLP data it received.
type Receiver struct {
	// URL is the endpoint to give an exporter: http://127.0.0.1:PORT.
	URL string

	mu       sync.Mutex
	spans    []*tracepb.ResourceSpans
	metrics  []*metricpb.ResourceMetrics
	logs     []*logspb.ResourceLogs
	requests int
	stop     func()

	discard    atomic.Bool
	bytes      atomic.Int64
	logRecords atomic.Int64
}

// Requests is the number of export requests decoded so far.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// ResourceSpans returns the spans received, as sent.
func (r *Receiver) ResourceSpans() []*tracepb.ResourceSpans {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracepb.ResourceSpans(nil), r.spans...)
}

// ResourceMetrics returns the metrics received, as sent.
func (r *Receiver) ResourceMetrics() []*metricpb.ResourceMetrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*metricpb.ResourceMetrics(nil), r.metrics...)
}

// ResourceLogs returns the log records received, as sent, in the order
// they arrived.
func (r *Receiver) ResourceLogs() []*logspb.ResourceLogs {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*logspb.ResourceLogs(nil), r.logs...)
}

// Discard makes the receiver only count what it receives from now on, not
// keep it: for benchmarks whose memory must not grow with the data.
func (r *Receiver) Discard() { r.discard.Store(true) }

// Bytes is the size of the export requests received so far as they came
// over the wire: HTTP bodies as sent (compressed when they were), gRPC
// messages with their framing.
func (r *Receiver) Bytes() int64 { return r.bytes.Load() }

// LogRecords is the number of log records received so far, kept or not.
func (r *Receiver) LogRecords() int64 { return r.logRecords.Load() }

// Close stops the receiver.
func (r *Receiver) Close() { r.stop() }

func (r *Receiver) addSpans(req *colltracepb.ExportTraceServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if !r.discard.Load() {
		r.spans = append(r.spans, req.ResourceSpans...)
	}
}

func (r *Receiver) addMetrics(req *collmetricpb.ExportMetricsServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if !r.discard.Load() {
		r.metrics = append(r.metrics, req.ResourceMetrics...)
	}
}

func (r *Receiver) addLogs(req *collogspb.ExportLogsServiceRequest) {
	var n int64
	for _, rl := range req.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			n += int64(len(sl.LogRecords))
		}
	}
	r.logRecords.Add(n)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if !r.discard.Load() {
		r.logs = append(r.logs, req.ResourceLogs...)
	}
}
