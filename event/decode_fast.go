package event

import (
	"encoding/json"
	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
	"time"
)

// The decoder's fast path reads an event line in one pass with the scanner
// of internal/jsonscan. It decodes only what the Event holds, keeps a result as
// its raw bytes with the few return values ansible-tap reads, and reuses
// the Task of a task object it has seen before byte for byte. It fills the
// same wireEvent as encoding/json would; whenever a line is anything but
// the plain shapes the callbacks write (a key with escapes, a field of an
// unexpected type, a repeated key), it reports not ok and the line is
// decoded by encoding/json, so both paths always agree (FuzzFastDecoder).

// The top-level fields the fast path reads. Their order is their bit in
// the mask of fields seen.
const (
	fieldEvent = iota
	fieldTimestamp
	fieldPlaybook
	fieldPlay
	fieldTask
	fieldHost
	fieldHosts
	fieldItem
	fieldIgnoreErrors
	fieldRescued
	fieldIgnoreUnreachable
	fieldNoLog
	fieldMeta
	fieldInclude
	fieldLoop
	fieldDelegatedTo
	fieldDelegatedHost
	fieldAttempts
	fieldRetries
	fieldHandler
	fieldIncludedFile
	fieldDiffText
	fieldStats
	fieldCustomStats
	fieldGlobalCustomStats
	fieldPlays
	fieldExitCode
	fieldInterrupted
	fieldConsole
	fieldSummary
	fieldStream
	fieldData
	fieldDataBase64
	fieldHook
	fieldError
	fieldEncodeError
	fieldCount
)

// The fields seen are bits of a uint64.
var _ [64 - fieldCount]struct{}

// wireField returns the fast-path field of a lower-case JSON name of
// wireEvent, or -1.
func wireField(name []byte) int {
	switch string(name) {
	case "_event":
		return fieldEvent
	case "_timestamp":
		return fieldTimestamp
	case "playbook":
		return fieldPlaybook
	case "play":
		return fieldPlay
	case "task":
		return fieldTask
	case "host":
		return fieldHost
	case "hosts":
		return fieldHosts
	case "item":
		return fieldItem
	case "ignore_errors":
		return fieldIgnoreErrors
	case "rescued":
		return fieldRescued
	case "ignore_unreachable":
		return fieldIgnoreUnreachable
	case "no_log":
		return fieldNoLog
	case "meta":
		return fieldMeta
	case "include":
		return fieldInclude
	case "loop":
		return fieldLoop
	case "delegated_to":
		return fieldDelegatedTo
	case "delegated_host":
		return fieldDelegatedHost
	case "attempts":
		return fieldAttempts
	case "retries":
		return fieldRetries
	case "handler":
		return fieldHandler
	case "included_file":
		return fieldIncludedFile
	case "diff_text":
		return fieldDiffText
	case "stats":
		return fieldStats
	case "custom_stats":
		return fieldCustomStats
	case "global_custom_stats":
		return fieldGlobalCustomStats
	case "plays":
		return fieldPlays
	case "exit_code":
		return fieldExitCode
	case "interrupted":
		return fieldInterrupted
	case "console":
		return fieldConsole
	case "summary":
		return fieldSummary
	case "stream":
		return fieldStream
	case "data":
		return fieldData
	case "data_base64":
		return fieldDataBase64
	case "hook":
		return fieldHook
	case "error":
		return fieldError
	case "encode_error":
		return fieldEncodeError
	}
	return -1
}

// lowerKey writes a plain key in lower case into buf; ok is false when it
// is longer than any field name.
func lowerKey(buf *[24]byte, key []byte) ([]byte, bool) {
	if len(key) > len(buf) {
		return nil, false
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return buf[:len(key)], true
}

// scanWire fills w from an event line; false means encoding/json must.
func (d *Decoder) scanWire(line []byte, w *wireEvent) bool {
	i := jsonscan.SkipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return false
	}
	var seen uint64
	var buf [24]byte
	end, ok := jsonscan.EachMember(line, i, 0, func(key []byte, escaped bool, v int) (int, bool) {
		if !jsonscan.PlainKey(key, escaped) {
			return 0, false
		}
		field := -1
		if lower, ok := lowerKey(&buf, key); ok {
			field = wireField(lower)
		}
		if field < 0 {
			return jsonscan.SkipValue(line, v, 1)
		}
		if seen&(1<<field) != 0 {
			return 0, false
		}
		seen |= 1 << field
		return d.scanField(line, v, field, w)
	})
	return ok && jsonscan.SkipSpace(line, end) == len(line)
}

// scanField reads the value of one top-level field at b[v] into w.
func (d *Decoder) scanField(b []byte, v, field int, w *wireEvent) (int, bool) {
	switch field {
	case fieldEvent:
		return d.scanNameTo(b, v, &w.Event)
	case fieldTimestamp:
		return scanTimestampTo(b, v, w)
	case fieldHost:
		return d.scanNameTo(b, v, &w.Host)
	case fieldDelegatedTo:
		return scanStringTo(b, v, &w.DelegatedTo)
	case fieldDelegatedHost:
		return scanStringTo(b, v, &w.DelegatedHost)
	case fieldDiffText:
		return scanStringTo(b, v, &w.DiffText)
	case fieldStream:
		return scanStringTo(b, v, &w.Stream)
	case fieldData:
		return scanStringTo(b, v, &w.Data)
	case fieldDataBase64:
		return scanStringTo(b, v, &w.DataBase64)
	case fieldHook:
		return scanStringTo(b, v, &w.Hook)
	case fieldError:
		return scanStringTo(b, v, &w.Error)
	case fieldEncodeError:
		return scanStringTo(b, v, &w.EncodeError)
	case fieldIgnoreErrors:
		return scanBoolTo(b, v, &w.IgnoreErrors)
	case fieldRescued:
		return scanBoolTo(b, v, &w.Rescued)
	case fieldIgnoreUnreachable:
		return scanBoolTo(b, v, &w.IgnoreUnreachable)
	case fieldNoLog:
		return scanBoolTo(b, v, &w.NoLog)
	case fieldMeta:
		return scanBoolTo(b, v, &w.Meta)
	case fieldInclude:
		return scanBoolTo(b, v, &w.Include)
	case fieldLoop:
		return scanBoolTo(b, v, &w.Loop)
	case fieldConsole:
		return scanBoolTo(b, v, &w.Console)
	case fieldAttempts:
		return scanIntTo(b, v, &w.Attempts)
	case fieldRetries:
		return scanIntTo(b, v, &w.Retries)
	case fieldItem:
		end, ok := jsonscan.SkipValue(b, v, 1)
		if ok {
			w.Item = b[v:end] // read before the next line
		}
		return end, ok
	case fieldTask:
		return d.scanTask(b, v, w)
	case fieldHosts:
		return d.scanHosts(b, v, w)
	case fieldPlaybook:
		return scanPlaybook(b, v, w)
	case fieldPlay:
		return d.scanPlay(b, v, w)
	case fieldHandler:
		return unmarshalAt(b, v, &w.Handler)
	case fieldIncludedFile:
		return unmarshalAt(b, v, &w.IncludedFile)
	case fieldStats:
		return d.scanStats(b, v, w)
	case fieldCustomStats:
		return scanCustomStats(b, v, w)
	case fieldGlobalCustomStats:
		return scanGlobalCustomStats(b, v, w)
	case fieldPlays:
		return unmarshalAt(b, v, &w.Plays)
	case fieldExitCode:
		return unmarshalAt(b, v, &w.ExitCode)
	case fieldInterrupted:
		return unmarshalAt(b, v, &w.Interrupted)
	case fieldSummary:
		return unmarshalAt(b, v, &w.Summary)
	}
	return 0, false
}

// unmarshalAt decodes the value at b[v] with encoding/json, for the fields
// that come once a play or a run, whose values it copies.
func unmarshalAt(b []byte, v int, into any) (int, bool) {
	end, ok := jsonscan.SkipValue(b, v, 1)
	return end, ok && json.Unmarshal(b[v:end], into) == nil
}

// scanNameTo reads a string that takes few values over a run (an event's
// kind, a host, a module), as one string value per text.
func (d *Decoder) scanNameTo(b []byte, v int, into *string) (int, bool) {
	if v < len(b) && b[v] == '"' {
		end, escaped, ok := jsonscan.SkipString(b, v)
		if ok && !escaped && jsonscan.IsASCII(b[v+1:end-1]) {
			*into = d.names.of(b[v+1 : end-1])
			return end, true
		}
	}
	return scanStringTo(b, v, into)
}

// scanTimestampTo reads the event's timestamp, as a time when it has the
// callbacks' layout, else as text for parseTime.
func scanTimestampTo(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == '"' {
		end, escaped, ok := jsonscan.SkipString(b, v)
		if ok && !escaped {
			if at, ok := parseTimestamp(b[v+1 : end-1]); ok {
				w.Timestamp, w.at = "", at
				return end, true
			}
		}
	}
	w.at = time.Time{}
	return scanStringTo(b, v, &w.Timestamp)
}

func scanStringTo(b []byte, v int, into *string) (int, bool) {
	s, end, ok := jsonscan.ReadString(b, v)
	*into = s
	return end, ok
}

func scanBoolTo(b []byte, v int, into *bool) (int, bool) {
	x, end, ok := jsonscan.ReadBool(b, v)
	*into = x
	return end, ok
}

// scanIntTo reads an int field; null leaves it as it is, as encoding/json does.
func scanIntTo(b []byte, v int, into *int) (int, bool) {
	n, null, end, ok := jsonscan.ReadInt(b, v)
	if !null {
		*into = n
	}
	return end, ok
}

// scanTask reads the task object at b[v]. A task object seen before byte
// for byte is the same Task; another is decoded by encoding/json.
func (d *Decoder) scanTask(b []byte, v int, w *wireEvent) (int, bool) {
	end, ok := jsonscan.SkipValue(b, v, 1)
	if !ok {
		return 0, false
	}
	if t, ok := d.taskObjects[string(b[v:end])]; ok {
		w.knownTask = t
		w.Task = nil
		return end, true
	}
	w.knownTask = nil
	w.Task = nil
	if json.Unmarshal(b[v:end], &w.Task) != nil {
		return 0, false
	}
	w.taskObject = b[v:end]
	return end, true
}

// scanHosts reads the hosts object at b[v]: one host and its result.
// More than one host is left to encoding/json.
func (d *Decoder) scanHosts(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	if v >= len(b) || b[v] != '{' {
		return 0, false
	}
	hosts := 0
	return jsonscan.EachMember(b, v, 1, func(key []byte, escaped bool, r int) (int, bool) {
		if hosts++; hosts > 1 {
			return 0, false
		}
		host, ok := jsonscan.Unquote(key, escaped)
		if !ok {
			return 0, false
		}
		end, result := d.scanResult(b, r)
		if result == nil {
			return 0, false
		}
		w.resultHost, w.result = host, result
		return end, true
	})
}

// The return values of a result that the fast path reads, as bits of the
// mask of fields seen.
const (
	resultChanged = 1 << iota
	resultFailed
	resultSkipped
	resultUnreachable
	resultMsg
	resultSkipReason
	resultStderr
	resultRC
	resultAttempts
	resultRetries
	resultAction
	resultItem
	resultItemLabel
)

// resultField returns the bit of a lower-case return value's name, or 0.
func resultField(name []byte) int {
	switch string(name) {
	case "changed":
		return resultChanged
	case "failed":
		return resultFailed
	case "skipped":
		return resultSkipped
	case "unreachable":
		return resultUnreachable
	case "msg":
		return resultMsg
	case "skip_reason":
		return resultSkipReason
	case "stderr":
		return resultStderr
	case "rc":
		return resultRC
	case "attempts":
		return resultAttempts
	case "retries":
		return resultRetries
	case "action":
		return resultAction
	case "item":
		return resultItem
	case "_ansible_item_label":
		return resultItemLabel
	}
	return 0
}

// scanResult reads the result at b[v] as decodeResult would; a result of
// another shape than the usual is given to decodeResult. It returns nil
// when the value is not valid JSON.
func (d *Decoder) scanResult(b []byte, v int) (int, *decodedResult) {
	if v < len(b) && b[v] == '{' {
		r := &decodedResult{}
		var w wireResult
		var seen int
		var buf [24]byte
		end, ok := jsonscan.EachMember(b, v, 2, func(key []byte, escaped bool, i int) (int, bool) {
			if !jsonscan.PlainKey(key, escaped) {
				return 0, false
			}
			field := 0
			if lower, ok := lowerKey(&buf, key); ok {
				field = resultField(lower)
			}
			if field == 0 {
				return jsonscan.SkipValue(b, i, 3)
			}
			if seen&field != 0 {
				return 0, false
			}
			seen |= field
			return d.scanResultField(b, i, field, &w)
		})
		if ok {
			r.fill(&w, b[v:end])
			return end, r
		}
	}
	end, ok := jsonscan.SkipValue(b, v, 2)
	if !ok {
		return 0, nil
	}
	return end, decodeResult(b[v:end])
}

// scanResultField reads one return value at b[i] into w.
func (d *Decoder) scanResultField(b []byte, i, field int, w *wireResult) (int, bool) {
	switch field {
	case resultSkipReason:
		return scanStringTo(b, i, &w.SkipReason)
	case resultAction:
		return d.scanNameTo(b, i, &w.Action)
	case resultAttempts:
		return scanIntTo(b, i, &w.Attempts)
	case resultRetries:
		return scanIntTo(b, i, &w.Retries)
	case resultRC:
		n, null, end, ok := jsonscan.ReadInt(b, i)
		if !null {
			w.RC = &n
		}
		return end, ok
	}
	end, ok := jsonscan.SkipValue(b, i, 3)
	if !ok {
		return 0, false
	}
	raw := b[i:end] // read before the next line
	switch field {
	case resultChanged:
		w.Changed = flexBool(isTrueish(raw))
	case resultFailed:
		w.Failed = flexBool(isTrueish(raw))
	case resultSkipped:
		w.Skipped = flexBool(isTrueish(raw))
	case resultUnreachable:
		w.Unreachable = flexBool(isTrueish(raw))
	case resultMsg:
		w.Msg = raw
	case resultStderr:
		w.Stderr = raw
	case resultItem:
		w.Item = raw
	case resultItemLabel:
		w.ItemLabel = raw
	}
	return end, true
}

// names holds one string per text for the values that repeat over a run.
// It forgets them all when it is full, so that it stays small.
type names map[string]string

// maxNames bounds a names set: hosts, modules and event kinds.
const maxNames = 16384

func (n names) of(b []byte) string {
	if s, ok := n[string(b)]; ok {
		return s
	}
	if len(n) >= maxNames {
		clear(n)
	}
	s := string(b)
	n[s] = s
	return s
}

// parseTimestamp reads a timestamp of the callbacks' layout
// (timestampLayout: 2006-01-02T15:04:05.999999999Z) as time.Parse does, or
// reports false for anything else, which parseTime then reads.
func parseTimestamp(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(b[0:4]), num(b[5:7]), num(b[8:10])
	hour, minute, second := num(b[11:13]), num(b[14:16]), num(b[17:19])
	nanos := 0
	switch frac := b[19 : len(b)-1]; {
	case len(frac) == 0:
	case frac[0] != '.' || len(frac) < 2 || len(frac) > 10:
		return time.Time{}, false
	default:
		if nanos = num(frac[1:]); nanos < 0 {
			return time.Time{}, false
		}
		for i := len(frac) - 1; i < 9; i++ {
			nanos *= 10
		}
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
		minute < 0 || minute > 59 || second < 0 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nanos, time.UTC)
	if t.Day() != day { // the 31st of a month of 30 days
		return time.Time{}, false
	}
	return t, true
}
