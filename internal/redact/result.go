package redact

import (
	"encoding/json"

	"github.com/ansible-tap/ansible-tap/event"
)

// Result is what of an event's result a network output may send: the one
// rule of the webhook, Slack and the OTLP logs.
type Result struct {
	// Message is the reason a user reads for the result (event.Result.Message).
	Message string
	// Item is the loop item's label.
	Item string
	// Values are the module's return values, as JSON.
	Values json.RawMessage
	// Diff is the diff of a file_diff event, as ansible-playbook prints it.
	Diff string
}

// ResultOf returns what of ev's result may leave ansible-tap, before its
// secret keys are hidden (Result.Redact does that, off the event path if
// need be): nothing at all of a no_log event, whose message, loop item,
// return values and diff stay on this machine.
func ResultOf(ev *event.Event) Result {
	if ev.NoLog {
		return Result{}
	}
	res := Result{Item: ev.Item, Diff: ev.DiffText}
	if ev.Result != nil {
		res.Message = ev.Result.Message()
		res.Values = ev.Result.Raw
	}
	return res
}

// Redact returns res with the values under secret keys hidden: in its
// return values at any depth, and in its loop item when the label is a
// dict or a list.
func (res Result) Redact(r *Redactor) Result {
	res.Values = r.JSON(res.Values)
	res.Item = r.Label(res.Item)
	return res
}
