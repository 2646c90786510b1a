package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

func feed(h runner.Handler, events ...*runner.Event) *runner.Summary {
	s := runner.NewSummary()
	for _, ev := range events {
		s.Add(ev)
		h.Event(ev, s)
	}
	s.ExitCode = 0
	h.Finish(s)
	return s
}

func liveEvents() []*runner.Event {
	t0 := time.Unix(1000, 0)
	play := &runner.Play{ID: "p", Name: "web"}
	task := &runner.Task{ID: "t", Name: "install"}
	return []*runner.Event{
		{Kind: runner.PlayStart, Time: t0, Play: play},
		{Kind: runner.TaskStart, Time: t0, Play: play, Task: task},
		{Kind: runner.RunnerOK, Time: t0.Add(time.Second), Play: play, Task: task, Host: "a", Result: &runner.Result{}},
		{Kind: runner.RunnerOK, Time: t0.Add(2 * time.Second), Play: play, Task: task, Host: "b", Result: &runner.Result{Changed: true}},
		{Kind: runner.PlaybookStats, Time: t0.Add(3 * time.Second), Stats: map[string]runner.HostCounts{"a": {OK: 1}, "b": {OK: 1, Changed: 1}}},
	}
}

func TestCompactLiveStatusLine(t *testing.T) {
	var out bytes.Buffer
	feed(NewCompact(&out, Options{Live: true}), liveEvents()...)
	got := out.String()
	if !strings.Contains(got, "install — 2 host(s) done") {
		t.Errorf("no status line with the running task and hosts done:\n%q", got)
	}
	// Every status line is erased before the next output, and none is left at the end.
	last := strings.LastIndex(got, "host(s) done")
	if !strings.Contains(got[last:], "\r\x1b[K") {
		t.Errorf("the last status line is not erased:\n%q", got[last:])
	}
	if strings.Contains(got, "host(s) done\n") {
		t.Errorf("a status line ends in a newline:\n%q", got)
	}
}

func TestCompactNotLiveHasNoStatusLine(t *testing.T) {
	var out bytes.Buffer
	feed(NewCompact(&out, Options{}), liveEvents()...)
	if strings.Contains(out.String(), "\r") || strings.Contains(out.String(), "host(s) done") {
		t.Errorf("status line without Live:\n%q", out.String())
	}
	for _, want := range []string{"PLAY [web]", "TASK [install]", "ok: [a]", "changed: [b]", "PLAY RECAP", "Duration: 3.0s", "Slowest tasks:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}

func TestCompactInterruptedRunPrintsRecapSoFar(t *testing.T) {
	var out bytes.Buffer
	h := NewCompact(&out, Options{})
	evs := liveEvents()
	s := runner.NewSummary()
	for _, ev := range evs[:3] { // the stream ends before the stats
		s.Add(ev)
		h.Event(ev, s)
	}
	s.Interrupted, s.ExitCode = true, 99
	h.Finish(s)
	for _, want := range []string{"RUN INTERRUPTED", "exit code 99", "PLAY RECAP", "a                          : ok=1 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}

// During a long task no event comes: the status line's clock moves on.
func TestCompactStatusLineClockMovesOn(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(5000, 0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	var out testio.Buffer
	h := NewCompact(&out, Options{Live: true, Now: clock})
	evs := liveEvents()
	s := runner.NewSummary()
	start := &runner.Event{Kind: runner.RunnerStart, Time: evs[1].Time, Play: evs[1].Play, Task: evs[1].Task, Host: "a"}
	for _, ev := range []*runner.Event{evs[0], evs[1], start} { // host a runs the task; no result yet
		s.Add(ev)
		h.Event(ev, s)
	}
	mu.Lock()
	now = now.Add(65 * time.Second)
	mu.Unlock()
	h.refresh()
	if got := out.String(); !strings.HasSuffix(got, "\r\x1b[K… install — 0 host(s) done, 1m05s") {
		t.Errorf("the status line was not redrawn with the time now:\n%q", got)
	}
	s.ExitCode = 0
	h.Finish(s)
	if got := out.String(); strings.HasSuffix(got, "1m05s") {
		t.Errorf("Finish left the status line on screen:\n%q", got)
	}
}

// The clock never redraws over a prompt of Ansible's: not during a pause
// task, and not between tasks (vars_prompt, --step), when no host runs.
func TestCompactStatusClockLeavesPromptsAlone(t *testing.T) {
	t0 := time.Unix(1000, 0)
	play := &runner.Play{ID: "p", Name: "web"}
	pause := &runner.Task{ID: "t1", Name: "confirm", Action: "ansible.builtin.pause"}
	work := &runner.Task{ID: "t2", Name: "work", Action: "command"}
	tests := []struct {
		name   string
		events []*runner.Event
	}{
		{"a pause task runs", []*runner.Event{
			{Kind: runner.PlayStart, Time: t0, Play: play},
			{Kind: runner.TaskStart, Time: t0, Play: play, Task: pause},
			{Kind: runner.RunnerStart, Time: t0, Play: play, Task: pause, Host: "a"},
		}},
		{"between tasks", []*runner.Event{
			{Kind: runner.PlayStart, Time: t0, Play: play},
			{Kind: runner.TaskStart, Time: t0, Play: play, Task: work},
			{Kind: runner.RunnerStart, Time: t0, Play: play, Task: work, Host: "a"},
			{Kind: runner.RunnerOK, Time: t0, Play: play, Task: work, Host: "a", Result: &runner.Result{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out testio.Buffer
			h := NewCompact(&out, Options{Live: true})
			s := runner.NewSummary()
			for _, ev := range tt.events {
				s.Add(ev)
				h.Event(ev, s)
			}
			before := out.String()
			h.refresh()
			if after := out.String(); after != before {
				t.Errorf("the clock wrote over a possible prompt: %q", after[len(before):])
			}
			h.Finish(s)
		})
	}
}

// "text", the compact format's old name, still names it; unknown formats
// are refused with the list of formats.
func TestNewFormatNames(t *testing.T) {
	for _, format := range []string{"compact", "text", ""} {
		h, err := New(format, &bytes.Buffer{}, Options{})
		if err != nil {
			t.Fatalf("New(%q): %v", format, err)
		}
		if _, ok := h.(*Compact); !ok {
			t.Errorf("New(%q) = %T, want *Compact", format, h)
		}
	}
	_, err := New("yaml", &bytes.Buffer{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "want ansible, compact, table or jsonl") {
		t.Errorf("New(yaml): error %v, want the list of formats", err)
	}
}

// renderLines decodes event lines as the callback writes them and renders
// their events compact, without the run's end.
func renderLines(t *testing.T, lines ...string) string {
	t.Helper()
	var out bytes.Buffer
	h := NewCompact(&out, Options{})
	d := runner.NewDecoder(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	s := runner.NewSummary()
	for {
		ev, err := d.Next()
		if err == io.EOF {
			return out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		s.Add(ev)
		if err := h.Event(ev, s); err != nil {
			t.Fatal(err)
		}
	}
}

// resultLine is the callback's line for a result of host h for a task
// with action; extra holds further fields of the event, each with a
// leading comma.
func resultLine(kind runner.Kind, action, result, extra string) string {
	return `{"_event":"v2_` + string(kind) + `","task":{"name":"a task","id":"t1","action":"` + action +
		`"},"host":"h","hosts":{"h":` + result + `}` + extra + `}`
}

// Control characters from remote output reach the terminal escaped: a \r
// in an unreachable host's message overwrote its line.
func TestCompactEscapesControlCharacters(t *testing.T) {
	got := renderLines(t,
		resultLine(runner.RunnerUnreach, "ping", `{"unreachable":true,"changed":false,`+
			`"msg":"Failed to connect to the host via ssh: reset\r\nby peer\rgone \u001b]0;title\u0007"}`, ""),
		resultLine(runner.ItemOK, "command", `{"changed":true,"item":"a\u001b[2Jb","_ansible_item_label":"a\u001b[2Jb"}`, `,"loop":true`),
	)
	want := "\nTASK [a task] ******************************************************************\n" +
		"fatal: [h]: UNREACHABLE! => Failed to connect to the host via ssh: reset\nby peer\\rgone \\x1b]0;title\\x07\n" +
		"changed: [h] => (item=a\\x1b[2Jb)\n"
	if got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

// The results of debug and assert speak after " => ", one line each, as
// ansible-playbook shows them (there pretty-printed JSON).
func TestCompactOKOutput(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"debug msg", resultLine(runner.RunnerOK, "ansible.builtin.debug", `{"msg":"hello","changed":false}`, ""),
			"ok: [h] => hello"},
		{"debug msg list", resultLine(runner.RunnerOK, "debug", `{"msg":[1,2],"changed":false}`, ""),
			"ok: [h] => [1, 2]"},
		{"debug var string", resultLine(runner.RunnerOK, "debug", `{"s":"hello","changed":false}`, ""),
			`ok: [h] => s: "hello"`},
		{"debug var list", resultLine(runner.RunnerOK, "debug", `{"l":["a",1,{"b":"c"}],"changed":false}`, ""),
			`ok: [h] => l: ["a", 1, {"b": "c"}]`},
		{"debug var dict, keys sorted", resultLine(runner.RunnerOK, "debug", `{"d":{"z":"q","x":1,"y":[2,3]},"changed":false}`, ""),
			`ok: [h] => d: {"x": 1, "y": [2, 3], "z": "q"}`},
		{"debug var multi-line string", resultLine(runner.RunnerOK, "debug", `{"out":"a\nb <&>","changed":false}`, ""),
			`ok: [h] => out: "a\nb <&>"`},
		{"debug var undefined", resultLine(runner.RunnerOK, "debug", `{"nope":"VARIABLE IS NOT DEFINED!","changed":false}`, ""),
			`ok: [h] => nope: "VARIABLE IS NOT DEFINED!"`},
		{"debug var in a loop", resultLine(runner.ItemOK, "debug",
			`{"x":3,"changed":false,"f":1,"i":0,"ansible_loop_var":"f","ansible_index_var":"i","_ansible_item_label":1}`, `,"loop":true`),
			"ok: [h] => (item=1) => x: 3"},
		{"assert", resultLine(runner.RunnerOK, "ansible.builtin.assert", `{"changed":false,"msg":"All assertions passed"}`, ""),
			"ok: [h] => All assertions passed"},
		{"assert success_msg in a loop", resultLine(runner.ItemOK, "assert",
			`{"changed":false,"msg":"fine","item":2,"ansible_loop_var":"item"}`, `,"loop":true`),
			"ok: [h] => (item=2) => fine"},
		{"other modules keep quiet", resultLine(runner.RunnerOK, "command", `{"changed":true,"msg":"","stdout":"x","rc":0}`, ""),
			"changed: [h]"},
		{"no_log", resultLine(runner.RunnerOK, "debug", `{"censored":"the output has been hidden","changed":false}`, `,"no_log":true`),
			"ok: [h]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderLines(t, tt.line)
			if !strings.HasSuffix(got, "*\n"+tt.want+"\n") {
				t.Errorf("got:\n%s\nwant its result line:\n%s", got, tt.want)
			}
		})
	}
}
