// Package jsonscan is a strict JSON scanner over one line of bytes: it
// walks a value once, checks its grammar as json.Valid does, and lets the
// caller read the members it wants in place. It accepts a subset of what
// encoding/json accepts (it nests at most MaxDepth deep) and reports
// anything else as not ok, so that a caller can fall back to encoding/json,
// which then decides.
package jsonscan

import (
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// MaxDepth is how deeply the scanner nests before it gives up and lets
// encoding/json decide (whose own limit is 10000).
const MaxDepth = 1000

// plainStringByte marks the bytes that may stand in a JSON string as
// themselves: not a quote, a backslash or a control character.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// SkipString scans the string that starts with the quote at b[i]. It
// returns the index after the closing quote and whether the string holds
// escapes.
func SkipString(b []byte, i int) (end int, escaped, ok bool) {
	i++
	for {
		i = nextSpecial(b, i)
		if i >= len(b) {
			return 0, false, false
		}
		switch b[i] {
		case '"':
			return i + 1, escaped, true
		case '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		default: // a control character
			return 0, false, false
		}
	}
}

// nextSpecial returns the index of the first byte at or after i of a
// string that cannot stand in it as itself, or len(b): eight bytes at a
// time, then byte by byte for the last few.
func nextSpecial(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if special := specialBytes(binary.LittleEndian.Uint64(b[i:])); special != 0 {
			return i + int(uint(bits.TrailingZeros64(special))>>3)
		}
	}
	for i < len(b) && plainStringByte[b[i]] {
		i++
	}
	return i
}

// specialBytes marks, in eight bytes of a string read as a little-endian
// word, the bytes that cannot stand in it as themselves (a quote, a
// backslash, a control character) with their high bit: the lowest mark is
// the first such byte, exactly (a mark above it may be false, as a borrow
// runs up from it).
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	control := (x - 0x20*ones) &^ x & highs // bytes below 0x20
	quote := x ^ '"'*ones
	backslash := x ^ '\\'*ones
	return control | (quote-ones)&^quote&highs | (backslash-ones)&^backslash&highs
}

func isHex4(h []byte) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// skipNumber scans the number that starts at b[i].
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// SkipValue scans the value that starts at b[i] (no white space before it)
// and returns the index after it.
func SkipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		end, _, ok := SkipString(b, i)
		return end, ok
	case c == '{':
		return EachMember(b, i, depth, func(_ []byte, _ bool, v int) (int, bool) {
			return SkipValue(b, v, depth+1)
		})
	case c == '[':
		return skipArray(b, i, depth)
	case c == 't':
		return SkipLiteral(b, i, "true")
	case c == 'f':
		return SkipLiteral(b, i, "false")
	case c == 'n':
		return SkipLiteral(b, i, "null")
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	}
	return 0, false
}

// SkipLiteral scans the literal lit (true, false or null) at b[i].
func SkipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

func skipArray(b []byte, i, depth int) (int, bool) {
	return EachElement(b, i, depth, func(v int) (int, bool) {
		return SkipValue(b, v, depth+1)
	})
}

// EachElement scans the array that starts at b[i] and calls element for
// each of its elements, in order, with the index where it starts. element
// scans the value and returns the index after it.
func EachElement(b []byte, i, depth int, element func(v int) (int, bool)) (int, bool) {
	if depth >= MaxDepth {
		return 0, false
	}
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok, done bool
		if i, ok = element(i); !ok {
			return 0, false
		}
		if i, done, ok = afterElement(b, i, ']'); !ok || done {
			return i, ok
		}
	}
}

// afterElement reads what follows an element of an array or a member of
// an object: a comma, and returns where the next one starts, or the
// closing bracket, and returns the index after it with done.
func afterElement(b []byte, i int, closing byte) (next int, done, ok bool) {
	i = SkipSpace(b, i)
	if i < len(b) {
		switch b[i] {
		case ',':
			return SkipSpace(b, i+1), false, true
		case closing:
			return i + 1, true, true
		}
	}
	return 0, false, false
}

// EachMember scans the object that starts at b[i] and calls member for each
// of its members, in order, with the key's bytes between the quotes,
// whether they hold escapes, and the index where the value starts. member
// scans the value and returns the index after it.
func EachMember(b []byte, i, depth int, member func(key []byte, escaped bool, v int) (int, bool)) (int, bool) {
	if depth >= MaxDepth {
		return 0, false
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, escaped, ok := SkipString(b, i)
		if !ok {
			return 0, false
		}
		key := b[i+1 : end-1]
		i = SkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i, ok = member(key, escaped, SkipSpace(b, i+1)); !ok {
			return 0, false
		}
		var done bool
		if i, done, ok = afterElement(b, i, '}'); !ok || done {
			return i, ok
		}
	}
}

// PlainKey reports whether a key can only name a field as itself, up to
// ASCII letter case: it has no escapes and only ASCII bytes (encoding/json
// also folds some other letters onto ASCII ones).
func PlainKey(key []byte, escaped bool) bool { return !escaped && IsASCII(key) }

// IsASCII reports whether s holds only ASCII bytes.
func IsASCII(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ReadString reads the string or null that starts at b[i], as encoding/json
// would into a string; null reads as "", which is what encoding/json leaves
// in a string field that was empty.
func ReadString(b []byte, i int) (s string, end int, ok bool) {
	if i < len(b) && b[i] == 'n' {
		end, ok = SkipLiteral(b, i, "null")
		return "", end, ok
	}
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	end, escaped, ok := SkipString(b, i)
	if !ok {
		return "", 0, false
	}
	s, ok = Unquote(b[i+1:end-1], escaped)
	return s, end, ok
}

// Unquote returns the text of a scanned string's bytes between its quotes,
// as encoding/json decodes it.
func Unquote(raw []byte, escaped bool) (string, bool) {
	if !escaped && utf8.Valid(raw) {
		return string(raw), true
	}
	var s string
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	return s, json.Unmarshal(quoted, &s) == nil
}

// ReadBool reads the boolean or null that starts at b[i].
func ReadBool(b []byte, i int) (v bool, end int, ok bool) {
	if i < len(b) {
		switch b[i] {
		case 't':
			end, ok = SkipLiteral(b, i, "true")
			return true, end, ok
		case 'f':
			end, ok = SkipLiteral(b, i, "false")
			return false, end, ok
		case 'n':
			end, ok = SkipLiteral(b, i, "null")
			return false, end, ok
		}
	}
	return false, 0, false
}

// maxIntDigits is the most digits an int always holds.
var maxIntDigits = map[int]int{32: 9, 64: 18}[strconv.IntSize]

// ReadInt reads the integer or null that starts at b[i], as encoding/json
// would into an int: a fraction, an exponent or an overflow is not ok.
func ReadInt(b []byte, i int) (v int, null bool, end int, ok bool) {
	if i < len(b) && b[i] == 'n' {
		end, ok = SkipLiteral(b, i, "null")
		return 0, true, end, ok
	}
	end, ok = skipNumber(b, i)
	if !ok {
		return 0, false, 0, false
	}
	digits := b[i:end]
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) > maxIntDigits { // near the limits: let strconv check the overflow
		n, err := strconv.ParseInt(string(b[i:end]), 10, 0)
		return int(n), false, end, err == nil
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' { // a fraction or an exponent
			return 0, false, 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, false, end, true
}

// Compact reports whether raw is one valid JSON value with no white space
// outside its strings: what an encoding/json Encoder with SetEscapeHTML(false)
// writes for it as a json.RawMessage is then raw itself.
func Compact(raw []byte) bool {
	end, ok := SkipValue(raw, 0, 0)
	if !ok || end != len(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			i, _, _ = SkipString(raw, i)
			i--
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return true
}
