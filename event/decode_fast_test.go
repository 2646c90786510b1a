package event

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rs/zerolog"
)

// decodeBoth decodes a whole stream with the fast path on or off, and
// returns the events with the text and counters the decoder reported.
func decodeBoth(t testing.TB, data []byte, slowOnly bool) decoded {
	d := NewDecoder(bytes.NewReader(data))
	d.slowOnly = slowOnly
	var out decoded
	d.Text = &out.text
	d.Console = func(stream string, data []byte) {
		out.console = append(out.console, stream+":"+string(data))
	}
	d.Log = zerolog.New(&out.log).Level(zerolog.DebugLevel)
	out.events = readEvents(t, d)
	out.nonEvents, out.unknown, out.truncated, out.recorded = d.NonEvents, d.Unknown, d.Truncated, d.ConsoleRecorded
	out.exitCode, out.interrupted, out.summaryHidden, out.runStarted = d.ExitCode, d.Interrupted, d.SummaryHidden, d.RunStarted
	return out
}

type decoded struct {
	events      []*Event
	console     []string
	recorded    bool
	text        bytes.Buffer
	nonEvents   int
	unknown     int
	truncated   bool
	exitCode    *int
	interrupted *bool
	// summaryHidden and runStarted are what the run-start record said.
	summaryHidden, runStarted bool
	log                       bytes.Buffer // what the decoder logged, from debug level up
}

// sameDecoding reports how two decodings of one stream differ.
func sameDecoding(fast, slow decoded) string {
	if diff := cmp.Diff(slow.events, fast.events, cmpopts.EquateEmpty()); diff != "" {
		return "events (-encoding/json +fast):\n" + diff
	}
	if diff := cmp.Diff(taskIdentities(slow.events), taskIdentities(fast.events)); diff != "" {
		return "which events share a Task value (-encoding/json +fast):\n" + diff
	}
	if !bytes.Equal(fast.text.Bytes(), slow.text.Bytes()) {
		return "text:\n" + fast.text.String() + "\nwant:\n" + slow.text.String()
	}
	if diff := cmp.Diff(slow.console, fast.console); diff != "" {
		return "console (-encoding/json +fast):\n" + diff
	}
	if diff := cmp.Diff(
		[]any{slow.nonEvents, slow.unknown, slow.truncated, slow.exitCode, slow.interrupted, slow.recorded, slow.summaryHidden, slow.runStarted},
		[]any{fast.nonEvents, fast.unknown, fast.truncated, fast.exitCode, fast.interrupted, fast.recorded, fast.summaryHidden, fast.runStarted}); diff != "" {
		return "counters (-encoding/json +fast):\n" + diff
	}
	if !bytes.Equal(fast.log.Bytes(), slow.log.Bytes()) {
		return "log:\n" + fast.log.String() + "\nwant:\n" + slow.log.String()
	}
	return ""
}

// taskIdentities numbers the Task values of events in order of first
// appearance: handlers compare tasks by pointer, so both paths must share
// a Task between the same events.
func taskIdentities(events []*Event) []int {
	seen := make(map[*Task]int)
	out := make([]int, len(events))
	for i, ev := range events {
		if ev.Task == nil {
			out[i] = -1
			continue
		}
		if _, ok := seen[ev.Task]; !ok {
			seen[ev.Task] = len(seen)
		}
		out[i] = seen[ev.Task]
	}
	return out
}

// FuzzFastDecoder checks that the decoder's fast path decodes every stream
// exactly as encoding/json does: the same events, field for field, the same
// text and the same counts.
func FuzzFastDecoder(f *testing.F) {
	for _, name := range []string{"basic.tap.jsonl", "basic.posix.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			f.Add(line)
		}
	}
	for _, seed := range fastPathEdgeCases {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if diff := sameDecoding(decodeBoth(t, data, false), decodeBoth(t, data, true)); diff != "" {
			t.Fatal(diff)
		}
	})
}

// fastPathEdgeCases are lines whose shape the fast path must leave to
// encoding/json, or read exactly as it would.
var fastPathEdgeCases = []string{
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"changed":"yes","rc":"1"}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"rc":1.5}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"rc":null,"msg":["a",{"b":1}]}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"RC":2,"Msg":"upper"}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"msg":"one","msg":"two"}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"ſkipped":true}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"h":{"\u0072c":3}}}`,
	`{"_event":"v2_runner_on_ok","host":"h","hosts":{"a":{},"b":{}}}`,
	`{"_event":"v2_runner_on_ok","host":5}`,
	`{"_event":"v2_runner_on_ok","HOST":"h","_Event":"v2_runner_on_failed"}`,
	`{"_event":"v2_runner_on_ok","task":{"id":"t","name":"n\u00e9"},"hosts":{"h\u00e9":"not an object"}}`,
	`{"_event":"v2_runner_on_ok","task":{"id":"t","name":1}}`,
	`{"_event":"v2_runner_on_ok","task":null,"hosts":null}`,
	`{"_event":"v2_runner_on_ok","_timestamp":"2026-02-30T10:00:00Z"}`,
	`{"_event":"v2_runner_on_ok","_timestamp":"2026-02-28T23:59:60.5Z"}`,
	`{"_event":"v2_runner_on_ok","_timestamp":"2026-02-28T23:59:59.1234567891Z"}`,
	`{"_event":"v2_runner_on_ok","_timestamp":"2026-02-28T23:59:59.123+00:00"}`,
	`{"_event":"v2_runner_retry","attempts":2,"retries":99999999999999999999}`,
	`{"_event":"v2_runner_retry","attempts":-0,"retries":1e2}`,
	`{"_event":"v2_runner_on_ok","item":{"a":[1,2,{"b":null}]},"loop":true} `,
	"{\"_event\":\"v2_runner_on_ok\",\"host\":\"bad\xffutf8\"}",
	`{"_event":"v2_runner_on_ok","host":"h"}x`,
	`{"_event":"v2_runner_on_ok","host":"h",}`,
	`{"_event":"v2_runner_on_ok","host":"tab	inside"}`,
	`{"_event":"ansible_tap_console","stream":"stdout","data":"ok\n"}`,
	`{"_event":"ansible_tap_run_end","exit_code":2,"interrupted":false}`,
	`{"_event":"v2_playbook_on_stats","stats":{"h":{"ok":1}},"custom_stats":{},"global_custom_stats":{}}`,
	`{"_event":"v2_playbook_on_stats","stats":{"h":{"ok":1},"h":{"failures":2}},"custom_stats":{ },"global_custom_stats":null}`,
	`{"_event":"v2_playbook_on_stats","stats":{"h":null,"g\u00e9":{"OK":1,"Ignored":null,"x":[1]}},"custom_stats":{"h":{"a":1}},"global_custom_stats":{"a":[1]}}`,
	`{"_event":"v2_playbook_on_stats","stats":{"h":{"ok":1.0}},"custom_stats":null}`,
	`{"_event":"v2_playbook_on_stats","stats":null,"custom_stats":{},"global_custom_stats":{}}`,
	`{"_event":"v2_playbook_on_stats","stats":{"h":{"ok":1,"ok":2}}}`,
	`{"_event":"v2_playbook_on_start","playbook":{"path":"/p.yml","check":true,"diff":null,"ansible_version":"2.19.1","verbosity":3,"stdout_callback":"minimal","extra":{"a":[]}}}`,
	`{"_event":"v2_playbook_on_start","playbook":{"Path":"/p.yml","PATH":"/q.yml"}}`,
	`{"_event":"v2_playbook_on_start","playbook":{"verbosity":"3"}}`,
	`{"_event":"v2_playbook_on_start","playbook":null}`,
	`{"_event":"v2_playbook_on_start","playbook":[]}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","name":"n","path":"/p.yml:3","hosts":["all","web\u00e9",null],"strategy":"linear","duration":{"start":"2026-11-23T19:11:34.158554Z","end":null,"x":1},"start":"ignored"}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","hosts":[],"duration":null}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","hosts":null}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","hosts":"all"}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","hosts":["a",1]}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","hosts":["a",]}}`,
	`{"_event":"v2_playbook_on_play_start","play":{"id":"p","duration":{"start":"a","Start":"b"}}}`,
	`{"_event":"v2_playbook_on_play_start","play":null}`,
}

// TestFastDecoderAgreesOnRecordings decodes every recorded stream with both
// paths, and checks that the fast path read each event line itself.
func TestFastDecoderAgreesOnRecordings(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "streams", "*.jsonl"))
	stock, _ := filepath.Glob(filepath.Join("..", "testdata", "stock", "*.jsonl"))
	files = append(append(files, stock...), filepath.Join("..", "testdata", "fleet", "fleet.jsonl"),
		filepath.Join("testdata", "basic.tap.jsonl"), filepath.Join("testdata", "basic.posix.jsonl"))
	if len(files) < 20 {
		t.Fatalf("only %d recordings found", len(files))
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(filepath.Dir(name))+"/"+filepath.Base(name), func(t *testing.T) {
			if diff := sameDecoding(decodeBoth(t, data, false), decodeBoth(t, data, true)); diff != "" {
				t.Fatal(diff)
			}
			d := NewDecoder(nil)
			slow := 0
			for line := range bytes.Lines(data) {
				line = bytes.TrimSuffix(line, []byte("\n"))
				var w wireEvent
				if !d.scanWire(line, &w) {
					slow++
				}
			}
			if slow > 0 {
				t.Errorf("%d lines were left to encoding/json", slow)
			}
		})
	}
}

func TestFastDecoderEdgeCases(t *testing.T) {
	for _, line := range fastPathEdgeCases {
		data := []byte(line + "\n")
		if diff := sameDecoding(decodeBoth(t, data, false), decodeBoth(t, data, true)); diff != "" {
			t.Errorf("%s\n%s", line, diff)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	for i, s := range []string{
		"2026-11-23T19:11:34.770398Z", "2026-11-23T19:11:34Z", "2024-02-29T00:00:00.1Z",
		"2026-11-23T19:11:34.123456789Z", "0000-01-01T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T19:11:34.Z",
		"2026-11-23T19:11:34.1234567890Z", "2026-11-23 19:11:34Z", "2026-11-23T19:11:34+01:00", "x026-11-23T19:11:34Z",
	} {
		want, err := time.Parse(timestampLayout, s)
		got, ok := parseTimestamp([]byte(s))
		if i < 4 && !ok {
			t.Errorf("parseTimestamp(%q) left the callbacks' own layout to time.Parse", s)
		}
		if ok && (err != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Errorf("parseTimestamp(%q) = %v, true; time.Parse: %v, %v", s, got, want, err)
		}
		if !ok && err == nil {
			t.Logf("parseTimestamp(%q) leaves it to time.Parse, which reads %v", s, want)
		}
	}
}

// A line with more than one host's result always decodes the same: to the
// event's own host, else the first in sorted order.
func TestSeveralHostsDecodeTheSame(t *testing.T) {
	for _, c := range []struct{ line, host, msg string }{
		{`{"_event":"v2_runner_on_ok","host":"b","hosts":{"a":{"msg":"A"},"b":{"msg":"B"},"c":{"msg":"C"}}}`, "b", "B"},
		{`{"_event":"v2_runner_on_ok","hosts":{"c":{"msg":"C"},"a":{"msg":"A"},"b":{"msg":"B"}}}`, "a", "A"},
	} {
		for range 20 {
			got := decodeBoth(t, []byte(c.line+"\n"), false)
			if len(got.events) != 1 || got.events[0].Host != c.host || got.events[0].Result.Msg != c.msg {
				t.Fatalf("%s: decoded to %+v, want host %s with msg %s", c.line, got.events, c.host, c.msg)
			}
		}
	}
}
