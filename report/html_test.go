package report

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/google/go-cmp/cmp"
)

func TestSpread(t *testing.T) {
	for _, c := range []struct {
		values                  []int64
		least, median, greatest int64
	}{
		{nil, 0, 0, 0},
		{[]int64{7}, 7, 7, 7},
		{[]int64{9, 1}, 1, 5, 9},
		{[]int64{5, 1, 3}, 1, 3, 5},
		{[]int64{40, 10, 30, 20}, 10, 25, 40},
	} {
		least, median, greatest := spread(c.values)
		if least != c.least || median != c.median || greatest != c.greatest {
			t.Errorf("spread(%v) = %d, %d, %d; want %d, %d, %d", c.values, least, median, greatest, c.least, c.median, c.greatest)
		}
	}
}

func TestTerminalText(t *testing.T) {
	for _, c := range []struct {
		name   string
		pieces []consolePiece
		want   []consoleSpan
	}{
		{"plain", []consolePiece{{"stdout", []byte("ok: [web1]\n")}}, []consoleSpan{{"", "ok: [web1]\n"}}},
		{"ansible's colours", []consolePiece{{"stdout", []byte("\x1b[0;32mok: [web1]\x1b[0m\n\x1b[1;31mfatal\x1b[0m")}},
			[]consoleSpan{{"a32", "ok: [web1]"}, {"", "\n"}, {"a31 b", "fatal"}}},
		{"a sequence split between pieces", []consolePiece{{"stdout", []byte("a\x1b[0;3")}, {"stdout", []byte("3mb")}},
			[]consoleSpan{{"", "a"}, {"a33", "b"}}},
		{"stderr", []consolePiece{{"stdout", []byte("out ")}, {event.StreamStderr, []byte("err")}},
			[]consoleSpan{{"", "out "}, {"err", "err"}}},
		{"other escapes and controls dropped", []consolePiece{{"terminal", []byte("\x1b[2K\x1b]0;title\x07x\r\n\x00y\x1b[38;5;208mz")}},
			[]consoleSpan{{"", "x\nyz"}}},
		{"a character split between pieces", []consolePiece{{"stdout", []byte("é")[:1]}, {"stdout", []byte("é")[1:]}},
			[]consoleSpan{{"", "é"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log consoleLog
			for _, p := range c.pieces {
				log.add(p.stream, p.data)
			}
			if diff := cmp.Diff(c.want, log.spans()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// The console's text, kept in pieces, is copied into its spans once, not
// once for every piece after it: a long run's output stays within its
// bounds while the report is written.
func TestConsoleSpansCopyTheTextOnce(t *testing.T) {
	var log consoleLog
	piece := []byte(strings.Repeat("ok: [web1]\n", 32<<10/11))
	for range 2 * consoleLimit / len(piece) {
		log.add("stdout", piece)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	spans := log.spans()
	runtime.ReadMemStats(&after)
	if len(spans) != 3 || len(spans[0].Text) < consoleLimit/2-len(piece) {
		t.Fatalf("%d spans", len(spans))
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2*consoleLimit {
		t.Errorf("making the spans of %d MiB allocated %d MiB", consoleLimit>>20, allocated>>20)
	}
}

func TestConsoleLogKeepsTheStartAndTheEnd(t *testing.T) {
	var log consoleLog
	piece := strings.Repeat("x", 512<<10-1) + "\n"
	for i := range 20 {
		log.add("stdout", []byte(fmt.Sprintf("piece %d\n", i)+piece))
	}
	text := ""
	for _, s := range log.spans() {
		text += s.Text
	}
	if len(text) > consoleLimit+1000 {
		t.Errorf("%d bytes kept, the limit is %d", len(text), consoleLimit)
	}
	for _, want := range []string{"piece 0\n", "piece 2\n", "piece 17\n", "piece 19\n", "bytes of output left out"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q is missing", want)
		}
	}
	if strings.Contains(text, "piece 10\n") {
		t.Error("the middle of the output is kept")
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		s     string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"0123456789ab", 10, "0123456789\n… (2 more bytes)"},
		{"ééé", 3, "é\n… (4 more bytes)"}, // never half a character
	} {
		if got := clip(c.s, c.limit); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.s, c.limit, got, c.want)
		}
	}
}

func TestDiffLines(t *testing.T) {
	got := diffLines("--- before: a\n+++ after: a\n@@ -1 +1 @@\n-x\n+y\n z\n\n")
	want := []diffLine{{"dh", "--- before: a"}, {"dh", "+++ after: a"}, {"dk", "@@ -1 +1 @@"}, {"dd", "-x"}, {"da", "+y"}, {"", " z"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A result under no_log leaves nothing of its output, diff or items in the
// report, in whichever event it came.
func TestHTMLHidesNoLogResults(t *testing.T) {
	const secret = "hunter2"
	path := filepath.Join(t.TempDir(), "report.html")
	h := NewHTML(HTMLOptions{Path: path})
	s := event.NewSummary()
	s.KeepResults = true // as for the HTML report
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "play"}
	task := &event.Task{ID: "t", Name: "Set the password", Path: "/src/site.yml:3"}
	rc := 1
	for _, ev := range []*event.Event{
		{Kind: event.PlayStart, Play: play},
		{Kind: event.TaskStart, Play: play, Task: task},
		{Kind: event.ItemFailed, Play: play, Task: task, Host: "web1", NoLog: true, Result: &event.Result{Failed: true, Msg: secret}},
		{Kind: event.FileDiff, Play: play, Task: task, Host: "web1", NoLog: true, DiffText: "+password=" + secret + "\n"},
		{Kind: event.RunnerFailed, Play: play, Task: task, Host: "web1", NoLog: true, Disposition: event.Fatal,
			Result: &event.Result{Failed: true, Msg: secret, Stderr: secret, RC: &rc, Raw: []byte(`{"stdout":"` + secret + `"}`)}},
	} {
		ev.Time = at
		s.Add(ev)
		h.Event(ev, s)
	}
	s.ExitCode = 2
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) {
		t.Error("the report shows what no_log hid")
	}
	if !strings.Contains(string(data), "hidden: the task has no_log") {
		t.Error("the report does not say that the failure is hidden")
	}
}

// The report of a run that failed and of one that was interrupted is
// written all the same, replacing the file, which a reader never sees half
// written.
func TestHTMLFinishWritesEveryRun(t *testing.T) {
	for _, name := range []string{"mixed", "interrupted"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "reports", "run.html")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("an old report"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := replayHTML(t, filepath.Join("testdata", name+".jsonl"), NewHTML(HTMLOptions{Path: path}))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), "<!DOCTYPE html>") || !strings.Contains(string(data), fmt.Sprintf(`data-outcome="%s"`, s.Outcome())) {
				t.Errorf("the report of the %s run was not written: %.100q", name, data)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("the directory holds %d files, want the report alone", len(entries))
			}
		})
	}
}
