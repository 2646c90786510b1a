package event

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// shrinker rewrites a line that holds one JSON object too long to hold
// into a line of at most about half the limit, reading it once, in pieces,
// in constant memory. The event keeps its identity: every top-level field
// of the callbacks' schemas (its kind, time, playbook, play, task, host,
// ignore_errors, rescued, no_log…), and in each host's result the return
// values that ansible-tap reads (changed, failed, skipped, unreachable, rc,
// msg, stderr, skip_reason…). The rest is bulk, written while the line is
// under a quarter of the limit. Strings longer than a sixteenth of the
// limit keep their start. Whatever is left out is noted where it was:
// a cut string ends with "…[truncated N bytes]", an array ends with that
// string, an object with a member "…" that says it, N being the bytes of
// the input left out. Past half the limit nothing more is written, so that
// no input, however long or hostile, makes the line grow further.
type shrinker struct {
	src  *lineSource
	out  []byte
	str  int // the longest string or number kept, in bytes of its JSON text
	bulk int // the line's length from which only identity is written
	hard int // the line's length from which nothing more is written
	// closing is what closing the open objects and arrays may add to the
	// line: a bracket and a note each.
	closing int
}

// closeCost is the most that closing an object or array adds: its bracket
// and the member that notes what it left out, `,"…":"…[truncated N bytes]"`.
const closeCost = 64

// setLimit sets the shrinker's bounds for a line limit.
func (s *shrinker) setLimit(limit int) {
	s.str, s.bulk, s.hard = max(limit/16, 64), limit/4, limit/2
}

// maxScalar bounds the longest number kept; a longer one becomes a note.
const maxScalar = 1 << 10

// role is what a JSON value is in the callbacks' schema, which says which
// of its members are identity.
type role uint8

const (
	roleOther  role = iota
	roleLine        // the line's object
	roleHosts       // its "hosts": results by host
	roleResult      // one host's result
	roleRead        // a return value that ansible-tap reads
)

// member returns the role of the value of a member named key (nil for an
// element of an array) in a value of role r, and whether it is identity.
// An identity value's members are identity too, but for a result's: those
// are identity by name, and theirs bulk, so that a long message before a
// return code leaves it room.
func member(r role, key []byte, keep bool) (role, bool) {
	switch r {
	case roleLine:
		switch wireFields.nameOf(key) {
		case "hosts":
			return roleHosts, true
		case "plays": // a stock ansible.posix.json document on one line
			return roleOther, false
		}
		return roleOther, true
	case roleHosts:
		return roleResult, true
	case roleResult: // the return values that ansible-tap reads
		if resultFields.find(key) >= 0 {
			return roleRead, true
		}
		return roleOther, false
	case roleRead:
		return roleOther, false
	}
	return roleOther, keep
}

// line reads the line's object, and reports whether the line is that one
// object and nothing else.
func (s *shrinker) line() bool {
	s.skipSpace()
	if c, ok := s.peek(); !ok || c != '{' {
		return false
	}
	if !s.object(0, roleLine, true) {
		return false
	}
	s.skipSpace()
	_, more := s.peek()
	return !more
}

// fits reports whether another value may be written: identity up to the
// hard bound, bulk up to the bulk one.
func (s *shrinker) fits(keep bool) bool {
	n := len(s.out) + s.closing
	return n < s.hard && (keep || n < s.bulk)
}

// peek returns the next byte of the line; false at its end.
func (s *shrinker) peek() (byte, bool) {
	b := s.src.avail()
	if len(b) == 0 || b[0] == '\n' {
		return 0, false
	}
	return b[0], true
}

func (s *shrinker) skipSpace() {
	for {
		b := s.src.avail()
		i := 0
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r') {
			i++
		}
		s.src.consume(i)
		if i < len(b) || len(b) == 0 {
			return
		}
	}
}

// expect reads the byte c.
func (s *shrinker) expect(c byte) bool {
	s.skipSpace()
	if got, ok := s.peek(); !ok || got != c {
		return false
	}
	s.src.consume(1)
	return true
}

func (s *shrinker) value(depth int, r role, keep, base64 bool) bool {
	c, ok := s.peek()
	if !ok {
		return false
	}
	if depth >= jsonscan.MaxDepth && (c == '{' || c == '[') {
		start := s.src.n
		if !s.skipValue() {
			return false
		}
		s.out = appendTruncatedString(s.out, s.src.n-start)
		return true
	}
	switch c {
	case '{':
		return s.object(depth, r, keep)
	case '[':
		return s.array(depth, r, keep)
	case '"':
		return s.string(s.str, base64)
	}
	return s.scalar()
}

func (s *shrinker) object(depth int, r role, keep bool) bool {
	s.src.consume(1)
	s.out = append(s.out, '{')
	s.closing += closeCost
	defer func() { s.closing -= closeCost }()
	s.skipSpace()
	if c, ok := s.peek(); ok && c == '}' {
		s.src.consume(1)
		s.out = append(s.out, '}')
		return true
	}
	written := 0
	var left int64
	for {
		s.skipSpace()
		start, mark := s.src.n, len(s.out)
		if written > 0 {
			s.out = append(s.out, ',')
		}
		if c, ok := s.peek(); !ok || c != '"' {
			return false
		}
		keyAt := len(s.out)
		if !s.string(s.str, false) {
			return false
		}
		var key []byte
		if raw := s.out[keyAt+1 : len(s.out)-1]; bytes.IndexByte(raw, '\\') < 0 && jsonscan.IsASCII(raw) {
			key = raw
		}
		childRole, childKeep := member(r, key, keep)
		base64 := r == roleLine && string(key) == "data_base64"
		if !s.expect(':') {
			return false
		}
		s.skipSpace()
		if s.fits(childKeep) {
			s.out = append(s.out, ':')
			if !s.value(depth+1, childRole, childKeep, base64) {
				return false
			}
			written++
		} else {
			s.out = s.out[:mark]
			if !s.skipValue() {
				return false
			}
			left += s.src.n - start
		}
		s.skipSpace()
		c, ok := s.peek()
		if !ok || c != ',' && c != '}' {
			return false
		}
		s.src.consume(1)
		if c == '}' {
			break
		}
	}
	if left > 0 {
		if written > 0 {
			s.out = append(s.out, ',')
		}
		s.out = append(s.out, `"…":`...)
		s.out = appendTruncatedString(s.out, left)
	}
	s.out = append(s.out, '}')
	return true
}

func (s *shrinker) array(depth int, r role, keep bool) bool {
	s.src.consume(1)
	s.out = append(s.out, '[')
	s.closing += closeCost
	defer func() { s.closing -= closeCost }()
	s.skipSpace()
	if c, ok := s.peek(); ok && c == ']' {
		s.src.consume(1)
		s.out = append(s.out, ']')
		return true
	}
	written := 0
	var left int64
	for {
		s.skipSpace()
		start := s.src.n
		childRole, childKeep := member(r, nil, keep)
		if left == 0 && s.fits(childKeep) {
			if written > 0 {
				s.out = append(s.out, ',')
			}
			if !s.value(depth+1, childRole, childKeep, false) {
				return false
			}
			written++
		} else {
			if !s.skipValue() {
				return false
			}
			left += s.src.n - start
		}
		s.skipSpace()
		c, ok := s.peek()
		if !ok || c != ',' && c != ']' {
			return false
		}
		s.src.consume(1)
		if c == ']' {
			break
		}
	}
	if left > 0 {
		if written > 0 {
			s.out = append(s.out, ',')
		}
		s.out = appendTruncatedString(s.out, left)
	}
	s.out = append(s.out, ']')
	return true
}

// string copies the string at the source, its content cut at limit bytes
// of JSON text (at a multiple of 4 for base64), on a character boundary.
func (s *shrinker) string(limit int, base64 bool) bool {
	s.src.consume(1)
	s.out = append(s.out, '"')
	start := len(s.out)
	var total int64
	escaped := false
	for {
		b := s.src.avail()
		if len(b) == 0 {
			return false
		}
		i := 0
		for i < len(b) {
			c := b[i]
			if c < 0x20 { // a control character, or the end of the line
				return false
			}
			if escaped {
				escaped = false
			} else if c == '\\' {
				escaped = true
			} else if c == '"' {
				break
			}
			i++
		}
		if kept := len(s.out) - start; kept < limit {
			s.out = append(s.out, b[:min(i, limit-kept)]...)
		}
		total += int64(i)
		closed := i < len(b)
		s.src.consume(i)
		if closed {
			s.src.consume(1)
			break
		}
	}
	if kept := len(s.out) - start; total > int64(kept) {
		kept = safeCut(s.out[start:], base64)
		s.out = appendTruncated(s.out[:start+kept], total-int64(kept))
	}
	s.out = append(s.out, '"')
	return true
}

// safeCut returns the longest prefix of a string's JSON text that ends
// neither inside an escape, a surrogate pair or a UTF-8 sequence, nor, for
// base64, inside a group of 4.
func safeCut(b []byte, base64 bool) int {
	i := 0
	for i < len(b) {
		n := 1
		switch c := b[i]; {
		case c == '\\':
			n = 2
			if i+1 < len(b) && b[i+1] == 'u' {
				n = 6
				if i+4 <= len(b) && isHighSurrogate(b[i+2], b[i+3]) {
					n = 12 // kept with the low surrogate after it
				}
			}
		case c >= utf8.RuneSelf:
			if !utf8.FullRune(b[i:]) {
				n = len(b) - i + 1
			} else {
				_, n = utf8.DecodeRune(b[i:])
			}
		}
		if i+n > len(b) {
			break
		}
		i += n
	}
	if base64 {
		i -= i % 4
	}
	return i
}

// scalar copies a number or literal; a number longer than a string may be
// becomes a note of its length.
func (s *shrinker) scalar() bool {
	var whole [maxScalar]byte
	buf := whole[:min(len(whole), s.str)]
	n := 0
	var total int64
	for {
		b := s.src.avail()
		i := 0
		for i < len(b) && isScalarByte(b[i]) {
			i++
		}
		if n < len(buf) {
			n += copy(buf[n:], b[:i])
		}
		total += int64(i)
		s.src.consume(i)
		if i < len(b) || len(b) == 0 {
			break
		}
	}
	switch {
	case total == 0:
		return false
	case total > int64(len(buf)):
		if buf[0] != '-' && (buf[0] < '0' || buf[0] > '9') {
			return false
		}
		s.out = appendTruncatedString(s.out, total)
		return true
	case !json.Valid(buf[:n]):
		return false
	}
	s.out = append(s.out, buf[:n]...)
	return true
}

// isHighSurrogate reports whether \u escapes that begin with the hex
// digits a and b (\uD800 to \uDBFF) are the first half of a surrogate pair.
func isHighSurrogate(a, b byte) bool {
	return (a == 'd' || a == 'D') && (b >= '8' && b <= '9' || b >= 'a' && b <= 'b' || b >= 'A' && b <= 'B')
}

func isScalarByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.'
}

// skipValue reads the value at the source and drops it. It checks only
// that strings end and brackets balance: what it drops need not be valid.
func (s *shrinker) skipValue() bool {
	depth := 0
	inString, escaped, started := false, false, false
	for {
		b := s.src.avail()
		if len(b) == 0 {
			return !inString && depth == 0 && started
		}
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c == '\n' {
				s.src.consume(i)
				return !inString && depth == 0 && started
			}
			if inString {
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
					if depth == 0 {
						s.src.consume(i + 1)
						return true
					}
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth == 0 {
					s.src.consume(i)
					return started
				}
				if depth--; depth == 0 {
					s.src.consume(i + 1)
					return true
				}
			case ',', ' ', '\t', '\r':
				if depth == 0 {
					s.src.consume(i)
					return started
				}
			}
			started = true
		}
		s.src.consume(len(b))
	}
}

// appendTruncatedString appends the note that left bytes were left out, as
// a JSON string.
func appendTruncatedString(b []byte, left int64) []byte {
	return append(appendTruncated(append(b, '"'), left), '"')
}
