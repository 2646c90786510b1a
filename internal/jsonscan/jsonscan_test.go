package jsonscan

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzScanner checks the scanner against encoding/json: a value it accepts
// is valid JSON, one it reads as compact is what json.Compact writes, and
// the plain shapes of the callbacks' lines are never left to encoding/json.
func FuzzScanner(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,-2.5e+3,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9"],"b":{}}`,
		`{"a" : 1}`, `[]`, `"\ud800"`, `01`, `1.`, `-`, `{"a":1,}`, "\"\x01\"", `{"a":1}x`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		end, ok := SkipValue(raw, 0, 0)
		whole := ok && end == len(raw)
		if whole && !json.Valid(raw) {
			t.Fatalf("%q accepted, but json.Valid rejects it", raw)
		}
		if Compact(raw) {
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil || !bytes.Equal(b.Bytes(), raw) {
				t.Fatalf("%q read as compact; json.Compact writes %q (%v)", raw, b.Bytes(), err)
			}
		}
		if json.Valid(raw) && !bytes.ContainsAny(raw, " \t\r\n") && len(raw) < 2000 && !whole {
			t.Fatalf("valid %q left to encoding/json", raw)
		}
	})
}

// TestSkipStringFindsEveryByte puts each byte that ends a string's plain
// run (a quote, a backslash, a control character) at each place of a
// string, among bytes that do not (ASCII, UTF-8, 0x7f, 0xff), and checks
// that SkipString stops there as a scan byte by byte does.
func TestSkipStringFindsEveryByte(t *testing.T) {
	plain := []byte("ab\x7f\xc3\xa9\xff \x20~!#")
	for length := range 40 {
		for at := range length {
			for _, special := range []byte{'"', '\\', 0x00, 0x01, 0x1f, '\n'} {
				s := make([]byte, 0, length+3)
				s = append(s, '"')
				for i := range length {
					s = append(s, plain[(i*7+length)%len(plain)])
				}
				s[1+at] = special
				s = append(s, '"', 'x')
				end, escaped, ok := SkipString(s, 0)
				wantEnd, wantEscaped, wantOK := skipStringByteByByte(s)
				if end != wantEnd || escaped != wantEscaped || ok != wantOK {
					t.Fatalf("SkipString(%q) = %d, %v, %v; byte by byte %d, %v, %v", s, end, escaped, ok, wantEnd, wantEscaped, wantOK)
				}
			}
		}
	}
}

// skipStringByteByByte is SkipString as a plain loop over the bytes.
func skipStringByteByByte(b []byte) (end int, escaped, ok bool) {
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return 0, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					return 0, false, false
				}
				i += 5
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		}
	}
	return 0, false, false
}
