package metrics

import (
	"context"
	"sync/atomic"

	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// countingExporter counts the log records the batch processor hands to
// the OTLP exporter, and whether the exporter delivered them.
type countingExporter struct {
	sdklog.Exporter
	exported, failed atomic.Int64
}

// Export exports records and counts them as exported or failed.
func (c *countingExporter) Export(ctx context.Context, records []sdklog.Record) error {
	err := c.Exporter.Export(ctx, records)
	if err != nil {
		c.failed.Add(int64(len(records)))
	} else {
		c.exported.Add(int64(len(records)))
	}
	return err
}

// logsDelivery counts the log records of a run. Emitted records went to
// the batch processor; Exported ones reached the collector; Failed ones
// were sent, but the collector refused them or did not answer in time.
// Unencodable events had a result that cannot be written as JSON and
// were not emitted.
type logsDelivery struct {
	Emitted, Exported, Failed, Unencodable int64
}

// Dropped is the number of records never sent: the processor's queue was
// full and dropped them, or the flush at the end ran out of time first.
func (d logsDelivery) Dropped() int64 { return d.Emitted - d.Exported - d.Failed }

// Lost is the number of records that did not reach the collector.
func (d logsDelivery) Lost() int64 { return d.Emitted - d.Exported + d.Unencodable }
