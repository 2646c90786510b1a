package event

import (
	"encoding/json"
	"time"
)

// The wire format of an event line, as one table: every top-level field of
// ansible-tap's callback, of the stock ansible.posix.jsonl callback and of
// ansible-tap's own records, with where its value goes. A field that the
// Event takes as it is goes straight into the Event (wireEvent.event); the
// others are read into wireEvent, from which fromWire completes it.
// Both the fast path and encoding/json read through this table (fields).
var wireFields = newFields(
	nameField("_event", func(w *wireEvent) *string { return &w.kind }),
	readBy("_timestamp", func(w *wireEvent) *string { return &w.timestamp }, (*Decoder).scanTimestamp),
	readBy("playbook", func(w *wireEvent) **Playbook { return &w.event().Playbook }, orNull((*Decoder).scanPlaybook)),
	readBy("play", func(w *wireEvent) **wirePlay { return &w.play }, orNull((*Decoder).scanPlay)),
	readBy("task", func(w *wireEvent) **wireTask { return &w.task }, (*Decoder).scanTask),
	nameField("host", func(w *wireEvent) *string { return &w.event().Host }),
	readBy("hosts", func(w *wireEvent) *map[string]json.RawMessage { return &w.hosts }, orNull((*Decoder).scanHosts)),
	textField("item", func(w *wireEvent) *jsonText { return (*jsonText)(&w.event().Item) }),
	boolField("ignore_errors", func(w *wireEvent) *bool { return &w.ignoreErrors }),
	boolField("rescued", func(w *wireEvent) *bool { return &w.rescued }),
	boolField("ignore_unreachable", func(w *wireEvent) *bool { return &w.event().IgnoreUnreachable }),
	boolField("no_log", func(w *wireEvent) *bool { return &w.event().NoLog }),
	boolField("meta", func(w *wireEvent) *bool { return &w.event().Meta }),
	boolField("include", func(w *wireEvent) *bool { return &w.event().IsInclude }),
	boolField("loop", func(w *wireEvent) *bool { return &w.event().Loop }),
	stringField("delegated_to", func(w *wireEvent) *string { return &w.event().DelegatedTo }),
	stringField("delegated_host", func(w *wireEvent) *string { return &w.event().DelegatedHost }),
	intField("attempts", func(w *wireEvent) *int { return &w.attempts }),
	intField("retries", func(w *wireEvent) *int { return &w.retries }),
	jsonField("handler", func(w *wireEvent) **wireHandler { return &w.handler }),
	jsonField("included_file", func(w *wireEvent) **wireInclude { return &w.includedFile }),
	stringField("diff_text", func(w *wireEvent) *string { return &w.event().DiffText }),
	readBy("stats", func(w *wireEvent) *map[string]HostCounts { return &w.event().Stats }, orNull((*Decoder).scanStats)),
	readBy("custom_stats", func(w *wireEvent) *map[string]json.RawMessage { return &w.event().CustomStats }, (*Decoder).scanCustomStats),
	readBy("global_custom_stats", func(w *wireEvent) *json.RawMessage { return &w.event().GlobalCustomStats }, (*Decoder).scanGlobalCustomStats),
	jsonField("plays", func(w *wireEvent) *[]docPlay { return &w.plays }),
	jsonField("exit_code", func(w *wireEvent) **int { return &w.exitCode }),
	jsonField("interrupted", func(w *wireEvent) **bool { return &w.interrupted }),
	boolField("console", func(w *wireEvent) *bool { return &w.console }),
	jsonField("summary", func(w *wireEvent) **bool { return &w.summary }),
	stringField("stream", func(w *wireEvent) *string { return &w.stream }),
	stringField("data", func(w *wireEvent) *string { return &w.data }),
	stringField("data_base64", func(w *wireEvent) *string { return &w.dataBase64 }),
	stringField("hook", func(w *wireEvent) *string { return &w.hook }),
	stringField("error", func(w *wireEvent) *string { return &w.hookError }),
	stringField("encode_error", func(w *wireEvent) *string { return &w.encodeError }),
)

// wireEvent is one line of the stream, in either the stock or ansible-tap's
// schema, as wireFields reads it.
type wireEvent struct {
	// ev is the Event, made when the first field it takes as it is (host,
	// flags, playbook, stats…) is read.
	ev *Event

	kind      string    // _event
	timestamp string    // _timestamp, unless the fast path read it as at
	at        time.Time // _timestamp, read as a time
	play      *wirePlay
	// The task object decoded; or, from the fast path, the Task of a task
	// object seen before byte for byte (knownTask), and the bytes of a new
	// one (taskObject).
	task       *wireTask
	knownTask  *Task
	taskObject []byte
	// The results by host; or, from the fast path, the one host's result.
	hosts      map[string]json.RawMessage
	resultHost string
	result     *decodedResult

	ignoreErrors, rescued bool // a failure's disposition
	attempts, retries     int  // a retry's count and limit
	handler               *wireHandler
	includedFile          *wireInclude
	plays                 []docPlay // a stock JSON document on one line

	exitCode    *int   // RunEndEvent
	interrupted *bool  // RunEndEvent
	console     bool   // RunStartEvent
	summary     *bool  // RunStartEvent
	stream      string // ConsoleEvent
	data        string // ConsoleEvent
	dataBase64  string // ConsoleEvent
	hook        string // DiagnosticEvent
	hookError   string // DiagnosticEvent
	encodeError string // an event whose result could not be encoded
}

// event returns the Event of the line, which the fields that it takes as
// they are go into.
func (w *wireEvent) event() *Event {
	if w.ev == nil {
		w.ev = new(Event)
	}
	return w.ev
}

// time is the line's _timestamp: as the fast path read it, else parsed.
func (w *wireEvent) time() time.Time {
	if !w.at.IsZero() {
		return w.at
	}
	return parseTime(w.timestamp)
}

// wireHandler is the handler a HandlerNotified event names.
type wireHandler struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// wireInclude is the file an Include event includes, and for which hosts.
type wireInclude struct {
	Path  string   `json:"path"`
	Hosts []string `json:"hosts"`
}

type wireDuration struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type wirePlay struct {
	Play
	Duration wireDuration `json:"duration"`
}

type wireTask struct {
	Task
	Duration wireDuration `json:"duration"`
}

// The return values that ansible-tap reads from a host's result, as one
// table. A value that the Result takes as it is goes straight into it.
var resultFields = newFields(
	flagField("changed", func(r *wireResult) *flexBool { return (*flexBool)(&r.Changed) }),
	flagField("failed", func(r *wireResult) *flexBool { return (*flexBool)(&r.Failed) }),
	flagField("skipped", func(r *wireResult) *flexBool { return (*flexBool)(&r.Skipped) }),
	flagField("unreachable", func(r *wireResult) *flexBool { return (*flexBool)(&r.Unreachable) }),
	textField("msg", func(r *wireResult) *jsonText { return (*jsonText)(&r.Msg) }),
	stringField("skip_reason", func(r *wireResult) *string { return &r.SkipReason }),
	textField("stderr", func(r *wireResult) *jsonText { return (*jsonText)(&r.Stderr) }),
	readBy("rc", func(r *wireResult) **int { return &r.RC }, scanRC),
	intField("attempts", func(r *wireResult) *int { return &r.Attempts }),
	intField("retries", func(r *wireResult) *int { return &r.Retries }),
	nameField("action", func(r *wireResult) *string { return &r.action }),
	rawField("item", func(r *wireResult) *lineJSON { return &r.item }),
	rawField("_ansible_item_label", func(r *wireResult) *lineJSON { return &r.label }),
)

// wireResult is a host's result as resultFields reads it.
type wireResult struct {
	Result      // the return values it takes as they are
	action      string
	item, label lineJSON // the loop item, and its label
}

// flexBool reads a JSON boolean, and the strings and numbers that modules
// sometimes return in its place.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	*b = flexBool(isTrueish(data))
	return nil
}

// jsonText reads a JSON value as text (textOf): a string as itself,
// anything else as its compact JSON.
type jsonText string

func (t *jsonText) UnmarshalJSON(data []byte) error {
	*t = jsonText(textOf(data))
	return nil
}

// lineJSON is a value's JSON text, which the fast path leaves in the line:
// it is only valid until the next line is read.
type lineJSON []byte

func (r *lineJSON) UnmarshalJSON(data []byte) error {
	*r = append((*r)[:0], data...)
	return nil
}
