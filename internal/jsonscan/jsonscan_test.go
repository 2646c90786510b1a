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
