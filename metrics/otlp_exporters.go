package metrics

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// retryWithin returns the retry policy of an exporter whose deliveries must
// end within timeout: a collector that is down never holds the run long.
func retryWithin(timeout time.Duration) (initial, max, elapsed time.Duration) {
	return timeout / 10, timeout / 2, timeout
}

// newSpanExporter builds the trace exporter for t. Headers, certificates,
// compression and endpoints not given by flag come from the standard
// OTEL_EXPORTER_OTLP_* variables, which the exporters read themselves.
func newSpanExporter(ctx context.Context, t otlpTarget, timeout time.Duration) (sdktrace.SpanExporter, error) {
	initial, max, elapsed := retryWithin(timeout)
	if t.protocol == ProtocolGRPC {
		opts := []otlptracegrpc.Option{
			otlptracegrpc.WithTimeout(timeout),
			otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
		}
		if t.endpointURL != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(t.endpointURL))
		}
		return otlptracegrpc.New(ctx, opts...)
	}
	opts := []otlptracehttp.Option{
		otlptracehttp.WithTimeout(timeout),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
	}
	if t.endpointURL != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(t.endpointURL))
	}
	return otlptracehttp.New(ctx, opts...)
}

// newMetricExporter builds the metric exporter for t, as newSpanExporter.
func newMetricExporter(ctx context.Context, t otlpTarget, timeout time.Duration) (sdkmetric.Exporter, error) {
	initial, max, elapsed := retryWithin(timeout)
	if t.protocol == ProtocolGRPC {
		opts := []otlpmetricgrpc.Option{
			otlpmetricgrpc.WithTimeout(timeout),
			otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
		}
		if t.endpointURL != "" {
			opts = append(opts, otlpmetricgrpc.WithEndpointURL(t.endpointURL))
		}
		return otlpmetricgrpc.New(ctx, opts...)
	}
	opts := []otlpmetrichttp.Option{
		otlpmetrichttp.WithTimeout(timeout),
		otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
	}
	if t.endpointURL != "" {
		opts = append(opts, otlpmetrichttp.WithEndpointURL(t.endpointURL))
	}
	return otlpmetrichttp.New(ctx, opts...)
}

// newLogExporter builds the log exporter for t, as newSpanExporter.
func newLogExporter(ctx context.Context, t otlpTarget, timeout time.Duration) (sdklog.Exporter, error) {
	initial, max, elapsed := retryWithin(timeout)
	if t.protocol == ProtocolGRPC {
		opts := []otlploggrpc.Option{
			otlploggrpc.WithTimeout(timeout),
			otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
		}
		if t.endpointURL != "" {
			opts = append(opts, otlploggrpc.WithEndpointURL(t.endpointURL))
		}
		return otlploggrpc.New(ctx, opts...)
	}
	opts := []otlploghttp.Option{
		otlploghttp.WithTimeout(timeout),
		otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: true, InitialInterval: initial, MaxInterval: max, MaxElapsedTime: elapsed}),
	}
	if t.endpointURL != "" {
		opts = append(opts, otlploghttp.WithEndpointURL(t.endpointURL))
	}
	return otlploghttp.New(ctx, opts...)
}
