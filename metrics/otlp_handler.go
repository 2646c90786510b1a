package metrics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/redact"
	"github.com/ansible-tap/ansible-tap/internal/stopctx"
)

// instrumentation names the tracer and meter of ansible-tap.
const instrumentation = "github.com/ansible-tap/ansible-tap/metrics"

// DefaultServiceName is the service.name of the resource unless
// OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
const DefaultServiceName = "ansible"

// OTLPOptions configure the OTLP output. What they leave empty comes from
// the standard OTEL_* environment variables.
type OTLPOptions struct {
	// Endpoint is the collector's base URL (as OTEL_EXPORTER_OTLP_ENDPOINT).
	Endpoint string
	// Protocol is http/protobuf or grpc.
	Protocol string
	// Playbook names the playbook when the run never reported one.
	Playbook string
	// Redact adds key words to redact.DefaultKeys (--redact): the log
	// records hide what the webhook hides.
	Redact []string
	// Timeout bounds each export and the flush at the end; 0 means DefaultTimeout.
	Timeout time.Duration
	// Stop, when closed, abandons the flush at the end before the timeout.
	Stop <-chan struct{}
	// Compared, when set, is the live run's comparison with the last
	// comparable run of the history: the metrics count its new failures
	// and fixed results.
	Compared *compare.Live
	// Log receives diagnostics, export errors among them.
	Log zerolog.Logger
}

// OTLP exports a run as traces, metrics and logs over OTLP. Spans are
// exported in batches as they end, and each event as a log record (its
// jsonl line) in batches as it happens; the metrics are recorded and
// everything is flushed when the run ends, within the timeout.
type OTLP struct {
	opts   OTLPOptions
	tp     *sdktrace.TracerProvider // nil when traces are off
	mp     *sdkmetric.MeterProvider // nil when metrics are off
	logs   *eventLogs               // nil when logs are off
	tree   *spanTree
	spans  *spanRecorder
	errors atomic.Int64

	lastMu    sync.Mutex
	lastError string // the last export error, redacted
}

// NewOTLP returns the OTLP handler, or nil when neither the endpoint nor
// the environment enables any signal.
func NewOTLP(opts OTLPOptions) (*OTLP, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	traces, err := resolveTarget(signalTraces, opts.Endpoint, opts.Protocol, os.Getenv)
	if err != nil {
		return nil, err
	}
	metrics, err := resolveTarget(signalMetrics, opts.Endpoint, opts.Protocol, os.Getenv)
	if err != nil {
		return nil, err
	}
	logs, err := resolveTarget(signalLogs, opts.Endpoint, opts.Protocol, os.Getenv)
	if err != nil {
		return nil, err
	}
	if !traces.enabled && !metrics.enabled && !logs.enabled {
		return nil, nil
	}
	ctx := context.Background()
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", DefaultServiceName)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
		resource.WithTelemetrySDK(),
	)
	if err != nil {
		return nil, fmt.Errorf("OTLP resource: %w", err)
	}
	o := &OTLP{opts: opts}
	otel.SetErrorHandler(otel.ErrorHandlerFunc(o.exportError))

	var tracer = noop.NewTracerProvider().Tracer(instrumentation)
	if traces.enabled {
		exp, err := newSpanExporter(ctx, traces, opts.Timeout)
		if err != nil {
			return nil, fmt.Errorf("OTLP traces: %w", err)
		}
		o.tp = sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(exp))
		tracer = o.tp.Tracer(instrumentation)
	}
	if metrics.enabled {
		exp, err := newMetricExporter(ctx, metrics, opts.Timeout)
		if err != nil {
			return nil, fmt.Errorf("OTLP metrics: %w", err)
		}
		// The run's metrics are recorded at its end and exported when the
		// provider shuts down; the interval only matters for very long runs.
		o.mp = sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
			sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithTimeout(opts.Timeout))))
	}
	if logs.enabled {
		exp, err := newLogExporter(ctx, logs, opts.Timeout)
		if err != nil {
			return nil, fmt.Errorf("OTLP logs: %w", err)
		}
		o.logs = newEventLogs(exp, res, logBatchConfigFromEnv(os.Getenv, opts.Log), opts.Playbook, redact.New(opts.Redact...))
	}
	o.spans = &spanRecorder{Tracer: tracer}
	o.tree = newSpanTree(o.spans, callerContext(), opts.Playbook)
	return o, nil
}

// callerContext carries the trace of TRACEPARENT (and TRACESTATE), so that
// the playbook span joins the caller's trace, a CI pipeline's for instance.
func callerContext() context.Context {
	carrier := propagation.MapCarrier{}
	if v := os.Getenv("TRACEPARENT"); v != "" {
		carrier["traceparent"] = v
	}
	if v := os.Getenv("TRACESTATE"); v != "" {
		carrier["tracestate"] = v
	}
	return propagation.TraceContext{}.Extract(context.Background(), carrier)
}

// exportError reports the SDK's export errors: the first as a warning, the
// rest at debug level, so that a collector that is down does not flood stderr.
func (o *OTLP) exportError(err error) {
	reason := o.describe(err)
	o.lastMu.Lock()
	o.lastError = reason
	o.lastMu.Unlock()
	if o.errors.Add(1) == 1 {
		o.opts.Log.Warn().Str("error", reason).Msg("OTLP export failed; later failures are logged at debug level")
		return
	}
	o.opts.Log.Debug().Str("error", reason).Msg("OTLP export failed")
}

// otlpEndpointVars are the variables an exporter may take its endpoint from.
var otlpEndpointVars = []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"}

// describe is an export error as the log shows it: a failure of a known
// kind in plain words, and no part of the collector's URL but its scheme
// and host, wherever the endpoint came from.
func (o *OTLP) describe(err error) string {
	reason := redact.Error(err, o.opts.Endpoint)
	for _, name := range otlpEndpointVars {
		reason = redact.Text(reason, os.Getenv(name))
	}
	return reason
}

// Event adds the event's spans and emits its log record. It never blocks
// on the network.
func (o *OTLP) Event(ev *event.Event, s *event.Summary) error {
	if o.logs == nil {
		o.tree.event(ev, s)
		return nil
	}
	o.logs.event(eventContext(o.tree, o.spans, ev, s), ev, s)
	return nil
}

// Finish ends the open spans, records the run's metrics, emits the run_end
// log record and flushes the three signals within the timeout. An
// unreachable collector makes it return an error after at most the
// timeout; the run's exit code is not affected.
func (o *OTLP) Finish(s *event.Summary) error {
	o.tree.finish(s)
	if o.logs != nil {
		o.logs.runEnd(runContext(o.tree), s)
	}
	var errs []error
	if o.mp != nil {
		playbook := PlaybookLabel(playbookPath(s), o.opts.Playbook)
		compared, _ := o.opts.Compared.Comparison(s) // a history that cannot be read says so itself
		if err := recordRun(o.mp.Meter(instrumentation), s, playbook, compared); err != nil {
			errs = append(errs, fmt.Errorf("OTLP metrics: %w", err))
		}
	}
	ctx, cancel := stopctx.Until(o.opts.Timeout, o.opts.Stop)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	shutdown := func(what string, f func(context.Context) error) {
		defer wg.Done()
		if err := f(ctx); err != nil {
			mu.Lock()
			errs = append(errs, fmt.Errorf("OTLP %s: %s", what, o.describe(err)))
			mu.Unlock()
		}
	}
	if o.tp != nil {
		wg.Add(1)
		go shutdown("traces", o.tp.Shutdown)
	}
	if o.mp != nil {
		wg.Add(1)
		go shutdown("metrics", o.mp.Shutdown)
	}
	if o.logs != nil {
		wg.Add(1)
		go shutdown("logs", o.logs.shutdown)
	}
	wg.Wait()
	if o.logs != nil {
		o.reportLogs(o.logs.delivery())
	}
	return errors.Join(errs...)
}

// reportLogs tells how many of the run's log records did not reach the
// collector, as a warning when some did not.
func (o *OTLP) reportLogs(d logsDelivery) {
	ev := o.opts.Log.Debug()
	msg := "OTLP logs delivered"
	if d.Lost() > 0 {
		ev = o.opts.Log.Warn()
		msg = "OTLP logs: some event records did not reach the collector"
		o.lastMu.Lock()
		if o.lastError != "" {
			msg += "; last error: " + o.lastError
		}
		o.lastMu.Unlock()
	}
	ev.Int64("records", d.Emitted).Int64("exported", d.Exported).Int64("dropped", d.Dropped()).
		Int64("failed", d.Failed).Int64("unencodable", d.Unencodable).Msg(msg)
}
