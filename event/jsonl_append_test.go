package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// encodingJSONLine is a record's line as encoding/json writes it.
func encodingJSONLine(t testing.TB, r *JSONLRecord) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRecordLinesAreEncodingJSONs checks that every record of every
// recorded stream is written byte for byte as encoding/json writes it.
func TestRecordLinesAreEncodingJSONs(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "streams", "*.jsonl"))
	stock, _ := filepath.Glob(filepath.Join("..", "testdata", "stock", "*.json*"))
	files = append(append(files, stock...), filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
	if len(files) < 20 {
		t.Fatalf("only %d recordings", len(files))
	}
	fast := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		d := NewDecoder(f)
		s := NewSummary()
		e := NewJSONLEncoder()
		for {
			ev, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			s.Add(ev)
			r := NewJSONLRecord(ev, s)
			got, err := e.Line(r)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodingJSONLine(t, r); !bytes.Equal(got, want) {
				t.Fatalf("%s: line\n%s\nwant\n%s", name, got, want)
			}
			if _, ok := NewJSONLEncoder().appendRecord(nil, r); ok {
				fast++
			}
		}
		f.Close()
		end := NewJSONLRunEnd(s, s.End)
		if got, _ := e.Line(end); !bytes.Equal(got, encodingJSONLine(t, end)) {
			t.Errorf("%s: run_end line %s", name, got)
		}
	}
	if fast == 0 {
		t.Error("no record was written by appendRecord")
	}
}

// FuzzRecordLine checks strings and raw results of every kind against
// encoding/json.
func FuzzRecordLine(f *testing.F) {
	f.Add("plain", "h\u2028\x00\"\\<&>\xff", []byte(`{"a": [1, 2.5e3, "x y"], "b" : null}`), true)
	f.Add("", "", []byte(`{}`), false)
	f.Add("tab\t", "é", []byte(`not json`), true)
	f.Fuzz(func(t *testing.T, task, msg string, raw []byte, changed bool) {
		r := &JSONLRecord{SchemaVersion: 1, Timestamp: "t", EventType: "runner_on_ok", Event: "runner_on_ok",
			Task: task, Msg: msg, Host: msg + task, Changed: &changed, Result: raw, Attempts: len(raw)}
		if changed {
			r.Truncated = int64(len(msg)) << 20
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(r)
		got, err := NewJSONLEncoder().Line(r)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("error %v, encoding/json's %v", err, wantErr)
		}
		if err == nil && !bytes.Equal(got, b.Bytes()) {
			t.Fatalf("line\n%q\nwant\n%q", got, b.Bytes())
		}
	})
}
