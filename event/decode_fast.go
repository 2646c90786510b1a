package event

import (
	"encoding/json"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// The decoder's fast path reads an event line in one pass with the scanner
// of internal/jsonscan, through the tables of the wire's fields
// (decode_wire.go). It decodes only what the Event holds, keeps a result as
// its raw bytes with the few return values ansible-tap reads, and reuses
// the Task of a task object it has seen before byte for byte. It fills the
// same wireEvent as encoding/json would; whenever a line is anything but
// the plain shapes the callbacks write (a key with escapes, a field of an
// unexpected type, a repeated key), it reports not ok and the line is
// decoded by encoding/json, so both paths always agree (FuzzFastDecoder).
// This file holds the readers of the fields that are not plain strings,
// bools or ints.

// scanWire fills w, which is zero, from an event line; false means
// encoding/json must. Each field is read once (fields.scan refuses a key
// given twice), into a zero value.
func (d *Decoder) scanWire(line []byte, w *wireEvent) bool {
	end, ok := wireFields.scan(d, line, jsonscan.SkipSpace(line, 0), 0, w)
	return ok && jsonscan.SkipSpace(line, end) == len(line)
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

// scanTimestamp reads the event's timestamp, as a time when it has the
// callbacks' layout, else as text for parseTime.
func (d *Decoder) scanTimestamp(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == '"' {
		end, escaped, ok := jsonscan.SkipString(b, v)
		if ok && !escaped {
			if at, ok := parseTimestamp(b[v+1 : end-1]); ok {
				w.at = at
				return end, true
			}
		}
	}
	return scanStringTo(b, v, &w.timestamp)
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

// scanRC reads a result's return code, an int or null.
func scanRC(_ *Decoder, b []byte, v int, r *wireResult) (int, bool) {
	n, null, end, ok := jsonscan.ReadInt(b, v)
	if !null {
		r.RC = &n
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
		return end, true
	}
	if json.Unmarshal(b[v:end], &w.task) != nil {
		return 0, false
	}
	w.taskObject = b[v:end]
	return end, true
}

// scanHosts reads the hosts object at b[v]: one host and its result.
// More than one host is left to encoding/json.
func (d *Decoder) scanHosts(b []byte, v int, w *wireEvent) (int, bool) {
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

// scanResult reads the result at b[v] as decodeResult would; a result of
// another shape than the usual is given to decodeResult. It returns nil
// when the value is not valid JSON.
func (d *Decoder) scanResult(b []byte, v int) (int, *decodedResult) {
	if v < len(b) && b[v] == '{' {
		r := &decodedResult{}
		if end, ok := resultFields.scan(d, b, v, 2, &r.wireResult); ok {
			r.fill(b[v:end])
			return end, r
		}
	}
	end, ok := jsonscan.SkipValue(b, v, 2)
	if !ok {
		return 0, nil
	}
	return end, decodeResult(b[v:end])
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
