package event

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"testing"
)

// testLimit is the line limit of these tests: lines of some hundreds of
// KiB stand for the hundreds of MiB a task may print.
const testLimit = 64 << 10

// tapResult is a result line as ansible-tap's callback writes it: the task
// and host first, then the result, the disposition, and _event and
// _timestamp last, so that the shrinker meets the identity after the bulk.
func tapResult(event, host, result, extra string) string {
	return `{"task":{"name":"big task","id":"t9","path":"/p/site.yml:3","action":"command","handler":false},"host":"` + host +
		`","hosts":{"` + host + `":` + result + `}` + extra + `,"_event":"` + event + `","_timestamp":"2026-01-02T03:04:05.000006Z","_tap":1}`
}

// bigString is a JSON string of about n bytes of text, with escapes and
// characters of several bytes that a cut must not split.
func bigString(n int) string {
	piece := `out é \"quoted\" \u00e9 \ud83d\ude00 line\n`
	return `"` + strings.Repeat(piece, n/len(piece)+1) + `"`
}

// bigLines is a JSON array of about n bytes of lines of output, as
// stdout_lines. They are long enough that the last line kept takes the
// shrunk line beyond its bound for bulk, so that what comes after it is
// kept only if it is identity.
func bigLines(n int) string {
	line := `"` + strings.Repeat("a line of output ", 60) + `",`
	return "[" + strings.Repeat(line, n/len(line)+1) + `"last"]`
}

func TestLongEventKeepsItsIdentity(t *testing.T) {
	big := 1 << 20
	tests := []struct {
		name        string
		line        string
		kind        Kind
		host        string
		status      Status
		disposition Disposition
		rc          int // -1: none
		msg         string
		counts      HostCounts
	}{
		{
			name: "a changed result with a huge stdout and stdout_lines",
			line: tapResult("v2_runner_on_ok", "web1", `{"changed":true,"stdout":`+bigString(big)+`,"stderr":"","rc":0,"msg":"","stdout_lines":`+bigLines(big)+`,"stderr_lines":[]}`, ""),
			kind: RunnerOK, host: "web1", status: StatusChanged, rc: 0,
			counts: HostCounts{OK: 1, Changed: 1},
		},
		{
			name: "a failed and ignored result whose msg is huge",
			line: tapResult("v2_runner_on_failed", "web2", `{"changed":false,"stdout":`+bigString(big)+`,"rc":3,"msg":`+bigString(big)+`}`, `,"ignore_errors":true`),
			kind: RunnerFailed, host: "web2", status: StatusIgnored, disposition: Ignored, rc: 3, msg: "out é \"quoted\"",
			counts: HostCounts{OK: 1, Ignored: 1},
		},
		{
			name: "a rescued failure with huge stdout_lines before its flags",
			line: tapResult("v2_runner_on_failed", "web1", `{"stdout_lines":`+bigLines(big)+`,"failed":true,"rc":1,"msg":"boom"}`, `,"ignore_errors":false,"rescued":true`),
			kind: RunnerFailed, host: "web1", status: StatusRescued, disposition: Rescued, rc: 1, msg: "boom",
			counts: HostCounts{Rescued: 1},
		},
		{
			name: "a fatal failure whose failed flag comes after a huge stdout",
			line: tapResult("v2_runner_on_failed", "web1", `{"stdout":`+bigString(big)+`,"invocation":{"module_args":{"_raw_params":`+bigString(big)+`}},"failed":true,"rc":2,"msg":"non-zero return code"}`, `,"ignore_errors":false`),
			kind: RunnerFailed, host: "web1", status: StatusFailed, disposition: Fatal, rc: 2, msg: "non-zero return code",
			counts: HostCounts{Failures: 1},
		},
		{
			name: "an unreachable host with a huge message",
			line: tapResult("v2_runner_on_unreachable", "db1", `{"unreachable":true,"changed":false,"msg":`+bigString(big)+`}`, ""),
			kind: RunnerUnreach, host: "db1", status: StatusUnreachable, rc: -1, msg: "out é",
			counts: HostCounts{Unreachable: 1},
		},
		{
			name: "a skipped loop item whose item is huge",
			line: tapResult("v2_runner_item_on_skipped", "web1", `{"skipped":true,"changed":false,"skip_reason":"Conditional result was False","item":{"data":`+bigString(big)+`}}`, `,"item":{"data":`+bigString(big)+`},"loop":true`),
			kind: ItemSkipped, host: "web1", status: StatusSkipped, rc: -1,
		},
		{
			name: "a no_log result",
			line: tapResult("v2_runner_on_ok", "web1", `{"censored":"the output has been hidden","changed":false,"padding":`+bigString(big)+`}`, `,"no_log":true`),
			kind: RunnerOK, host: "web1", status: StatusOK, rc: -1,
			counts: HostCounts{OK: 1},
		},
		{
			name: "a line of the stock ansible.posix.jsonl callback",
			line: `{"_event":"v2_runner_on_failed","_timestamp":"2026-01-02T03:04:05.000006Z","hosts":{"web3":{"_ansible_no_log":false,"stdout":` + bigString(big) +
				`,"rc":5,"failed":true,"msg":"stock"}},"task":{"name":"big task","id":"t9","duration":{"start":"2026-01-02T03:04:05.000006Z"}}}`,
			kind: RunnerFailed, host: "web3", status: StatusFailed, disposition: Fatal, rc: 5, msg: "stock",
			counts: HostCounts{Failures: 1},
		},
		{
			name: "a result nested deeper than the scanner goes",
			line: tapResult("v2_runner_on_ok", "web1", `{"changed":true,"deep":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`,"rc":0}`, ""),
			kind: RunnerOK, host: "web1", status: StatusChanged, rc: 0,
			counts: HostCounts{OK: 1, Changed: 1},
		},
		{
			name: "a result with a huge number and a huge key",
			line: tapResult("v2_runner_on_ok", "web1", `{"changed":false,"n":`+strings.Repeat("7", big)+`,"`+strings.Repeat("k", big)+`":1,"rc":0}`, ""),
			kind: RunnerOK, host: "web1", status: StatusOK, rc: 0,
			counts: HostCounts{OK: 1},
		},
		{
			name: "a result with a line ending of CR LF",
			line: tapResult("v2_runner_on_ok", "web1", `{"changed":false,"stdout":`+bigString(big)+`}`, "") + "\r",
			kind: RunnerOK, host: "web1", status: StatusOK, rc: -1,
			counts: HostCounts{OK: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := lines(evStart, evPlay, tt.line, "text after it", evStats)
			var text bytes.Buffer
			d := NewDecoder(strings.NewReader(input))
			d.Text, d.MaxLine = &text, testLimit
			events := readEvents(t, d)
			if got, want := kindsOf(events), []Kind{PlaybookStart, PlayStart, tt.kind, PlaybookStats}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("kinds %v, want %v", got, want)
			}
			ev := events[2]
			if ev.Host != tt.host || ev.Task == nil || ev.Task.Name != "big task" || ev.Task.ID != "t9" {
				t.Errorf("host %q, task %+v: want %s and the task", ev.Host, ev.Task, tt.host)
			}
			if ev.Status() != tt.status || ev.Disposition != tt.disposition {
				t.Errorf("status %s, disposition %q; want %s, %q", ev.Status(), ev.Disposition, tt.status, tt.disposition)
			}
			if ev.Result == nil {
				t.Fatal("no result")
			}
			switch {
			case tt.rc < 0 && ev.Result.RC != nil:
				t.Errorf("rc %d, want none", *ev.Result.RC)
			case tt.rc >= 0 && (ev.Result.RC == nil || *ev.Result.RC != tt.rc):
				t.Errorf("rc %v, want %d", ev.Result.RC, tt.rc)
			}
			if !strings.HasPrefix(ev.Result.Msg, tt.msg) {
				t.Errorf("msg %.80q…, want it to start with %q", ev.Result.Msg, tt.msg)
			}
			line := strings.TrimSuffix(tt.line, "\r")
			if ev.Truncated <= 0 || ev.Truncated != int64(len(line)-len(ev.Raw)) {
				t.Errorf("Truncated %d, want the %d bytes between the line and Raw", ev.Truncated, len(line)-len(ev.Raw))
			}
			if len(ev.Raw) > testLimit || !json.Valid(ev.Raw) || !bytes.Contains(ev.Raw, []byte(`…[truncated `)) {
				t.Errorf("Raw of %d bytes (limit %d), valid JSON %v, marked %v", len(ev.Raw), testLimit, json.Valid(ev.Raw), bytes.Contains(ev.Raw, []byte(`…[truncated `)))
			}
			if text.String() != "text after it\n" {
				t.Errorf("text %.200q", text.String())
			}
			s := NewSummary()
			for _, ev := range events[:3] {
				s.Add(ev)
			}
			var got HostCounts
			if c := s.Counts[tt.host]; c != nil {
				got = *c
			}
			if got != tt.counts {
				t.Errorf("counts %+v, want %+v", got, tt.counts)
			}
		})
	}
}

// A cut string keeps whole characters and escapes, and says how much of
// its JSON text it left out.
func TestLongStringsAreCutWhole(t *testing.T) {
	for _, tt := range []struct {
		name, piece string
	}{
		{"escapes", `\"\\\n\t`},
		{"a surrogate pair", `\ud83d\ude00`},
		{"a character of three bytes", "€"},
		{"an escaped character", `\u20ac`},
		{"invalid UTF-8", "\xff\xfe"},
	} {
		for shift := range 12 {
			t.Run(fmt.Sprintf("%s shifted by %d", tt.name, shift), func(t *testing.T) {
				content := strings.Repeat("x", shift) + strings.Repeat(tt.piece, testLimit/len(tt.piece)*2)
				line := `{"_event":"v2_runner_on_ok","host":"h1","hosts":{"h1":{"changed":false,"stdout":"` + content + `"}}}`
				d := NewDecoder(strings.NewReader(line + "\n"))
				d.MaxLine = testLimit
				ev, err := d.Next()
				if err != nil {
					t.Fatal(err)
				}
				var r struct {
					Stdout string `json:"stdout"`
				}
				if err := json.Unmarshal(ev.Result.Raw, &r); err != nil {
					t.Fatalf("the shrunk result does not decode: %v", err)
				}
				kept, note, ok := strings.Cut(r.Stdout, truncatedMarker)
				if !ok {
					t.Fatalf("no note in stdout %.80q", r.Stdout)
				}
				var whole string
				json.Unmarshal([]byte(`"`+content+`"`), &whole)
				if !strings.HasPrefix(whole, kept) || strings.ContainsRune(kept, '\uFFFD') && tt.piece != "\xff\xfe" {
					t.Errorf("kept %.40q… is not the start of the string, whole characters", kept)
				}
				var left int
				if _, err := fmt.Sscanf(note, "%d bytes]", &left); err != nil || left <= 0 {
					t.Errorf("note %q", note)
				}
				if rawKept := len(content) - left; rawKept < testLimit/16-12 || rawKept > testLimit/16 {
					t.Errorf("kept %d bytes of JSON text, want about %d", rawKept, testLimit/16)
				}
			})
		}
	}
}

// A line that is no event is passed on cut at the limit, noted, and what
// follows it is read as usual.
func TestLongTextIsCutAtTheLimit(t *testing.T) {
	garbage := strings.Repeat("garbage ", testLimit)
	for _, tt := range []struct {
		name, line string
		end        bool // the stream ends in the line
		truncated  bool // which is an event cut short: its writer died
	}{
		{"text", garbage, false, false},
		{"an object that is not JSON", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout":"` + garbage + `"}}`, false, false},
		{"an object followed by more", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout":"` + garbage + `"}}} and more`, false, false},
		{"an object with a control character", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout":"` + garbage + "\x01" + `"}}}`, false, false},
		{"an event cut by the end of the stream", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout":"` + garbage, true, true},
		{"text cut by the end of the stream", garbage, true, false},
		{"text cut by the end of the stream after a CR", garbage + "\r", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			input := lines(evStart, tt.line, evStats)
			want := []Kind{PlaybookStart, PlaybookStats}
			if tt.end {
				input, want = lines(evStart)+tt.line, want[:1]
			}
			var text bytes.Buffer
			d := NewDecoder(strings.NewReader(input))
			d.Text, d.MaxLine = &text, testLimit
			events := readEvents(t, d)
			if fmt.Sprint(kindsOf(events)) != fmt.Sprint(want) {
				t.Errorf("kinds %v, want %v", kindsOf(events), want)
			}
			line := strings.TrimSuffix(tt.line, "\r") // a line ending, as a CR before a newline is
			wantText := line[:testLimit] + fmt.Sprintf("…[truncated %d bytes]\n", len(line)-testLimit)
			if text.String() != wantText {
				t.Errorf("text of %d bytes ending %q, want %d ending %q", text.Len(), tail(text.String()), len(wantText), tail(wantText))
			}
			if d.NonEvents != 1 || d.Truncated != tt.truncated {
				t.Errorf("NonEvents %d, Truncated %v; want 1, %v", d.NonEvents, d.Truncated, tt.truncated)
			}
		})
	}
}

func tail(s string) string { return s[max(0, len(s)-40):] }

// A line of exactly the limit is read as it is; one byte more is shrunk.
func TestLineLimitBoundary(t *testing.T) {
	head := `{"_event":"v2_runner_on_ok","host":"h1","hosts":{"h1":{"changed":false,"stdout":"`
	end := `"}}}`
	for _, tt := range []struct {
		name   string
		size   int
		ending string
		shrunk bool
	}{
		{"the limit", testLimit, "\n", false},
		{"the limit with CR LF", testLimit, "\r\n", false},
		{"one byte more", testLimit + 1, "\n", true},
		{"one byte more with CR LF", testLimit + 1, "\r\n", true},
		{"the limit at the end of the stream", testLimit, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			line := head + strings.Repeat("x", tt.size-len(head)-len(end)) + end
			d := NewDecoder(strings.NewReader(line + tt.ending))
			d.MaxLine = testLimit
			ev, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if shrunk := ev.Truncated > 0; shrunk != tt.shrunk || !tt.shrunk && string(ev.Raw) != line {
				t.Errorf("Truncated %d, Raw of %d bytes: want shrunk %v", ev.Truncated, len(ev.Raw), tt.shrunk)
			}
			if _, err := d.Next(); err != io.EOF {
				t.Errorf("then %v, want io.EOF", err)
			}
		})
	}
}

// Console records longer than the limit give the start of what was
// printed and the note of what was left out.
func TestLongConsoleRecords(t *testing.T) {
	printed := make([]byte, 2*testLimit)
	rand.New(rand.NewSource(1)).Read(printed)
	text := strings.Repeat("PLAY [all] ", 2*testLimit/11)
	records := lines(
		`{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:05.000006Z","stream":"stdout","data":`+mustJSON(t, text)+`}`,
		`{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:05.000006Z","stream":"stderr","data_base64":"`+base64.StdEncoding.EncodeToString(printed)+`"}`,
	)
	var got [][]byte
	d := NewDecoder(strings.NewReader(records))
	d.MaxLine = testLimit
	d.Console = func(_ string, data []byte) { got = append(got, bytes.Clone(data)) }
	if events := readEvents(t, d); len(events) != 0 || len(got) != 2 {
		t.Fatalf("%d events, %d console pieces; want 0 and 2", len(events), len(got))
	}
	for i, whole := range [][]byte{[]byte(text), printed} {
		kept, note, ok := bytes.Cut(got[i], []byte(truncatedMarker))
		if !ok || !bytes.HasPrefix(whole, kept) || len(kept) < testLimit/32 || !bytes.HasSuffix(note, []byte(" bytes]")) {
			t.Errorf("piece %d: %d bytes kept of %d, note %q", i, len(kept), len(whole), note)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// endlessLine reads as one line of n bytes: start, then fill repeated.
type endlessLine struct {
	start, fill []byte
	n, read     int
}

func (r *endlessLine) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	p = p[:min(len(p), r.n-r.read)]
	k := 0
	if r.read < len(r.start) {
		k = copy(p, r.start[r.read:])
	}
	for k < len(p) {
		at := (r.read + k - len(r.start)) % len(r.fill)
		k += copy(p[k:], r.fill[at:])
	}
	r.read += k
	return k, nil
}

// A line that never ends is read in constant memory, whatever its shape.
func TestEndlessLineInConstantMemory(t *testing.T) {
	const size = 64 << 20
	for _, tt := range []struct {
		name, start, fill string
	}{
		{"text", "", "garbage "},
		{"a string", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout":"`, "out "},
		{"an array", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"stdout_lines":[`, `"a line",`},
		{"members", `{"_event":"v2_runner_on_ok","hosts":{"h1":{`, `"k":"v",`},
		{"nesting", `{"_event":"v2_runner_on_ok","hosts":{"h1":{"deep":`, `[{"a":`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var text countingWriter
			d := NewDecoder(&endlessLine{start: []byte(tt.start), fill: []byte(tt.fill), n: size})
			d.Text, d.MaxLine = &text, 1<<20
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			events := readEvents(t, d)
			runtime.ReadMemStats(&after)
			// An event cut short says that its writer died; text does not.
			if len(events) != 0 || d.Truncated != (tt.start != "") || d.NonEvents != 1 {
				t.Errorf("%d events, Truncated %v, NonEvents %d: want the line passed on as text, cut", len(events), d.Truncated, d.NonEvents)
			}
			if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 8<<20 {
				t.Errorf("reading a line of %d MiB allocated %d MiB", size>>20, allocated>>20)
			}
			if text.n < 1<<20 || text.n > 1<<20+64 {
				t.Errorf("%d bytes of text passed on, want the limit and a note", text.n)
			}
		})
	}
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}
