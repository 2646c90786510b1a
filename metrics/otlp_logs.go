package metrics

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// eventLogs sends each event of a run, and the run's end, as an OTLP log
// record whose body is the line --format=jsonl prints for it, redacted as
// the webhook's payloads are (redact.ResultOf). Records go through a
// logBatcher: emitting one never waits on the network, and when the
// collector cannot keep up its queue, bounded in records
// (OTEL_BLRP_MAX_QUEUE_SIZE, 2048 by default) and in bytes
// (DefaultLogQueueBytes, the export in progress included), drops the
// oldest, which are counted.
type eventLogs struct {
	provider *sdklog.LoggerProvider
	logger   log.Logger
	exporter *countingExporter
	enc      *event.JSONLEncoder
	redactor *redact.Redactor
	playbook playbookName

	emitted     atomic.Int64
	unencodable atomic.Int64
}

// newEventLogs returns the log output that exports through exp, its
// records queued and batched as cfg says; playbook names the playbook
// when the run never reports one; redactor hides what the webhook hides.
func newEventLogs(exp sdklog.Exporter, res *resource.Resource, cfg logBatchConfig, playbook string, redactor *redact.Redactor) *eventLogs {
	counted := &countingExporter{Exporter: exp}
	provider := sdklog.NewLoggerProvider(sdklog.WithResource(res),
		sdklog.WithProcessor(newLogBatcher(counted, cfg)),
		// The attributes' keys are distinct by construction: the SDK need
		// not look for duplicates, a good share of the cost of a record.
		sdklog.WithAllowKeyDuplication())
	return &eventLogs{
		provider: provider,
		logger:   provider.Logger(instrumentation),
		exporter: counted,
		enc:      event.NewJSONLEncoder(),
		redactor: redactor,
		playbook: playbookName{fallback: playbook},
	}
}

// event emits the record of ev; ctx carries the span the event belongs to.
func (l *eventLogs) event(ctx context.Context, ev *event.Event, s *event.Summary) {
	sev := eventSeverity(ev)
	attrs := eventAttributes(ev, l.playbook.of(s))
	l.emit(ctx, l.redacted(event.NewJSONLRecord(ev, s), ev), ev.Time, sev, attrs)
}

// redacted applies the rule of every network output to the jsonl record
// r of ev: nothing of a no_log result (its item, values and diff; the
// record already leaves out its message), and no value under a secret
// key, in results, loop items and custom stats.
func (l *eventLogs) redacted(r *event.JSONLRecord, ev *event.Event) *event.JSONLRecord {
	shown := redact.ResultOf(ev).Redact(l.redactor)
	r.Item, r.Result, r.Diff = shown.Item, shown.Values, shown.Diff
	if len(r.CustomStats) > 0 {
		stats := make(map[string]json.RawMessage, len(r.CustomStats))
		for host, v := range r.CustomStats {
			stats[host] = l.redactor.JSON(v)
		}
		r.CustomStats = stats
	}
	r.GlobalCustomStats = l.redactor.JSON(r.GlobalCustomStats)
	return r
}

// runEnd emits the run_end record of the run in s; ctx carries the
// playbook's span.
func (l *eventLogs) runEnd(ctx context.Context, s *event.Summary) {
	at := s.End
	if at.IsZero() {
		at = time.Now()
	}
	r := event.NewJSONLRunEnd(s, at)
	l.emit(ctx, r, at, runEndSeverity(s), runEndAttributes(s, l.playbook.of(s)))
}

func (l *eventLogs) emit(ctx context.Context, r *event.JSONLRecord, at time.Time, sev log.Severity, attrs []attribute.KeyValue) {
	line, err := l.enc.Line(r)
	if err != nil { // a result Go cannot encode again: jsonl could not print it either
		l.unencodable.Add(1)
		return
	}
	var rec log.Record
	if !at.IsZero() {
		rec.SetTimestamp(at)
	}
	rec.SetSeverity(sev)
	rec.SetSeverityText(sev.String())
	rec.SetBody(attribute.StringValue(strings.TrimSuffix(string(line), "\n")))
	rec.AddAttributes(attrs...)
	l.emitted.Add(1)
	l.logger.Emit(ctx, rec)
}

// shutdown exports what the batch processor still holds, within ctx.
func (l *eventLogs) shutdown(ctx context.Context) error {
	return l.provider.Shutdown(ctx)
}

// delivery counts the records so far.
func (l *eventLogs) delivery() logsDelivery {
	return logsDelivery{
		Emitted:     l.emitted.Load(),
		Exported:    l.exporter.exported.Load(),
		Failed:      l.exporter.failed.Load(),
		Unencodable: l.unencodable.Load(),
	}
}

// playbookName is the ansible.playbook attribute of a run's records,
// worked out once per playbook path.
type playbookName struct {
	fallback string
	path     string
	label    string
	known    bool
}

func (p *playbookName) of(s *event.Summary) string {
	path := playbookPath(s)
	if !p.known || path != p.path {
		p.path, p.label, p.known = path, PlaybookLabel(path, p.fallback), true
	}
	return p.label
}
