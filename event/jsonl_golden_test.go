package event

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// jsonlClock dates the run_end record of a run without events.
var jsonlClock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// jsonlLines is a Handler that writes what --format=jsonl prints: each
// event's record, then the run_end record.
type jsonlLines struct {
	out bytes.Buffer
	enc *JSONLEncoder
}

func (j *jsonlLines) Event(ev *Event, s *Summary) error {
	return j.write(NewJSONLRecord(ev, s))
}

func (j *jsonlLines) Finish(s *Summary) error { return j.write(NewJSONLRunEnd(s, jsonlClock)) }

func (j *jsonlLines) write(r *JSONLRecord) error {
	line, err := j.enc.Line(r)
	if err == nil {
		j.out.Write(line)
	}
	return err
}

// TestJSONLGolden writes the public jsonl records of every recorded stream
// of ../testdata/streams and compares them with
// testdata/golden/NAME.jsonl.golden: the schema of --format=jsonl, field by
// field and byte for byte.
func TestJSONLGolden(t *testing.T) {
	for _, stream := range golden.Streams(t, 1) {
		name := strings.TrimSuffix(filepath.Base(stream), ".jsonl")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(stream)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			j := &jsonlLines{enc: NewJSONLEncoder()}
			if _, err := Replay(f, j, io.Discard, zerolog.Nop()); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", name+".jsonl.golden"), j.out.Bytes())
		})
	}
}

// TestJSONLGoldenLongLines writes the records of the recorded run of
// long_output.yml read with a line limit of 4 KiB, which its two long
// results and the loop's result, with both items, exceed: their records
// keep their host, task and status whole, their output cut and marked, and
// say in "truncated" how many bytes were left out.
func TestJSONLGoldenLongLines(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "streams", "long_output.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewDecoder(f)
	d.MaxLine = 4 << 10
	j := &jsonlLines{enc: NewJSONLEncoder()}
	if _, err := ReplayDecoder(d, j); err != nil {
		t.Fatal(err)
	}
	out := j.out.String()
	for _, want := range []string{`"status":"changed"`, `"status":"ignored"`, `…[truncated `} {
		if n := strings.Count(out, want); n == 0 {
			t.Errorf("no %s in the records", want)
		}
	}
	if n := strings.Count(out, `"truncated":`); n != 3 {
		t.Errorf("%d records marked truncated, want the 3 longer than the limit", n)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "long_output.4KiB.jsonl.golden"), j.out.Bytes())
}
