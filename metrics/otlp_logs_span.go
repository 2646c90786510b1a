package metrics

import (
	"context"

	"github.com/ansible-tap/ansible-tap/event"
	"go.opentelemetry.io/otel/trace"
)

// spanRecorder is the tracer of the span tree: it remembers the context of
// the latest span it started, so that an event's log record can carry the
// span the event made (a host result's host span, a task start's task
// span, a play start's play span).
type spanRecorder struct {
	trace.Tracer
	last context.Context
}

// Start starts a span and remembers its context.
func (r *spanRecorder) Start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	ctx, span := r.Tracer.Start(ctx, name, opts...)
	r.last = ctx
	return ctx, span
}

// eventContext passes ev to the span tree and returns the context of the
// span the event belongs to: the span it made, else its task's open span,
// else its play's, else the playbook's, else the caller's. A log record
// emitted with it carries that span's trace and span IDs.
func eventContext(t *spanTree, rec *spanRecorder, ev *event.Event, s *event.Summary) context.Context {
	rec.last = nil
	t.event(ev, s)
	if rec.last != nil {
		return rec.last
	}
	if ev.Task != nil {
		if ts, ok := t.tasks[ev.Task.ID]; ok {
			return ts.ctx
		}
	}
	if t.playCtx != nil {
		return t.playCtx
	}
	return runContext(t)
}

// runContext returns the context of the playbook span, or the caller's
// before the playbook span starts.
func runContext(t *spanTree) context.Context {
	if t.rootCtx != nil {
		return t.rootCtx
	}
	return t.parent
}
