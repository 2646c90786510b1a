// Package metrics turns a playbook run into metrics and traces: a
// Prometheus textfile for node_exporter's textfile collector, a push to a
// Pushgateway (both with client_golang), and OTLP traces and metrics (with
// the OpenTelemetry Go SDK). Each output is an event.Handler; none of them
// blocks event handling or changes the exit code. README.md documents the
// metrics.
package metrics
