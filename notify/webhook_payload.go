package notify

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// SchemaVersion is the version of the webhook payloads. It changes when a
// field is removed or changes meaning; new fields may appear at any time.
const SchemaVersion = 1

// The event types of webhook payloads.
const (
	EventPlaybookStart = "playbook_start"
	EventPlayStart     = "play_start"
	EventTaskStart     = "task_start"
	EventTaskResult    = "task_result"
	EventItemResult    = "item_result"
	EventTaskRetry     = "task_retry"
	EventPlaybookEnd   = "playbook_end"
)

// Envelope is the JSON body of every webhook delivery.
type Envelope struct {
	SchemaVersion int    `json:"schema_version"`
	EventType     string `json:"event_type"`
	PlaybookID    string `json:"playbook_id"`
	PlaybookName  string `json:"playbook_name"`
	// Sequence numbers the run's payloads from 1, in the order of the
	// events; deliveries run in parallel, so receivers order by it.
	Sequence  int64  `json:"sequence"`
	Timestamp string `json:"timestamp"` // RFC 3339, UTC
	Data      any    `json:"data"`
}

// EventData is the data of every event type but playbook_end.
type EventData struct {
	Kind        string            `json:"kind"`
	Playbook    *PlaybookInfo     `json:"playbook,omitempty"`
	Play        *PlayInfo         `json:"play,omitempty"`
	Task        *TaskInfo         `json:"task,omitempty"`
	Host        string            `json:"host,omitempty"`
	Status      event.Status      `json:"status,omitempty"`
	Disposition event.Disposition `json:"disposition,omitempty"`
	Changed     bool              `json:"changed"`
	Message     string            `json:"message,omitempty"`
	Item        string            `json:"item,omitempty"`
	NoLog       bool              `json:"no_log,omitempty"`
	// Result is the module's return values with secret keys redacted;
	// absent for no_log results.
	Result any `json:"result,omitempty"`
}

// PlaybookInfo describes the playbook on playbook_start.
type PlaybookInfo struct {
	Path           string `json:"path"`
	Check          bool   `json:"check,omitempty"`
	Diff           bool   `json:"diff,omitempty"`
	AnsibleVersion string `json:"ansible_version,omitempty"`
}

// PlayInfo names a play.
type PlayInfo struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// TaskInfo names a task.
type TaskInfo struct {
	ID      string `json:"id,omitempty"`
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"` // file:line
	Action  string `json:"action,omitempty"`
	Handler bool   `json:"handler,omitempty"`
}

// SummaryData is the data of playbook_end.
type SummaryData struct {
	Outcome         event.Outcome               `json:"outcome"` // ok, changed, failed, interrupted
	ExitCode        int                         `json:"exit_code"`
	Interrupted     bool                        `json:"interrupted"`
	DurationSeconds float64                     `json:"duration_seconds"`
	Totals          event.HostCounts            `json:"totals"`
	Hosts           map[string]event.HostCounts `json:"hosts"`
	Failures        []FailureInfo               `json:"failures"`
}

// FailureInfo is one fatal failure or unreachable host.
type FailureInfo struct {
	Host        string    `json:"host"`
	Play        *PlayInfo `json:"play,omitempty"`
	Task        *TaskInfo `json:"task,omitempty"`
	Message     string    `json:"message,omitempty"`
	Unreachable bool      `json:"unreachable"`
}

func playInfo(p *event.Play) *PlayInfo {
	if p == nil {
		return nil
	}
	return &PlayInfo{ID: p.ID, Name: p.Name}
}

func taskInfo(t *event.Task) *TaskInfo {
	if t == nil {
		return nil
	}
	return &TaskInfo{ID: t.ID, Name: t.Name, Path: t.Path, Action: t.Action, Handler: t.Handler}
}

// summaryData is the playbook_end data of a finished run.
func summaryData(s *event.Summary) SummaryData {
	d := SummaryData{
		Outcome:         s.Outcome(),
		ExitCode:        s.ExitCode,
		Interrupted:     s.Interrupted,
		DurationSeconds: s.Duration().Round(time.Millisecond).Seconds(),
		Totals:          s.Totals(),
		Hosts:           make(map[string]event.HostCounts),
		Failures:        []FailureInfo{},
	}
	for _, h := range s.RecapHosts() {
		d.Hosts[h] = s.Recap(h)
	}
	for _, f := range s.FatalFailures() {
		d.Failures = append(d.Failures, FailureInfo{
			Host: f.Host, Play: playInfo(f.Play), Task: taskInfo(f.Task),
			Message: f.Message, Unreachable: f.Unreachable,
		})
	}
	return d
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// encodeEvent is the JSON of env with data d, d's Result being result: as
// json.Marshal encodes it, but a result of megabytes is compacted once
// into a body made to its size rather than through encoding/json's
// buffer, which grows by doubling and stays pooled. A result with
// characters that encoding/json escapes for HTML takes encoding/json's
// way, so the body is the same byte for byte.
func encodeEvent(env Envelope, d EventData, result json.RawMessage) ([]byte, error) {
	if len(result) == 0 || escapedForHTML(result) {
		if len(result) > 0 {
			d.Result = result
		}
		env.Data = d
		return json.Marshal(env)
	}
	env.Data = d // without its result, the last member of the data
	head, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	const member = `,"result":`
	body := bytes.NewBuffer(make([]byte, 0, len(head)+len(member)+len(result)))
	body.Write(head[:len(head)-2]) // up to the closing braces of the data and the envelope
	body.WriteString(member)
	if err := json.Compact(body, result); err != nil {
		return nil, err
	}
	body.WriteString("}}")
	return body.Bytes(), nil
}

// escapedForHTML reports whether encoding/json escapes some of raw's
// characters for HTML: <, >, &, U+2028 and U+2029.
func escapedForHTML(raw []byte) bool {
	return bytes.ContainsAny(raw, "<>&") || bytes.Contains(raw, []byte("\u2028")) || bytes.Contains(raw, []byte("\u2029"))
}
