package metrics

import (
	"context"
	"fmt"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// spanMessageRunes bounds the error message of a host span: a failure's
// message carries its stderr, megabytes at times, and the span processor
// holds up to 2,048 spans.
const spanMessageRunes = 1000

// The span attributes.
const (
	attrPlaybook   = attribute.Key("ansible.playbook")
	attrPlay       = attribute.Key("ansible.play")
	attrStrategy   = attribute.Key("ansible.play.strategy")
	attrTaskName   = attribute.Key("ansible.task.name")
	attrTaskAction = attribute.Key("ansible.task.action")
	attrTaskPath   = attribute.Key("ansible.task.path")
	attrHandler    = attribute.Key("ansible.task.handler")
	attrHost       = attribute.Key("ansible.host")
	attrChanged    = attribute.Key("ansible.changed")
	attrStatus     = attribute.Key("ansible.status")
	attrItems      = attribute.Key("ansible.item_count")
	attrHosts      = attribute.Key("ansible.host_count")
	attrOutcome    = attribute.Key("ansible.outcome")
	attrExitCode   = attribute.Key("ansible.exit_code")
	attrIntr       = attribute.Key("ansible.interrupted")
)

// spanTree turns events into spans as they happen: the playbook, its plays,
// their tasks, and each host's result under its task. A host span is
// created and ended at once, with the times of its result; a task span ends
// when the next task starts (when the strategy is not free) or when its play
// ends, so that only the current play's tasks are ever held.
type spanTree struct {
	tracer   trace.Tracer
	parent   context.Context // carries the caller's TRACEPARENT
	playbook string          // fallback name of the playbook

	root    trace.Span
	rootCtx context.Context

	play     trace.Span
	playCtx  context.Context
	playLast time.Time
	playFail int
	free     bool

	tasks    map[string]*taskSpan // the open task spans of the current play
	lastTask *taskSpan
}

// taskSpan is an open task span with what its end needs.
type taskSpan struct {
	span  trace.Span
	ctx   context.Context
	id    string
	run   *event.TaskRun
	start time.Time
	end   time.Time
	hosts int
	fatal int
}

func newSpanTree(tracer trace.Tracer, parent context.Context, playbook string) *spanTree {
	return &spanTree{tracer: tracer, parent: parent, playbook: playbook, tasks: make(map[string]*taskSpan)}
}

// event updates the tree with ev; s has already been updated with it.
func (t *spanTree) event(ev *event.Event, s *event.Summary) {
	switch {
	case ev.Kind == event.PlaybookStart:
		t.ensureRoot(ev.Time, s)
	case ev.Kind == event.PlayStart:
		t.startPlay(ev, s)
	case ev.Kind.IsTaskStart():
		t.startTask(ev, s)
	case ev.Kind.IsHostResult():
		t.hostResult(ev, s)
	case ev.Kind == event.PlaybookStats:
		t.endPlay()
	}
	if t.play != nil && ev.Time.After(t.playLast) {
		t.playLast = ev.Time
	}
}

func (t *spanTree) ensureRoot(at time.Time, s *event.Summary) {
	if t.root != nil {
		return
	}
	name := PlaybookLabel(playbookPath(s), t.playbook)
	t.rootCtx, t.root = t.tracer.Start(t.parent, "playbook "+name,
		trace.WithTimestamp(orNow(at)), trace.WithAttributes(attrPlaybook.String(name)))
}

func (t *spanTree) startPlay(ev *event.Event, s *event.Summary) {
	t.ensureRoot(ev.Time, s)
	t.endPlay()
	name, strategy := "", ""
	if ev.Play != nil {
		name, strategy = ev.Play.Name, ev.Play.Strategy
	}
	t.free = strategy == "free"
	start := orNow(ev.Time)
	t.playCtx, t.play = t.tracer.Start(t.rootCtx, "play "+name, trace.WithTimestamp(start),
		trace.WithAttributes(attrPlay.String(name), attrStrategy.String(strategy)))
	t.playLast = start
	t.playFail = 0
}

func (t *spanTree) ensurePlay(ev *event.Event, s *event.Summary) {
	if t.play == nil {
		t.startPlay(ev, s)
	}
}

func (t *spanTree) startTask(ev *event.Event, s *event.Summary) {
	if ev.Task == nil {
		return
	}
	t.ensurePlay(ev, s)
	if !t.free && t.lastTask != nil {
		t.endTask(t.lastTask)
	}
	if open, ok := t.tasks[ev.Task.ID]; ok {
		t.endTask(open) // a task started again within the play
	}
	t.lastTask = t.openTask(ev, s.CurrentTask, orNow(ev.Time))
}

func (t *spanTree) openTask(ev *event.Event, run *event.TaskRun, start time.Time) *taskSpan {
	task := ev.Task
	kind := "task "
	if task.Handler {
		kind = "handler "
	}
	ctx, span := t.tracer.Start(t.playCtx, kind+task.Name, trace.WithTimestamp(start), trace.WithAttributes(
		attrTaskName.String(task.Name), attrTaskAction.String(task.Action),
		attrTaskPath.String(task.Path), attrHandler.Bool(task.Handler)))
	ts := &taskSpan{span: span, ctx: ctx, id: task.ID, run: run, start: start, end: start}
	t.tasks[task.ID] = ts
	return ts
}

func (t *spanTree) hostResult(ev *event.Event, s *event.Summary) {
	if ev.Task == nil {
		return
	}
	t.ensurePlay(ev, s)
	ts, ok := t.tasks[ev.Task.ID]
	if !ok { // a stream without task starts, or a late result
		run := s.TaskRun(ev.Task.ID)
		start := orNow(ev.Time)
		if run != nil && !run.Start.IsZero() {
			start = run.Start
		}
		ts = t.openTask(ev, run, start)
	}
	if ts.run == nil {
		ts.run = s.TaskRun(ev.Task.ID)
	}
	hr := event.HostResult{Host: ev.Host, Status: ev.Status(), End: ev.Time}
	if ts.run != nil && ev.Host != "" && ts.run.Last.Host == ev.Host {
		hr = ts.run.Last
	}
	start, end := hr.Start, orNow(hr.End)
	if start.IsZero() || start.After(end) {
		start = ts.start
	}
	_, span := t.tracer.Start(ts.ctx, "host "+ev.Host, trace.WithTimestamp(start), trace.WithAttributes(
		attrHost.String(ev.Host), attrTaskName.String(ev.Task.Name), attrStatus.String(string(hr.Status)),
		attrChanged.Bool(hr.Changed), attrItems.Int(hr.Items)))
	if hr.Status == event.StatusFailed || hr.Status == event.StatusUnreachable {
		msg := hr.Message
		if ev.NoLog || msg == "" {
			msg = string(hr.Status) // never the message of a no_log result
		}
		span.SetStatus(codes.Error, textcut.Runes(msg, spanMessageRunes))
		ts.fatal++
		t.playFail++
	}
	span.End(trace.WithTimestamp(end))
	ts.hosts++
	if end.After(ts.end) {
		ts.end = end
	}
}

func (t *spanTree) endTask(ts *taskSpan) {
	ts.span.SetAttributes(attrHosts.Int(ts.hosts))
	if ts.fatal > 0 {
		ts.span.SetStatus(codes.Error, fmt.Sprintf("%d host(s) failed", ts.fatal))
	}
	ts.span.End(trace.WithTimestamp(ts.end))
	delete(t.tasks, ts.id)
	if t.lastTask == ts {
		t.lastTask = nil
	}
}

func (t *spanTree) endPlay() {
	for _, ts := range t.tasks {
		t.endTask(ts)
		if ts.end.After(t.playLast) {
			t.playLast = ts.end
		}
	}
	if t.play == nil {
		return
	}
	if t.playFail > 0 {
		t.play.SetStatus(codes.Error, fmt.Sprintf("%d host result(s) failed", t.playFail))
	}
	t.play.End(trace.WithTimestamp(t.playLast))
	t.play, t.playCtx = nil, nil
}

// finish ends every open span; the playbook span carries the run's outcome.
func (t *spanTree) finish(s *event.Summary) {
	t.endPlay()
	t.ensureRoot(s.Start, s)
	outcome := s.Outcome()
	t.root.SetAttributes(attrOutcome.String(string(outcome)), attrExitCode.Int(s.ExitCode), attrIntr.Bool(s.Interrupted))
	if !outcome.Succeeded() {
		msg := string(outcome)
		if n := len(s.FatalFailures()); n > 0 {
			msg = fmt.Sprintf("%s: %d fatal failure(s)", outcome, n)
		}
		t.root.SetStatus(codes.Error, msg)
	}
	end := s.End
	if end.IsZero() {
		end = time.Now()
	}
	t.root.End(trace.WithTimestamp(end))
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
