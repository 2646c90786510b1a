package notify

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// encodeEvent makes the body that encoding/json makes of the envelope
// with the result in its data, byte for byte.
func TestEncodeEventAsEncodingJSON(t *testing.T) {
	env := Envelope{SchemaVersion: SchemaVersion, EventType: EventTaskResult, PlaybookID: "id", PlaybookName: "site.yml",
		Sequence: 7, Timestamp: "2026-01-02T03:04:05.000006Z"}
	d := EventData{Kind: "runner_on_ok", Play: &PlayInfo{Name: "p"}, Task: &TaskInfo{Name: "t", Path: "site.yml:3"},
		Host: "web01", Status: "changed", Changed: true, Message: "done <now>"}
	for _, tc := range []struct {
		name   string
		result string
	}{
		{"no result", ""},
		{"a compact result", `{"changed":true,"stdout":"hello","rc":0}`},
		{"a result with spaces", "{ \"stdout_lines\" : [ \"a\", \"b\" ],\n \"rc\": 0 }"},
		{"characters escaped for HTML", `{"stdout":"<b>a & b</b>"}`},
		{"line separators", "{\"stdout\":\"a\u2028b\u2029c\"}"},
		{"escapes already", `{"stdout":"\u003c\"quoted\"\\path\n"}`},
		{"a large result", `{"stdout":"` + strings.Repeat("a line of output\\n", 100_000) + `"}`},
		{"not an object", `["a",1,null]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			with := d
			if tc.result != "" {
				with.Result = json.RawMessage(tc.result)
			}
			whole := env
			whole.Data = with
			want, err := json.Marshal(whole)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeEvent(env, d, json.RawMessage(tc.result))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("encodeEvent:\n%.300s\nwant encoding/json's:\n%.300s", got, want)
			}
		})
	}
	if _, err := encodeEvent(env, d, json.RawMessage(`{"a":`)); err == nil {
		t.Error("a result that is not JSON was encoded")
	}
}
