package main

import (
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/metrics"
)

// metricsOutput is the Prometheus textfile and Pushgateway outputs and the
// OTLP traces, metrics and logs. OTLP also turns on with the standard
// OTEL_EXPORTER_OTLP_ENDPOINT variables, without any flag.
func metricsOutput() output {
	return output{
		flags: []cli.Flag{
			&cli.StringFlag{Name: "prom-file", Usage: "write the run's metrics to this node_exporter textfile-collector `PATH` (atomically, at the end)", EnvVars: []string{"ANSIBLE_TAP_PROM_FILE"}},
			&cli.StringFlag{Name: "prom-push", Usage: "push the run's metrics to this Pushgateway `URL` (job ansible, grouped by playbook)", EnvVars: []string{"ANSIBLE_TAP_PROM_PUSH"}},
			&cli.StringSliceFlag{Name: "prom-label", Usage: "add the constant label `NAME=VALUE` to every Prometheus series (repeatable)", EnvVars: []string{"ANSIBLE_TAP_PROM_LABELS"}},
			&cli.BoolFlag{Name: "prom-per-host", Usage: "also write per-host series (one per host and status)", EnvVars: []string{"ANSIBLE_TAP_PROM_PER_HOST"}},
			&cli.StringFlag{Name: "otlp-endpoint", Usage: "export traces, metrics and each event as a log record (its jsonl line) over OTLP to this collector `URL` (else OTEL_EXPORTER_OTLP_ENDPOINT; OTEL_LOGS_EXPORTER=none: no logs)", EnvVars: []string{"ANSIBLE_TAP_OTLP_ENDPOINT"}},
			&cli.StringFlag{Name: "otlp-protocol", Usage: "OTLP `PROTOCOL`: http/protobuf or grpc (else OTEL_EXPORTER_OTLP_PROTOCOL, default http/protobuf)", EnvVars: []string{"ANSIBLE_TAP_OTLP_PROTOCOL"}},
			&cli.DurationFlag{Name: "metrics-timeout", Value: metrics.DefaultTimeout, Usage: "at the end, wait at most `DURATION` for the Pushgateway and the OTLP collector", EnvVars: []string{"ANSIBLE_TAP_METRICS_TIMEOUT"}},
		},
		handlers: metricsHandlers,
	}
}

func metricsHandlers(c *cli.Context, env *outputEnv) ([]event.Handler, error) {
	timeout := c.Duration("metrics-timeout")
	if timeout <= 0 {
		return nil, usagef("--metrics-timeout: must be positive, got %s", timeout)
	}
	labels, err := metrics.ParseLabels(c.StringSlice("prom-label"))
	if err != nil {
		return nil, usagef("--prom-label: %v", err)
	}
	file, pushURL := c.String("prom-file"), c.String("prom-push") // checkOutputFiles has checked file
	if pushURL != "" {
		if err := metrics.ValidatePushURL(pushURL); err != nil {
			return nil, usagef("--prom-push: %v", err)
		}
	}
	log := env.Log.With().Str("component", "metrics").Logger()
	var handlers []event.Handler
	if file != "" || pushURL != "" {
		handlers = append(handlers, metrics.NewProm(metrics.PromOptions{
			File: file, PushURL: pushURL, Labels: labels, PerHost: c.Bool("prom-per-host"),
			Timeout: timeout, Stop: env.Stop, Compared: env.Compared, Log: log,
		}))
	}
	if p := c.String("otlp-protocol"); p != "" && p != metrics.ProtocolHTTP && p != metrics.ProtocolGRPC {
		return nil, usagef("--otlp-protocol: %q: want %s or %s", p, metrics.ProtocolHTTP, metrics.ProtocolGRPC)
	}
	endpoint := c.String("otlp-endpoint")
	if endpoint != "" {
		if err := metrics.ValidateOTLPEndpoint(endpoint); err != nil {
			return nil, usagef("--otlp-endpoint: %v", err)
		}
	}
	otlp, err := metrics.NewOTLP(metrics.OTLPOptions{
		Endpoint: endpoint, Protocol: c.String("otlp-protocol"), Redact: env.Redact, Timeout: timeout, Stop: env.Stop,
		Compared: env.Compared, Log: log,
	})
	if err != nil {
		return nil, usagef("OTLP: %v", err)
	}
	if otlp != nil {
		handlers = append(handlers, otlp)
	}
	return handlers, nil
}
