package runner

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecoder feeds arbitrary streams to the Decoder and the Summary. It
// checks that nothing panics and that no line is lost: every non-empty input
// line comes out, in order, as an event's Raw or as text, or is counted as an
// event of an unknown kind.
func FuzzDecoder(f *testing.F) {
	for _, name := range []string{"basic.tap.jsonl", "basic.posix.jsonl", "basic.posix.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		lines("PLAY [all]", evStart, evPlay, evTask, evOK, "text", evStats),
		lines("{", evStart, evStats),
		lines(`{"_event":"v2_runner_on_new"}`, `{"_event":5}`, `{"plays":[]}`, evStats),
		lines(evStart, `{"_event":"v2_runner_on_failed","task":{"id":"t1"},"host":"h","hosts":{"h":"not an object"}}`),
		evStart + "\r\n\r\n" + evOK[:20],
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer // text and raw events, in the order they came out
		d := NewDecoder(bytes.NewReader(data))
		d.Text = &out
		s := NewSummary()
		fromDocument := false
		for {
			ev, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if ev.Raw == nil {
				fromDocument = true
			} else {
				out.Write(ev.Raw)
				out.WriteByte('\n')
			}
			s.Add(ev)
			ev.Status()
			if ev.Result != nil {
				ev.Result.Message()
			}
		}
		s.Interrupted = !s.Complete
		s.ExitCode = impliedExitCode(s)
		s.Totals()
		s.Outcome()
		s.FatalFailures()
		s.Slowest(3)
		s.Duration()
		for _, h := range s.RecapHosts() {
			s.Recap(h)
		}

		in := nonEmptyLines(data)
		var got [][]byte
		for _, l := range bytes.Split(out.Bytes(), []byte("\n")) {
			if len(l) > 0 {
				got = append(got, l)
			}
		}
		// got must be a subsequence of in.
		i := 0
		for _, l := range got {
			for i < len(in) && !bytes.Equal(in[i], l) {
				i++
			}
			if i == len(in) {
				t.Fatalf("line %q came out but was not in the input, or out of order", l)
			}
			i++
		}
		accounted := len(got) + d.Unknown + d.Trailers
		switch {
		case fromDocument && accounted > len(in):
			t.Fatalf("%d lines accounted for, more than the %d read", accounted, len(in))
		case !fromDocument && accounted != len(in):
			t.Fatalf("%d lines in, %d out as text or events, %d unknown", len(in), len(got), d.Unknown)
		}
	})
}
