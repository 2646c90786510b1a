package event

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzMaxLine is the line limit of FuzzDecoder: small, so that the
// fuzzer reaches the reading of long lines.
const fuzzMaxLine = 512

// FuzzDecoder feeds arbitrary streams to the Decoder and the Summary. It
// checks that nothing panics and that no line is lost: every non-empty input
// line comes out, in order, as an event's Raw or as text, or is counted as an
// event of an unknown kind. A line longer than the limit comes out as an
// event whose Raw and Truncated add up to it, or as its start and the note
// of what was left out.
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
		// Lines longer than the limit: events, text, and neither.
		lines(evStart, tapResult("v2_runner_on_failed", "h", `{"rc":1,"stdout":"`+strings.Repeat("x", 2*fuzzMaxLine)+`","msg":"m"}`, `,"ignore_errors":true`), evStats),
		lines(tapResult("v2_runner_on_ok", "h", `{"changed":true,"stdout_lines":`+bigLines(2*fuzzMaxLine)+`}`, ""), "text"),
		lines(strings.Repeat("garbage ", fuzzMaxLine), evStats),
		lines(`{"_event":"v2_runner_on_ok","hosts":{"h":{"stdout":"`+strings.Repeat("\\u00e9", fuzzMaxLine)) + "\r\n",
		lines(`{"_event":"ansible_tap_console","stream":"stdout","data_base64":"` + strings.Repeat("QUJD", fuzzMaxLine) + `"}`),
		lines(`{"_event":"ansible_tap_console","stream":"stdout","data_base64":"not base64"}`, evStats),
		lines("{", `"plays": [`, strings.Repeat(`{"a": 1},`, fuzzMaxLine/4), "]", "}"),
		lines(`{"_event":"v2_runner_on_ok","n":` + strings.Repeat("9", 2*fuzzMaxLine) + `,"deep":` + strings.Repeat("[", fuzzMaxLine) + strings.Repeat("]", fuzzMaxLine) + `}`),
		evStart + "\n" + strings.Repeat(`{"a":`, fuzzMaxLine),
		// Each level leaves something out, and notes it, on the way out.
		lines(`{"_event":"v2_runner_on_ok","deep":` + strings.Repeat("[", fuzzMaxLine) + "0" + strings.Repeat(",1]", fuzzMaxLine) + "}"),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecoding(t, data, 0)
		checkDecoding(t, data, fuzzMaxLine)
	})
}

// checkDecoding decodes data with a line limit (0 for the default one) and
// checks that every line is accounted for.
func checkDecoding(t *testing.T, data []byte, limit int) {
	var out bytes.Buffer // text and raw events, in the order they came out
	d := NewDecoder(bytes.NewReader(data))
	d.Text, d.MaxLine = &out, limit
	consoles := 0
	d.Console = func(string, []byte) { consoles++ }
	var shrunk []int64 // the lengths of the lines of shrunk events, by their place in out
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
		switch {
		case ev.Raw == nil:
			fromDocument = true
		case ev.Truncated > 0:
			if len(ev.Raw) > d.maxLine() {
				t.Fatalf("a shrunk line of %d bytes, longer than the limit", len(ev.Raw))
			}
			fmt.Fprintf(&out, "\x00shrunk %d\n", len(shrunk))
			shrunk = append(shrunk, int64(len(ev.Raw))+ev.Truncated)
		default:
			out.Write(ev.Raw)
			out.WriteByte('\n')
		}
		s.Add(ev)
		ev.Status()
		if ev.Result != nil {
			ev.Result.Message()
		}
	}
	if !d.sawRun {
		out.Write(d.held) // the text of a stream with no run in it, held back
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
		for i < len(in) && !cameFrom(l, in[i], d.maxLine(), shrunk) {
			i++
		}
		if i == len(in) {
			t.Fatalf("limit %d: line %q came out but was not in the input, or out of order", limit, l)
		}
		i++
	}
	accounted := len(got) + d.Unknown + d.Trailers + consoles
	switch {
	case fromDocument && accounted > len(in):
		t.Fatalf("limit %d: %d lines accounted for, more than the %d read", limit, accounted, len(in))
	case !fromDocument && accounted != len(in):
		t.Fatalf("limit %d: %d lines in, %d out as text or events, %d unknown", limit, len(in), len(got), d.Unknown)
	}
}

// cameFrom reports whether a line that came out of the decoder came from
// the input line in: the same line, or, for a line longer than the limit,
// a shrunk event of its length or its start and the note of what was left
// out.
func cameFrom(out, in []byte, limit int, shrunk []int64) bool {
	if bytes.Equal(out, in) {
		return true
	}
	if len(in) <= limit {
		return false
	}
	var k int
	if _, err := fmt.Sscanf(string(out), "\x00shrunk %d", &k); err == nil {
		return shrunk[k] == int64(len(in))
	}
	return bytes.Equal(out, appendTruncated(bytes.Clone(in[:limit]), int64(len(in)-limit)))
}

// FuzzLongEventKeepsIdentity builds a result event around fuzzed bulk,
// before or after its identity, and checks that read with a small limit it
// is the event that it is read as whole: the same kind, host, task, status,
// disposition, flags and return code, and the start of the same message.
func FuzzLongEventKeepsIdentity(f *testing.F) {
	f.Add("stdout", "a line of output\n", uint16(400), uint8(0), "boom", true)
	f.Add("stdout_lines", "é\"", uint16(3000), uint8(0x4b), "", false)
	f.Add("msg", "x", uint16(9000), uint8(0x91), "m", true)
	f.Add("invocation", `\u00e9`, uint16(1000), uint8(0x2f), "non-zero return code", false)
	f.Fuzz(func(t *testing.T, key, bulk string, repeat uint16, flags uint8, msg string, bulkFirst bool) {
		kinds := []string{"v2_runner_on_ok", "v2_runner_on_failed", "v2_runner_on_skipped", "v2_runner_on_unreachable",
			"v2_runner_item_on_failed", "v2_runner_item_on_ok", "v2_runner_on_async_failed", "v2_runner_retry"}
		kind := kinds[flags&7]
		var value any = strings.Repeat(bulk, int(repeat))
		switch flags >> 6 {
		case 1:
			value = slices.Repeat([]string{bulk}, int(repeat))
		case 2:
			value = map[string]any{"nested": slices.Repeat([]any{map[string]string{"k": bulk}}, int(repeat))}
		}
		identity := fmt.Sprintf(`"changed":%t,"failed":%t,"rc":%d,"msg":%s`, flags&8 != 0, flags&16 != 0, flags>>3&3, mustJSON(t, msg))
		member := mustJSON(t, key) + ":" + mustJSON(t, value)
		result := "{" + identity + "," + member + "}"
		if bulkFirst {
			result = "{" + member + "," + identity + "}"
		}
		extra := fmt.Sprintf(`,"ignore_errors":%t,"rescued":%t,"no_log":%t`, flags&32 != 0, flags&64 != 0, flags&128 != 0)
		line := tapResult(kind, "web1", result, extra)

		read := func(limit int) *Event {
			d := NewDecoder(strings.NewReader(line + "\n"))
			d.MaxLine = limit
			ev, err := d.Next()
			if err != nil {
				t.Fatalf("limit %d: %v", limit, err)
			}
			return ev
		}
		const limit = 4 << 10
		whole, small := read(len(line)+1), read(limit)
		if whole.Truncated != 0 || len(line) > limit && small.Truncated == 0 {
			t.Fatalf("Truncated %d read whole, %d within %d bytes", whole.Truncated, small.Truncated, limit)
		}
		if small.Kind != whole.Kind || small.Host != whole.Host || *small.Task != *whole.Task ||
			small.Status() != whole.Status() || small.Disposition != whole.Disposition || small.NoLog != whole.NoLog {
			t.Fatalf("shrunk: %s %s %+v %s %q no_log %v\nwhole:  %s %s %+v %s %q no_log %v",
				small.Kind, small.Host, small.Task, small.Status(), small.Disposition, small.NoLog,
				whole.Kind, whole.Host, whole.Task, whole.Status(), whole.Disposition, whole.NoLog)
		}
		sr, wr := small.Result, whole.Result
		if sr.Changed != wr.Changed || sr.Failed != wr.Failed || sr.Skipped != wr.Skipped || sr.Unreachable != wr.Unreachable ||
			(sr.RC == nil) != (wr.RC == nil) || sr.RC != nil && *sr.RC != *wr.RC {
			t.Fatalf("shrunk result %+v, whole %+v", *sr, *wr)
		}
		// A message that is an object or an array notes what it left out
		// in a member or element of its own.
		kept, _, _ := strings.Cut(sr.Msg, truncatedMarker)
		kept, _, _ = strings.Cut(kept, `"…`)
		if !strings.HasPrefix(wr.Msg, strings.TrimSuffix(kept, `"`)) {
			t.Fatalf("shrunk msg %.60q is not the start of %.60q", sr.Msg, wr.Msg)
		}
	})
}
