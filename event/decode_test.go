package event

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Minimal events of ansible-tap's schema used to build streams by hand.
const (
	evStart = `{"_event":"v2_playbook_on_start","playbook":{"path":"site.yml"}}`
	evPlay  = `{"_event":"v2_playbook_on_play_start","play":{"id":"p1","name":"play"}}`
	evTask  = `{"_event":"v2_playbook_on_task_start","task":{"id":"t1","name":"task","action":"command"}}`
	evOK    = `{"_event":"v2_runner_on_ok","task":{"id":"t1","name":"task"},"host":"h1","hosts":{"h1":{"changed":true}}}`
	evStats = `{"_event":"v2_playbook_on_stats","stats":{"h1":{"ok":1,"changed":1}}}`
)

// decodeAll reads every event of input, with text going to the returned buffer.
func decodeAll(t *testing.T, input []byte) (*Decoder, []*Event, [][]byte, string) {
	t.Helper()
	var text bytes.Buffer
	d := NewDecoder(bytes.NewReader(input))
	d.Text = &text
	events := readEvents(t, d)
	raws := make([][]byte, len(events))
	for i, ev := range events {
		raws[i] = ev.Raw
	}
	return d, events, raws, text.String()
}

// readEvents reads every event of d, each with a copy of its Raw line.
func readEvents(t testing.TB, d *Decoder) []*Event {
	t.Helper()
	var events []*Event
	for {
		ev, err := d.Next()
		if errors.Is(err, io.EOF) {
			return events
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		ev.Raw = bytes.Clone(ev.Raw)
		events = append(events, ev)
	}
}

func kindsOf(events []*Event) []Kind {
	out := make([]Kind, len(events))
	for i, ev := range events {
		out[i] = ev.Kind
	}
	return out
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestDecoderPassesTextOn(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		wantText  string
		wantKinds []Kind
		held      int // lines of text held and never passed on
	}{
		{
			name:      "text between events",
			input:     lines("PLAY [all] ****", evStart, "[WARNING]: something", evPlay, "plain text"),
			wantText:  lines("PLAY [all] ****", "[WARNING]: something", "plain text"),
			wantKinds: []Kind{PlaybookStart, PlayStart},
		},
		{
			// held, as text before a first event is, and never passed
			// on: a replay says in one line that it holds no run
			name:      "text only",
			input:     lines("ok: [localhost]", "  indented", "\ttabbed"),
			wantText:  "",
			wantKinds: nil,
			held:      3,
		},
		{
			name:      "text only, more than is held",
			input:     lines(strings.Repeat("x", maxHeldText), "next"),
			wantText:  lines(strings.Repeat("x", maxHeldText), "next"),
			wantKinds: nil,
		},
		{
			name:      "text before a run's first record",
			input:     lines("a shell's prompt", `{"_event":"ansible_tap_run_start","_timestamp":"2026-01-01T00:00:00Z","console":false}`, evStart),
			wantText:  lines("a shell's prompt"),
			wantKinds: []Kind{PlaybookStart},
		},
		{
			name:      "a brace that is not JSON",
			input:     lines(evStart, "{not json at all", evStats),
			wantText:  lines("{not json at all"),
			wantKinds: []Kind{PlaybookStart, PlaybookStats},
		},
		{
			name:      "JSON that is not an event",
			input:     lines(`{"foo":1}`, evStart, `[1,2,3]`, `"a string"`, `42`, evStats),
			wantText:  lines(`{"foo":1}`, `[1,2,3]`, `"a string"`, `42`),
			wantKinds: []Kind{PlaybookStart, PlaybookStats},
		},
		{
			name:      "an _event that is not a string",
			input:     lines(`{"_event":5}`, `{"_event":null,"x":1}`, evStart),
			wantText:  lines(`{"_event":5}`, `{"_event":null,"x":1}`),
			wantKinds: []Kind{PlaybookStart},
		},
		{
			name:      "a lone brace after events",
			input:     lines(evStart, "{", evStats),
			wantText:  lines("{"),
			wantKinds: []Kind{PlaybookStart, PlaybookStats},
		},
		{
			name:      "a lone brace before any event",
			input:     lines("{", evStart, evStats),
			wantText:  lines("{"),
			wantKinds: []Kind{PlaybookStart, PlaybookStats},
		},
		{
			name:      "an indented JSON object that is not a report",
			input:     lines("{", `  "changed": false`, "}", evStart),
			wantText:  lines("{", `  "changed": false`, "}"),
			wantKinds: []Kind{PlaybookStart},
		},
		{
			name:      "CRLF line endings",
			input:     "text\r\n" + evStart + "\r\n" + "more\r\n",
			wantText:  lines("text", "more"),
			wantKinds: []Kind{PlaybookStart},
		},
		{
			name:      "an event cut short in the middle",
			input:     lines(evStart, evOK[:30], evStats),
			wantText:  lines(evOK[:30]),
			wantKinds: []Kind{PlaybookStart, PlaybookStats},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, events, _, text := decodeAll(t, []byte(tt.input))
			if text != tt.wantText {
				t.Errorf("text:\n got %q\nwant %q", text, tt.wantText)
			}
			if got := kindsOf(events); !slices.Equal(got, tt.wantKinds) {
				t.Errorf("kinds: got %v, want %v", got, tt.wantKinds)
			}
			if want := len(nonEmptyLines([]byte(tt.wantText))) + tt.held; d.NonEvents != want {
				t.Errorf("NonEvents = %d, want %d", d.NonEvents, want)
			}
		})
	}
}

func TestReplayTruncatedStream(t *testing.T) {
	stream, err := os.ReadFile(filepath.Join("testdata", "basic.tap.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	all := nonEmptyLines(stream)
	last := len(all) - 1 // the stats
	tests := []struct {
		name string
		line int // the line that is cut
		cut  int // bytes of it that remain
		// interrupted: every cut stream is; even a first line cut short
		// says the writer died.
		interrupted bool
	}{
		{"stats cut in the middle", last, len(all[last]) / 2, true},
		{"stats cut after its brace", last, 1, true},
		{"stats cut before its closing brace", last, len(all[last]) - 1, true},
		{"a result cut in the middle", last - 3, len(all[last-3]) / 2, true},
		{"the second line cut", 1, 10, true},
		{"the first line cut", 0, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in bytes.Buffer
			for _, l := range all[:tt.line] {
				in.Write(l)
				in.WriteByte('\n')
			}
			partial := all[tt.line][:tt.cut]
			in.Write(partial) // no newline: the writer died here
			var text bytes.Buffer
			rec := &recorder{}
			s, err := Replay(&in, rec, &text, zerolog.Nop())
			if err != nil {
				t.Fatalf("Replay: %v", err)
			}
			wantCode := 0
			if tt.interrupted {
				wantCode = 99
			}
			if s.Interrupted != tt.interrupted || s.Complete {
				t.Errorf("Interrupted = %v, Complete = %v; want Interrupted %v", s.Interrupted, s.Complete, tt.interrupted)
			}
			if s.ExitCode != wantCode {
				t.Errorf("ExitCode = %d, want %d", s.ExitCode, wantCode)
			}
			if rec.finished != 1 {
				t.Errorf("Finish ran %d times, want 1", rec.finished)
			}
			if len(rec.events) != tt.line {
				t.Errorf("%d events, want the %d complete lines", len(rec.events), tt.line)
			}
			if want := string(partial) + "\n"; text.String() != want {
				t.Errorf("text = %q, want the partial line %q", text.String(), want)
			}
		})
	}
}

func TestDecoderInvalidUTF8(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		check     func(ev *Event) error
		isText    bool
		wantBytes string // must survive in Result.Raw
	}{
		{
			name:      "in a message",
			line:      `{"_event":"v2_runner_on_failed","task":{"id":"t1","name":"task"},"host":"h1","hosts":{"h1":{"failed":true,"msg":"bad ` + "\xff\xfe" + ` byte"}}}`,
			wantBytes: "bad \xff\xfe byte",
			check: func(ev *Event) error {
				if ev.Result == nil || ev.Result.Msg != "bad \uFFFD\uFFFD byte" {
					return fmt.Errorf("Msg = %q", ev.Result.Msg)
				}
				return nil
			},
		},
		{
			name: "in a host name",
			line: `{"_event":"v2_runner_on_ok","task":{"id":"t1","name":"task"},"host":"h` + "\xc3" + `","hosts":{"h` + "\xc3" + `":{"changed":false}}}`,
			check: func(ev *Event) error {
				if ev.Host != "h\uFFFD" {
					return fmt.Errorf("Host = %q", ev.Host)
				}
				return nil
			},
		},
		{
			name: "in a task name",
			line: `{"_event":"v2_playbook_on_task_start","task":{"id":"t9","name":"t` + "\xe2\x82" + `"}}`,
			check: func(ev *Event) error {
				if ev.Task == nil || ev.Task.Name != "t\uFFFD\uFFFD" {
					return fmt.Errorf("Task = %+v", ev.Task)
				}
				return nil
			},
		},
		{
			name:   "in a text line",
			line:   "warning: caf\xe9 \xff",
			isText: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := lines(evStart, tt.line, evStats)
			_, events, raws, text := decodeAll(t, []byte(input))
			if tt.isText {
				if text != tt.line+"\n" {
					t.Errorf("text = %q, want %q", text, tt.line+"\n")
				}
				if len(events) != 2 {
					t.Errorf("%d events, want 2", len(events))
				}
				return
			}
			if len(events) != 3 {
				t.Fatalf("%d events (%v), want 3; text %q", len(events), kindsOf(events), text)
			}
			if !bytes.Equal(raws[1], []byte(tt.line)) {
				t.Errorf("Raw = %q, want the line verbatim", raws[1])
			}
			if r := events[1].Result; tt.wantBytes != "" && (r == nil || !bytes.Contains(r.Raw, []byte(tt.wantBytes))) {
				t.Errorf("Result.Raw lost the bytes: %q", r.Raw)
			}
			if err := tt.check(events[1]); err != nil {
				t.Error(err)
			}
			s := NewSummary()
			for _, ev := range events {
				s.Add(ev)
			}
		})
	}
}

func TestDecoderSkipsUnknownKinds(t *testing.T) {
	tests := []struct {
		name        string
		input       string
		wantKinds   []Kind
		wantUnknown int
	}{
		{"none", lines(evStart, evStats), []Kind{PlaybookStart, PlaybookStats}, 0},
		{"a future kind", lines(evStart, `{"_event":"v2_runner_on_something_new","host":"h1"}`, evStats), []Kind{PlaybookStart, PlaybookStats}, 1},
		{"a bare prefix", lines(`{"_event":"v2_"}`, evStart), []Kind{PlaybookStart}, 1},
		{"several", lines(`{"_event":"x"}`, evStart, `{"_event":"v3_runner_on_ok"}`, `{"_event":"V2_RUNNER_ON_OK"}`), []Kind{PlaybookStart}, 3},
		{"kinds without the v2_ prefix are known", lines(`{"_event":"playbook_on_start"}`), []Kind{PlaybookStart}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, events, _, text := decodeAll(t, []byte(tt.input))
			if got := kindsOf(events); !slices.Equal(got, tt.wantKinds) {
				t.Errorf("kinds: got %v, want %v", got, tt.wantKinds)
			}
			if d.Unknown != tt.wantUnknown {
				t.Errorf("Unknown = %d, want %d", d.Unknown, tt.wantUnknown)
			}
			if text != "" || d.NonEvents != 0 {
				t.Errorf("unknown kinds went to text: %q (%d)", text, d.NonEvents)
			}
		})
	}
}

// hostResult is what every schema agrees on about one host's result.
type hostResult struct {
	Kind Kind
	Task string
	Host string
}

// streamFacts decodes a recorded stream with Replay.
type streamFacts struct {
	kinds   map[Kind]bool
	results []hostResult // sorted
	tasks   []string     // task starts, in order
	hosts   []string
	recap   map[string]HostCounts
	summary *Summary
}

func replayFile(t *testing.T, name string) streamFacts {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := &recorder{}
	var text bytes.Buffer
	s, err := Replay(f, rec, &text, zerolog.Nop())
	if err != nil {
		t.Fatalf("Replay %s: %v", name, err)
	}
	if text.Len() > 0 {
		t.Errorf("%s: text %q", name, text.String())
	}
	facts := streamFacts{kinds: map[Kind]bool{}, recap: map[string]HostCounts{}, summary: s, hosts: s.RecapHosts()}
	for _, ev := range rec.events {
		facts.kinds[ev.Kind] = true
		switch {
		case ev.Kind.IsHostResult():
			facts.results = append(facts.results, hostResult{ev.Kind, ev.Task.Name, ev.Host})
		case ev.Kind == TaskStart:
			facts.tasks = append(facts.tasks, ev.Task.Name)
		}
	}
	sort.Slice(facts.results, func(i, j int) bool {
		a, b := facts.results[i], facts.results[j]
		return a.Task+"\x00"+a.Host < b.Task+"\x00"+b.Host
	})
	for _, h := range facts.hosts {
		facts.recap[h] = s.Recap(h)
	}
	return facts
}

func TestStockStreamsDecodeLikeTap(t *testing.T) {
	tap := replayFile(t, "basic.tap.jsonl")
	if !tap.summary.Complete || tap.summary.ExitCode != 4 {
		t.Fatalf("the tap recording: Complete %v, ExitCode %d; want a complete run with an unreachable host",
			tap.summary.Complete, tap.summary.ExitCode)
	}
	for _, name := range []string{"basic.posix.jsonl", "basic.posix.json"} {
		t.Run(name, func(t *testing.T) {
			stock := replayFile(t, name)
			for k := range stock.kinds {
				if !tap.kinds[k] {
					t.Errorf("kind %s decoded from %s but not from ansible-tap's stream", k, name)
				}
			}
			if !reflect.DeepEqual(stock.results, tap.results) {
				t.Errorf("host results:\n got %v\nwant %v", stock.results, tap.results)
			}
			if !slices.Equal(stock.tasks, tap.tasks) {
				t.Errorf("task starts: got %v, want %v", stock.tasks, tap.tasks)
			}
			if !slices.Equal(stock.hosts, tap.hosts) {
				t.Errorf("hosts: got %v, want %v", stock.hosts, tap.hosts)
			}
			if !reflect.DeepEqual(stock.recap, tap.recap) {
				t.Errorf("recap:\n got %v\nwant %v", stock.recap, tap.recap)
			}
			if stock.summary.ExitCode != tap.summary.ExitCode || stock.summary.Interrupted {
				t.Errorf("ExitCode %d, Interrupted %v; want %d, false", stock.summary.ExitCode, stock.summary.Interrupted, tap.summary.ExitCode)
			}
		})
	}
}

// An events file ends with ansible-tap's record of the exit code: a replay
// exits with it, also for runs that Ansible ended before any event, and the
// record reaches no handler and no text.
func TestReplayTakesTheRecordedExitCode(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		want   int
	}{
		{"a syntax error: no events", `{"_event":"ansible_tap_run_end","_timestamp":"2026-01-02T03:04:05Z","exit_code":4}`, 4},
		{"a bad option: text only", "ERROR! no such option\n" + `{"_event":"ansible_tap_run_end","exit_code":5}`, 5},
		{"a complete run", lines(evStart, evStats, `{"_event":"ansible_tap_run_end","exit_code":0}`), 0},
		{"killed after a cut line", evStart + "\n" + `{"_event":"v2_runner_on_o` + "\n" + `{"_event":"ansible_tap_run_end","exit_code":137}`, 137},
		{"no record: implied", lines(evStart, evStats), 0},
		{"no record, cut: implied", lines(evStart), 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text bytes.Buffer
			rec := &recorder{}
			s, err := Replay(strings.NewReader(tt.stream), rec, &text, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			if s.ExitCode != tt.want {
				t.Errorf("ExitCode %d, want %d", s.ExitCode, tt.want)
			}
			for i, raw := range rec.raws {
				if strings.Contains(string(raw), RunEndEvent) {
					t.Errorf("the run-end record reached a handler as %s", rec.events[i].Kind)
				}
			}
			if strings.Contains(text.String(), RunEndEvent) {
				t.Errorf("the run-end record was passed on as text: %q", text.String())
			}
		})
	}
}

// A run killed by a signal before any event is interrupted in its replay
// too: the run-end record says so.
func TestReplayTakesTheRecordedInterruption(t *testing.T) {
	for _, tc := range []struct {
		record string
		want   bool
	}{
		{`{"_event":"ansible_tap_run_end","exit_code":143,"interrupted":true}`, true},
		{`{"_event":"ansible_tap_run_end","exit_code":4,"interrupted":false}`, false},
	} {
		s, err := Replay(strings.NewReader(tc.record+"\n"), &recorder{}, io.Discard, zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		if s.Interrupted != tc.want || s.Outcome() != map[bool]Outcome{true: OutcomeInterrupted, false: OutcomeFailed}[tc.want] {
			t.Errorf("%s: Interrupted %v, outcome %s", tc.record, s.Interrupted, s.Outcome())
		}
	}
}

// A console record whose data does not decode is passed on as text, with
// a warning, and the records around it still reach Console.
func TestDecoderPassesUndecodableConsoleRecordOn(t *testing.T) {
	bad := `{"_event":"ansible_tap_console","stream":"stdout","data_base64":"not base64!"}`
	input := lines(evStart,
		`{"_event":"ansible_tap_console","stream":"stdout","data_base64":"b2sK"}`, bad,
		`{"_event":"ansible_tap_console","stream":"stderr","data":"warn\n"}`, evStats)
	var text, log bytes.Buffer
	var console []string
	d := NewDecoder(strings.NewReader(input))
	d.Text, d.Log = &text, zerolog.New(&log)
	d.Console = func(stream string, data []byte) { console = append(console, stream+":"+string(data)) }
	events := readEvents(t, d)
	if got := kindsOf(events); !slices.Equal(got, []Kind{PlaybookStart, PlaybookStats}) {
		t.Errorf("kinds: %v", got)
	}
	if want := []string{"stdout:ok\n", "stderr:warn\n"}; !slices.Equal(console, want) {
		t.Errorf("console: %q, want %q", console, want)
	}
	if text.String() != bad+"\n" {
		t.Errorf("text: %q, want the record that does not decode", text.String())
	}
	if !strings.Contains(log.String(), "does not decode") {
		t.Errorf("no warning: %s", log.String())
	}
}
