package event

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// appendRecord appends r's jsonl line without its newline, byte for byte
// what encoding/json writes for it with HTML escaping off, for the records
// of events (not run_end, stats or includes, which Line leaves to
// encoding/json); ok is false for those, or when a value needs
// encoding/json to be written as it would write it.
func (e *JSONLEncoder) appendRecord(b []byte, r *JSONLRecord) ([]byte, bool) {
	if r.Stats != nil || r.CustomStats != nil || r.GlobalCustomStats != nil || r.IncludedHosts != nil ||
		r.ExitCode != nil || r.Outcome != "" || r.Interrupted || r.DurationSec != nil || r.Totals != nil {
		return b, false
	}
	b = append(b, `{"schema_version":`...)
	b = strconv.AppendInt(b, int64(r.SchemaVersion), 10)
	b = e.appendField(b, `,"timestamp":`, r.Timestamp)
	b = e.appendField(b, `,"event_type":`, r.EventType)
	b = e.appendField(b, `,"event":`, r.Event)
	b = e.appendNonEmpty(b, `,"playbook":`, r.Playbook)
	b = e.appendNonEmpty(b, `,"play":`, r.Play)
	b = e.appendNonEmpty(b, `,"play_id":`, r.PlayID)
	b = e.appendNonEmpty(b, `,"task":`, r.Task)
	b = e.appendNonEmpty(b, `,"task_id":`, r.TaskID)
	b = e.appendNonEmpty(b, `,"task_path":`, r.TaskPath)
	b = e.appendNonEmpty(b, `,"task_action":`, r.TaskAction)
	if r.IsHandler {
		b = append(b, `,"is_handler":true`...)
	}
	b = e.appendNonEmpty(b, `,"host":`, r.Host)
	b = e.appendNonEmpty(b, `,"delegated_to":`, r.DelegatedTo)
	b = e.appendNonEmpty(b, `,"delegated_host":`, r.DelegatedHost)
	b = e.appendNonEmpty(b, `,"status":`, string(r.Status))
	if r.Changed != nil {
		b = append(b, `,"changed":`...)
		b = strconv.AppendBool(b, *r.Changed)
	}
	b = e.appendNonEmpty(b, `,"disposition":`, string(r.Disposition))
	b = e.appendNonEmpty(b, `,"item":`, r.Item)
	b = e.appendNonEmpty(b, `,"msg":`, r.Msg)
	if r.NoLog {
		b = append(b, `,"no_log":true`...)
	}
	if r.Attempts != 0 {
		b = append(b, `,"attempts":`...)
		b = strconv.AppendInt(b, int64(r.Attempts), 10)
	}
	if r.Retries != 0 {
		b = append(b, `,"retries":`...)
		b = strconv.AppendInt(b, int64(r.Retries), 10)
	}
	if len(r.Result) > 0 {
		b = append(b, `,"result":`...)
		var ok bool
		if b, ok = appendCompactJSON(b, r.Result); !ok {
			return b, false
		}
	}
	if r.Truncated != 0 {
		b = append(b, `,"truncated":`...)
		b = strconv.AppendInt(b, r.Truncated, 10)
	}
	b = e.appendNonEmpty(b, `,"diff":`, r.Diff)
	b = e.appendNonEmpty(b, `,"handler":`, r.Handler)
	b = e.appendNonEmpty(b, `,"included_file":`, r.IncludedFile)
	return append(b, '}'), true
}

func (e *JSONLEncoder) appendNonEmpty(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return e.appendField(b, key, s)
}

func (e *JSONLEncoder) appendField(b []byte, key, s string) []byte {
	return e.appendString(append(b, key...), s)
}

// plainJSONByte marks the bytes encoding/json writes in a string as they are.
var plainJSONByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString writes a JSON string: a plain ASCII one itself, any other
// through the encoder of Line, so that escapes, invalid UTF-8 and U+2028
// come out as encoding/json writes them.
func (e *JSONLEncoder) appendString(b []byte, v string) []byte {
	plain := true
	for i := 0; i < len(v); i++ {
		if !plainJSONByte[v[i]] {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '"')
		b = append(b, v...)
		return append(b, '"')
	}
	e.buf.Reset()
	e.enc.Encode(v) // a string always encodes
	return append(b, bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))...)
}

// appendCompactJSON appends a JSON value as an encoding/json Encoder with
// SetEscapeHTML(false) writes a json.RawMessage: compacted. ok is false when it is not valid JSON.
func appendCompactJSON(b, raw []byte) ([]byte, bool) {
	if jsonscan.Compact(raw) {
		return append(b, raw...), true
	}
	var out bytes.Buffer
	if json.Compact(&out, raw) != nil {
		return b, false
	}
	return append(b, out.Bytes()...), true
}
