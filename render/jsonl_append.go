package render

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
func appendRecord(b []byte, r *Record, scratch *stringEncoder) ([]byte, bool) {
	if r.Stats != nil || r.CustomStats != nil || r.GlobalCustomStats != nil || r.IncludedHosts != nil ||
		r.ExitCode != nil || r.Outcome != "" || r.Interrupted || r.DurationSec != nil || r.Totals != nil {
		return b, false
	}
	b = append(b, `{"schema_version":`...)
	b = strconv.AppendInt(b, int64(r.SchemaVersion), 10)
	b = appendField(b, `,"timestamp":`, r.Timestamp, scratch)
	b = appendField(b, `,"event_type":`, r.EventType, scratch)
	b = appendField(b, `,"event":`, r.Event, scratch)
	b = appendNonEmpty(b, `,"playbook":`, r.Playbook, scratch)
	b = appendNonEmpty(b, `,"play":`, r.Play, scratch)
	b = appendNonEmpty(b, `,"play_id":`, r.PlayID, scratch)
	b = appendNonEmpty(b, `,"task":`, r.Task, scratch)
	b = appendNonEmpty(b, `,"task_id":`, r.TaskID, scratch)
	b = appendNonEmpty(b, `,"task_path":`, r.TaskPath, scratch)
	b = appendNonEmpty(b, `,"task_action":`, r.TaskAction, scratch)
	if r.IsHandler {
		b = append(b, `,"is_handler":true`...)
	}
	b = appendNonEmpty(b, `,"host":`, r.Host, scratch)
	b = appendNonEmpty(b, `,"delegated_to":`, r.DelegatedTo, scratch)
	b = appendNonEmpty(b, `,"delegated_host":`, r.DelegatedHost, scratch)
	b = appendNonEmpty(b, `,"status":`, string(r.Status), scratch)
	if r.Changed != nil {
		b = append(b, `,"changed":`...)
		b = strconv.AppendBool(b, *r.Changed)
	}
	b = appendNonEmpty(b, `,"disposition":`, string(r.Disposition), scratch)
	b = appendNonEmpty(b, `,"item":`, r.Item, scratch)
	b = appendNonEmpty(b, `,"msg":`, r.Msg, scratch)
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
	b = appendNonEmpty(b, `,"diff":`, r.Diff, scratch)
	b = appendNonEmpty(b, `,"handler":`, r.Handler, scratch)
	b = appendNonEmpty(b, `,"included_file":`, r.IncludedFile, scratch)
	return append(b, '}'), true
}

func appendNonEmpty(b []byte, key, s string, scratch *stringEncoder) []byte {
	if s == "" {
		return b
	}
	return appendField(b, key, s, scratch)
}

func appendField(b []byte, key, s string, scratch *stringEncoder) []byte {
	return scratch.appendString(append(b, key...), s)
}

// plainJSONByte marks the bytes encoding/json writes in a string as they are.
var plainJSONByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringEncoder writes JSON strings: plain ASCII ones itself, any other
// through encoding/json, so that escapes, invalid UTF-8 and U+2028 come
// out as encoding/json writes them.
type stringEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newStringEncoder() *stringEncoder {
	s := &stringEncoder{}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}

func (s *stringEncoder) appendString(b []byte, v string) []byte {
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
	s.buf.Reset()
	s.enc.Encode(v) // a string always encodes
	return append(b, bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))...)
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
