package event

import (
	"bytes"
	"encoding/json"
	"time"
)

// JSONLSchemaVersion is the version of the --format=jsonl schema. It changes
// only when a field is removed or changes meaning.
const JSONLSchemaVersion = 1

// JSONLRunEnd is the event_type of the last line, written when the run has ended.
const JSONLRunEnd = "run_end"

// JSONLRecord is one line of --format=jsonl, the public record of an event
// (NewJSONLRecord) or of the run's end (NewJSONLRunEnd). Its field names
// follow the classic JSON-output callbacks: timestamp, event_type, play,
// task, host, changed, result.
type JSONLRecord struct {
	SchemaVersion int    `json:"schema_version"`
	Timestamp     string `json:"timestamp"`
	EventType     string `json:"event_type"`
	Event         string `json:"event"` // the same as event_type, for short jq filters

	Playbook   string `json:"playbook,omitempty"`
	Play       string `json:"play,omitempty"`
	PlayID     string `json:"play_id,omitempty"`
	Task       string `json:"task,omitempty"`
	TaskID     string `json:"task_id,omitempty"`
	TaskPath   string `json:"task_path,omitempty"`
	TaskAction string `json:"task_action,omitempty"`
	IsHandler  bool   `json:"is_handler,omitempty"`
	Host       string `json:"host,omitempty"`
	// DelegatedTo is the host a delegated result ran on, and DelegatedHost
	// the address Ansible resolved it to, when it names one.
	DelegatedTo   string `json:"delegated_to,omitempty"`
	DelegatedHost string `json:"delegated_host,omitempty"`

	Status      Status          `json:"status,omitempty"`
	Changed     *bool           `json:"changed,omitempty"`
	Disposition Disposition     `json:"disposition,omitempty"`
	Item        string          `json:"item,omitempty"`
	Msg         string          `json:"msg,omitempty"`
	NoLog       bool            `json:"no_log,omitempty"`
	Attempts    int             `json:"attempts,omitempty"`
	Retries     int             `json:"retries,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"`
	// Truncated counts the bytes of the event's line left out: it was
	// longer than the line limit, so its longest values were cut, each
	// marked where it was cut (Event.Truncated).
	Truncated int64 `json:"truncated,omitempty"`

	Diff          string   `json:"diff,omitempty"`
	Handler       string   `json:"handler,omitempty"`
	IncludedFile  string   `json:"included_file,omitempty"`
	IncludedHosts []string `json:"included_hosts,omitempty"`

	Stats             map[string]HostCounts      `json:"stats,omitempty"`
	CustomStats       map[string]json.RawMessage `json:"custom_stats,omitempty"`
	GlobalCustomStats json.RawMessage            `json:"global_custom_stats,omitempty"`

	// run_end only
	ExitCode    *int        `json:"exit_code,omitempty"`
	Outcome     Outcome     `json:"outcome,omitempty"`
	Interrupted bool        `json:"interrupted,omitempty"`
	DurationSec *float64    `json:"duration_seconds,omitempty"`
	Totals      *HostCounts `json:"totals,omitempty"`
}

// JSONLEncoder encodes records as the lines of --format=jsonl. Every
// output that sends those lines elsewhere (OTLP logs, for one) encodes
// with it, so that they all carry the same bytes. It is not safe for
// concurrent use.
type JSONLEncoder struct {
	buf  bytes.Buffer
	enc  *json.Encoder // into buf, for whole records and awkward strings
	line []byte
}

// NewJSONLEncoder returns an encoder of jsonl lines.
func NewJSONLEncoder() *JSONLEncoder {
	e := &JSONLEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// Line returns the jsonl line of r, its newline included. The slice is
// only valid until the next call.
func (e *JSONLEncoder) Line(r *JSONLRecord) ([]byte, error) {
	if line, ok := e.appendRecord(e.line[:0], r); ok {
		e.line = append(line, '\n')
		return e.line, nil
	}
	e.buf.Reset()
	if err := e.enc.Encode(r); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

// NewJSONLRunEnd returns the run_end record of the run in s, which has
// ended; now is its time when the run's end is not known.
func NewJSONLRunEnd(s *Summary, now time.Time) *JSONLRecord {
	code := s.ExitCode
	dur := s.Duration().Seconds()
	totals := s.Totals()
	ts := s.End
	if ts.IsZero() {
		ts = now
	}
	r := &JSONLRecord{
		SchemaVersion: JSONLSchemaVersion, Timestamp: jsonlTime(ts), EventType: JSONLRunEnd, Event: JSONLRunEnd,
		ExitCode: &code, Outcome: s.Outcome(), Interrupted: s.Interrupted, DurationSec: &dur, Totals: &totals,
	}
	if s.Playbook != nil {
		r.Playbook = s.Playbook.Path
	}
	return r
}

// NewJSONLRecord returns the jsonl record of ev.
func NewJSONLRecord(ev *Event, s *Summary) *JSONLRecord {
	r := &JSONLRecord{
		SchemaVersion: JSONLSchemaVersion,
		Timestamp:     jsonlTime(ev.Time),
		EventType:     string(ev.Kind),
		Event:         string(ev.Kind),
		Host:          ev.Host,
		DelegatedTo:   ev.DelegatedTo,
		DelegatedHost: ev.DelegatedHost,
		Item:          ev.Item,
		NoLog:         ev.NoLog,
		Disposition:   ev.Disposition,
		Diff:          ev.DiffText,
		Handler:       ev.Handler,
		IncludedFile:  ev.IncludedFile,
		IncludedHosts: ev.IncludeHosts,
		Stats:         ev.Stats,
		CustomStats:   ev.CustomStats,
		Truncated:     ev.Truncated,
	}
	if s != nil && s.Playbook != nil {
		r.Playbook = s.Playbook.Path
	}
	if ev.Playbook != nil {
		r.Playbook = ev.Playbook.Path
	}
	if ev.Play != nil {
		r.Play, r.PlayID = ev.Play.Name, ev.Play.ID
	}
	if ev.Task != nil {
		r.Task, r.TaskID, r.TaskPath, r.TaskAction, r.IsHandler = ev.Task.Name, ev.Task.ID, ev.Task.Path, ev.Task.Action, ev.Task.Handler
	}
	if len(ev.GlobalCustomStats) > 0 && string(ev.GlobalCustomStats) != "{}" {
		r.GlobalCustomStats = ev.GlobalCustomStats
	}
	if res := ev.Result; res != nil {
		changed := res.Changed
		r.Changed = &changed
		r.Result = res.Raw
		r.Attempts, r.Retries = res.Attempts, res.Retries
		if ev.Kind.IsHostResult() || ev.Kind.IsItem() {
			r.Status = ev.Status()
		}
		if !ev.NoLog && r.Status != StatusOK && r.Status != StatusChanged {
			r.Msg = res.Message()
		}
	}
	return r
}

// jsonlTime writes a record's timestamp: RFC 3339 in UTC, to the
// nanosecond it has; "" for no time.
func jsonlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
