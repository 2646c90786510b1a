package metrics

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"

	"github.com/ansible-tap/ansible-tap/event"
)

// attrEvent is the log attribute naming the event: the jsonl event_type.
const attrEvent = "ansible.event"

// eventSeverity is the severity of an event's log record: ERROR for a
// host's fatal failure or unreachable host, WARN for a failure that is
// ignored or rescued and for a failed loop item or async poll (whose host
// result tells what became of it), INFO for everything else.
func eventSeverity(ev *event.Event) log.Severity {
	if ev.Kind.IsHostResult() {
		switch ev.Status() {
		case event.StatusFailed, event.StatusUnreachable:
			return log.SeverityError
		case event.StatusIgnored, event.StatusRescued:
			return log.SeverityWarn
		}
		return log.SeverityInfo
	}
	if ev.Kind == event.ItemFailed || ev.Kind == event.AsyncFailed {
		return log.SeverityWarn
	}
	return log.SeverityInfo
}

// eventAttributes are the attributes of an event's log record, for
// filtering in the log store without parsing the body: the event, the
// playbook, and the play, task, host and status when the event has them.
func eventAttributes(ev *event.Event, playbook string) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs, attribute.String(attrEvent, string(ev.Kind)), attribute.String(string(attrPlaybook), playbook))
	if ev.Play != nil && ev.Play.Name != "" {
		attrs = append(attrs, attribute.String(string(attrPlay), ev.Play.Name))
	}
	if ev.Task != nil {
		attrs = append(attrs, attribute.String(string(attrTaskName), ev.Task.Name))
	}
	if ev.Host != "" {
		attrs = append(attrs, attribute.String(string(attrHost), ev.Host))
	}
	if ev.Result != nil && (ev.Kind.IsHostResult() || ev.Kind.IsItem()) {
		attrs = append(attrs, attribute.String(string(attrStatus), string(ev.Status())))
	}
	return attrs
}

// runEndSeverity is the severity of the run_end record, from the run's
// outcome: ERROR when it failed, WARN when it was interrupted without a
// failure, INFO when it succeeded.
func runEndSeverity(s *event.Summary) log.Severity {
	switch s.Outcome() {
	case event.OutcomeFailed:
		return log.SeverityError
	case event.OutcomeInterrupted:
		return log.SeverityWarn
	}
	return log.SeverityInfo
}

// runEndAttributes are the attributes of the run_end record.
func runEndAttributes(s *event.Summary, playbook string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String(attrEvent, event.JSONLRunEnd), attribute.String(string(attrPlaybook), playbook),
		attribute.String(string(attrOutcome), string(s.Outcome())), attribute.Int(string(attrExitCode), s.ExitCode),
	}
}
