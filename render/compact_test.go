package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

func feed(h event.Handler, events ...*event.Event) *event.Summary {
	s := event.NewSummary()
	for _, ev := range events {
		s.Add(ev)
		h.Event(ev, s)
	}
	s.ExitCode = 0
	h.Finish(s)
	return s
}

func liveEvents() []*event.Event {
	t0 := time.Unix(1000, 0)
	play := &event.Play{ID: "p", Name: "web"}
	task := &event.Task{ID: "t", Name: "install"}
	return []*event.Event{
		{Kind: event.PlayStart, Time: t0, Play: play},
		{Kind: event.TaskStart, Time: t0, Play: play, Task: task},
		{Kind: event.RunnerOK, Time: t0.Add(time.Second), Play: play, Task: task, Host: "a", Result: &event.Result{}},
		{Kind: event.RunnerOK, Time: t0.Add(2 * time.Second), Play: play, Task: task, Host: "b", Result: &event.Result{Changed: true}},
		{Kind: event.PlaybookStats, Time: t0.Add(3 * time.Second), Stats: map[string]event.HostCounts{"a": {OK: 1}, "b": {OK: 1, Changed: 1}}},
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

// A run that ends before Ansible's recap prints the counts so far under a
// heading that says why: interrupted, or aborted by Ansible with an ERROR!.
func TestCompactRunEndingBeforeTheRecap(t *testing.T) {
	tests := []struct {
		name        string
		interrupted bool
		exitCode    int
		want, never string
	}{
		{"interrupted", true, 99, "RUN INTERRUPTED: the run ended before Ansible's recap (exit code 99); counts so far:", "ABORTED"},
		{"aborted", false, 1, "RUN ABORTED: ansible-playbook exited with code 1 before its recap; counts so far:", "INTERRUPTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			h := NewCompact(&out, Options{})
			s := event.NewSummary()
			for _, ev := range liveEvents()[:3] { // the stream ends before the stats
				s.Add(ev)
				h.Event(ev, s)
			}
			s.Interrupted, s.ExitCode = tt.interrupted, tt.exitCode
			h.Finish(s)
			got := out.String()
			for _, want := range []string{"\n" + tt.want + "\n\nPLAY RECAP", "a                          : ok=1 ", "Duration: "} {
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in:\n%s", want, got)
				}
			}
			if strings.Contains(got, tt.never) {
				t.Errorf("%q in:\n%s", tt.never, got)
			}
		})
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
	s := event.NewSummary()
	start := &event.Event{Kind: event.RunnerStart, Time: evs[1].Time, Play: evs[1].Play, Task: evs[1].Task, Host: "a"}
	for _, ev := range []*event.Event{evs[0], evs[1], start} { // host a runs the task; no result yet
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
	play := &event.Play{ID: "p", Name: "web"}
	pause := &event.Task{ID: "t1", Name: "confirm", Action: "ansible.builtin.pause"}
	work := &event.Task{ID: "t2", Name: "work", Action: "command"}
	tests := []struct {
		name   string
		events []*event.Event
	}{
		{"a pause task runs", []*event.Event{
			{Kind: event.PlayStart, Time: t0, Play: play},
			{Kind: event.TaskStart, Time: t0, Play: play, Task: pause},
			{Kind: event.RunnerStart, Time: t0, Play: play, Task: pause, Host: "a"},
		}},
		{"between tasks", []*event.Event{
			{Kind: event.PlayStart, Time: t0, Play: play},
			{Kind: event.TaskStart, Time: t0, Play: play, Task: work},
			{Kind: event.RunnerStart, Time: t0, Play: play, Task: work, Host: "a"},
			{Kind: event.RunnerOK, Time: t0, Play: play, Task: work, Host: "a", Result: &event.Result{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out testio.Buffer
			h := NewCompact(&out, Options{Live: true})
			s := event.NewSummary()
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
	d := event.NewDecoder(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	s := event.NewSummary()
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
func resultLine(kind event.Kind, action, result, extra string) string {
	return `{"_event":"v2_` + string(kind) + `","task":{"name":"a task","id":"t1","action":"` + action +
		`"},"host":"h","hosts":{"h":` + result + `}` + extra + `}`
}

// Control characters from remote output reach the terminal escaped: a \r
// in an unreachable host's message overwrote its line.
func TestCompactEscapesControlCharacters(t *testing.T) {
	got := renderLines(t,
		resultLine(event.RunnerUnreach, "ping", `{"unreachable":true,"changed":false,`+
			`"msg":"Failed to connect to the host via ssh: reset\r\nby peer\rgone \u001b]0;title\u0007"}`, ""),
		resultLine(event.ItemOK, "command", `{"changed":true,"item":"a\u001b[2Jb","_ansible_item_label":"a\u001b[2Jb"}`, `,"loop":true`),
	)
	want := "\nTASK [a task] ******************************************************************\n" +
		"fatal: [h]: UNREACHABLE! => Failed to connect to the host via ssh: reset\n  by peer\\rgone \\x1b]0;title\\x07\n" +
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
		{"debug msg", resultLine(event.RunnerOK, "ansible.builtin.debug", `{"msg":"hello","changed":false}`, ""),
			"ok: [h] => hello"},
		{"debug msg list", resultLine(event.RunnerOK, "debug", `{"msg":[1,2],"changed":false}`, ""),
			"ok: [h] => [1, 2]"},
		{"debug var string", resultLine(event.RunnerOK, "debug", `{"s":"hello","changed":false}`, ""),
			`ok: [h] => s: "hello"`},
		{"debug var list", resultLine(event.RunnerOK, "debug", `{"l":["a",1,{"b":"c"}],"changed":false}`, ""),
			`ok: [h] => l: ["a", 1, {"b": "c"}]`},
		{"debug var dict, keys sorted", resultLine(event.RunnerOK, "debug", `{"d":{"z":"q","x":1,"y":[2,3]},"changed":false}`, ""),
			`ok: [h] => d: {"x": 1, "y": [2, 3], "z": "q"}`},
		{"debug var multi-line string", resultLine(event.RunnerOK, "debug", `{"out":"a\nb <&>","changed":false}`, ""),
			`ok: [h] => out: "a\nb <&>"`},
		{"debug var undefined", resultLine(event.RunnerOK, "debug", `{"nope":"VARIABLE IS NOT DEFINED!","changed":false}`, ""),
			`ok: [h] => nope: "VARIABLE IS NOT DEFINED!"`},
		{"debug var in a loop", resultLine(event.ItemOK, "debug",
			`{"x":3,"changed":false,"f":1,"i":0,"ansible_loop_var":"f","ansible_index_var":"i","_ansible_item_label":1}`, `,"loop":true`),
			"ok: [h] => (item=1) => x: 3"},
		{"assert", resultLine(event.RunnerOK, "ansible.builtin.assert", `{"changed":false,"msg":"All assertions passed"}`, ""),
			"ok: [h] => All assertions passed"},
		{"assert success_msg in a loop", resultLine(event.ItemOK, "assert",
			`{"changed":false,"msg":"fine","item":2,"ansible_loop_var":"item"}`, `,"loop":true`),
			"ok: [h] => (item=2) => fine"},
		{"other modules keep quiet", resultLine(event.RunnerOK, "command", `{"changed":true,"msg":"","stdout":"x","rc":0}`, ""),
			"changed: [h]"},
		{"no_log", resultLine(event.RunnerOK, "debug", `{"censored":"the output has been hidden","changed":false}`, `,"no_log":true`),
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

// A failure shows what its result has to say: msg, a non-zero rc, the
// first lines of stdout and stderr, a failed assertion; a result with none
// of them its return values, never "(no message)".
func TestCompactFailureDetails(t *testing.T) {
	long := strings.Repeat("x", 250)
	tests := []struct {
		name, line, want string
	}{
		{"rc, stdout and stderr", resultLine(event.RunnerFailed, "shell",
			`{"changed":true,"stdout":"out1\nout2","stderr":"err","rc":3,"cmd":"echo out1; echo out2; echo err >&2; exit 3",`+
				`"msg":"non-zero return code","invocation":{"module_args":{"_raw_params":"exit 3"}},"stdout_lines":["out1","out2"],"stderr_lines":["err"]}`, ""),
			"fatal: [h]: FAILED! => non-zero return code (rc=3)\n" +
				"  stdout: out1\n" +
				"          out2\n" +
				"  stderr: err\n"},
		{"stderr only, no msg", resultLine(event.RunnerFailed, "command", `{"rc":2,"stderr":"ls: cannot access '/nope'\r\n","stdout":""}`, ""),
			"fatal: [h]: FAILED! => non-zero return code (rc=2)\n" +
				"  stderr: ls: cannot access '/nope'\n"},
		{"long output is cut", resultLine(event.RunnerFailed, "command",
			`{"rc":1,"msg":"","stdout":"1\n2\n3\n4\n5\n6\n7\n`+long+`"}`, ""),
			"fatal: [h]: FAILED! => non-zero return code (rc=1)\n" +
				"  stdout: 1\n" +
				"          2\n" +
				"          3\n" +
				"          4\n" +
				"          … 4 more lines\n"},
		{"a long line is cut, the headline is not", resultLine(event.RunnerFailed, "command", `{"msg":"`+long+`","stderr":"y`+long+`"}`, ""),
			"fatal: [h]: FAILED! => " + long + "\n" +
				"  stderr: y" + strings.Repeat("x", 198) + "…\n"},
		{"stderr that the msg already says", resultLine(event.RunnerFailed, "ansible.builtin.git", `{"msg":"fatal: not a repo","stderr":"fatal: not a repo\n","rc":128}`, ""),
			"fatal: [h]: FAILED! => fatal: not a repo (rc=128)\n"},
		{"multi-line msg", resultLine(event.RunnerFailed, "fail", `{"msg":"line1\nline2","changed":false}`, ""),
			"fatal: [h]: FAILED! => line1\n" +
				"  line2\n"},
		{"module failure", resultLine(event.RunnerFailed, "ping",
			`{"module_stdout":"","module_stderr":"Traceback (most recent call last):\n  File \"x.py\"\nKeyError: 'a'\n",`+
				`"msg":"MODULE FAILURE\nSee stdout/stderr for the exact error","rc":1,"exception":"Traceback:\nKeyError: 'a'\n"}`, ""),
			"fatal: [h]: FAILED! => MODULE FAILURE (rc=1)\n" +
				"  See stdout/stderr for the exact error\n" +
				"  exception: KeyError: 'a'\n" +
				"  module_stderr: Traceback (most recent call last):\n" +
				"                   File \"x.py\"\n" +
				"                 KeyError: 'a'\n"},
		{"failed assert", resultLine(event.RunnerFailed, "ansible.builtin.assert",
			`{"evaluated_to":false,"assertion":"1 == 2","msg":"Assertion failed","changed":false}`, ""),
			"fatal: [h]: FAILED! => Assertion failed\n" +
				"  assertion: 1 == 2\n" +
				"  evaluated_to: false\n"},
		{"output but no msg", resultLine(event.RunnerFailed, "command",
			`{"changed":true,"stdout":"a","stderr":"","rc":0,"msg":"","failed_when_result":true}`, ""),
			"fatal: [h]: FAILED!\n" +
				"  stdout: a\n"},
		{"nothing to say but return values", resultLine(event.RunnerFailed, "command",
			`{"changed":true,"stdout":"","stderr":"","rc":0,"cmd":["true"],"msg":"","invocation":{"module_args":{}},"failed_when_result":true,"_ansible_no_log":false}`, ""),
			`fatal: [h]: FAILED! => {"changed": true, "cmd": ["true"], "failed_when_result": true, "msg": "", "rc": 0, "stderr": "", "stdout": ""}` + "\n"},
		{"an empty result", resultLine(event.RunnerFailed, "command", `{}`, ""),
			"fatal: [h]: FAILED! => (no message)\n"},
		{"no_log", resultLine(event.RunnerFailed, "command", `{"censored":"the output has been hidden due to the fact that 'no_log: true' was specified for this result","changed":true}`, `,"no_log":true`),
			"fatal: [h]: FAILED! => (output hidden: no_log: true)\n"},
		{"item", resultLine(event.ItemFailed, "command",
			`{"changed":true,"stdout":"","stderr":"boom","rc":1,"msg":"non-zero return code","item":2,"ansible_loop_var":"item"}`, `,"loop":true`),
			"failed: [h] (item=2) => non-zero return code (rc=1)\n" +
				"  stderr: boom\n"},
		{"unreachable", resultLine(event.RunnerUnreach, "ping",
			`{"unreachable":true,"msg":"Data could not be sent to remote host \"10.0.0.9\". Make sure this host can be reached over ssh: \r\nssh: connect to host 10.0.0.9 port 22: No route to host\r\n","changed":false}`, ""),
			"fatal: [h]: UNREACHABLE! => Data could not be sent to remote host \"10.0.0.9\". Make sure this host can be reached over ssh: \n" +
				"  ssh: connect to host 10.0.0.9 port 22: No route to host\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderLines(t, tt.line)
			if !strings.HasSuffix(got, "*\n"+tt.want) {
				t.Errorf("got:\n%s\nwant its result lines:\n%s", got, tt.want)
			}
		})
	}
}

// Module warnings and deprecations follow the result's line, each once a
// run, as ansible-playbook prints them (which the compact output replaces).
func TestCompactWarnings(t *testing.T) {
	const warns = `"warnings":["something looks odd"],"deprecations":[` +
		`{"msg":"the warny module is old","version":"2.99","collection_name":"ansible.builtin"},` +
		`{"msg":"dated thing!","date":"2030-01-01","collection_name":"community.general"},{"msg":"no when"}]`
	const want = "[WARNING]: something looks odd\n" +
		"[DEPRECATION WARNING]: the warny module is old. This feature will be removed from ansible-core in version 2.99.\n" +
		"[DEPRECATION WARNING]: dated thing! This feature will be removed from community.general in a release after 2030-01-01.\n" +
		"[DEPRECATION WARNING]: no when. This feature will be removed in a future release.\n"
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"ok", []string{resultLine(event.RunnerOK, "warny",
			`{"changed":false,"out":"x","invocation":{"module_args":{"fail":false}},`+warns+`}`, "")},
			"ok: [h]\n" + want},
		{"failed", []string{resultLine(event.RunnerFailed, "warny",
			`{"msg":"warny failed","invocation":{"module_args":{"fail":true}},`+warns+`,"changed":false}`, `,"ignore_errors":true`)},
			"fatal: [h]: FAILED! => warny failed\n...ignoring\n" + want},
		{"once a run", []string{
			resultLine(event.ItemOK, "warny", `{"changed":false,"item":1,`+warns+`}`, `,"loop":true`),
			resultLine(event.ItemOK, "warny", `{"changed":false,"item":2,`+warns+`}`, `,"loop":true`),
			resultLine(event.RunnerOK, "warny", `{"changed":false,"results":[],`+warns+`}`, `,"loop":true`),
		}, "ok: [h] => (item=1)\n" + want + "ok: [h] => (item=2)\n"},
		{"a single warning string", []string{resultLine(event.RunnerOK, "x", `{"changed":false,"warnings":"just one"}`, "")},
			"ok: [h]\n[WARNING]: just one\n"},
		{"no_log", []string{resultLine(event.RunnerOK, "warny", `{"censored":"hidden","changed":false,`+warns+`}`, `,"no_log":true`)},
			"ok: [h]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderLines(t, tt.lines...)
			if !strings.HasSuffix(got, "*\n"+tt.want) {
				t.Errorf("got:\n%s\nwant its result lines:\n%s", got, tt.want)
			}
		})
	}
}

// Async lines read as ansible-playbook's; a value the result lacks is left
// out, never printed as <nil>.
func TestCompactAsyncLines(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"poll", resultLine(event.AsyncPoll, "shell",
			`{"started":1,"finished":0,"stdout":"","stderr":"","ansible_job_id":"j63173477501.21181","results_file":"/root/.ansible_async/j63173477501.21181"}`, ""),
			"ASYNC POLL on h: jid=j63173477501.21181 started=1 finished=0"},
		{"ok", resultLine(event.AsyncOK, "shell",
			`{"started":1,"finished":1,"stdout":"done","ansible_job_id":"j63173477501.21181","changed":true,"rc":0}`, ""),
			"ASYNC OK on h: jid=j63173477501.21181"},
		{"failed", resultLine(event.AsyncFailed, "shell",
			`{"started":1,"finished":1,"ansible_job_id":"j946718640460.21379","changed":true,"rc":2,"msg":"non-zero return code"}`, ""),
			"ASYNC FAILED on h: jid=j946718640460.21379"},
		{"failed, the id in async_result", resultLine(event.AsyncFailed, "shell",
			`{"failed":true,"msg":"async task did not complete within the requested time","async_result":{"ansible_job_id":"j1.2","finished":0}}`, ""),
			"ASYNC FAILED on h: jid=j1.2"},
		{"poll without values", resultLine(event.AsyncPoll, "shell", `{}`, ""),
			"ASYNC POLL on h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderLines(t, tt.line)
			if !strings.HasSuffix("\n"+got, "\n"+tt.want+"\n") {
				t.Errorf("got:\n%s\nwant its line:\n%s", got, tt.want)
			}
		})
	}
}

// Under the free and host_pinned strategies a task's banner waits for its
// first result, so no banner stands empty; linear plays print it at the
// task's start.
func TestCompactBannersOfFreeStrategies(t *testing.T) {
	t0 := time.Unix(1000, 0)
	first := &event.Task{ID: "t1", Name: "first"}
	second := &event.Task{ID: "t2", Name: "second"}
	events := func(strategy string) []*event.Event {
		play := &event.Play{ID: "p", Name: "web", Strategy: strategy}
		ok := func(task *event.Task, host string) *event.Event {
			return &event.Event{Kind: event.RunnerOK, Time: t0, Play: play, Task: task, Host: host, Result: &event.Result{}}
		}
		return []*event.Event{
			{Kind: event.PlayStart, Time: t0, Play: play},
			{Kind: event.TaskStart, Time: t0, Play: play, Task: first},
			{Kind: event.TaskStart, Time: t0, Play: play, Task: first},
			ok(first, "a"),
			{Kind: event.TaskStart, Time: t0, Play: play, Task: second},
			ok(second, "a"),
			ok(first, "b"),
			{Kind: event.PlayStart, Time: t0, Play: play}, // the next serial batch
			ok(first, "c"),
		}
	}
	free := "\nPLAY [web] *********************************************************************\n" +
		"\nTASK [first] *******************************************************************\nok: [a]\n" +
		"\nTASK [second] ******************************************************************\nok: [a]\n" +
		"\nTASK [first] *******************************************************************\nok: [b]\n" +
		"\nPLAY [web] *********************************************************************\n" +
		"\nTASK [first] *******************************************************************\nok: [c]\n"
	linear := "\nPLAY [web] *********************************************************************\n" +
		"\nTASK [first] *******************************************************************\n" +
		"\nTASK [first] *******************************************************************\nok: [a]\n" +
		"\nTASK [second] ******************************************************************\nok: [a]\n" +
		"\nTASK [first] *******************************************************************\nok: [b]\n" +
		"\nPLAY [web] *********************************************************************\n" +
		"\nTASK [first] *******************************************************************\nok: [c]\n"
	for _, tt := range []struct{ strategy, want string }{
		{"free", free}, {"ansible.builtin.free", free}, {"host_pinned", free}, {"ansible.legacy.host_pinned", free},
		{"linear", linear}, {"", linear},
	} {
		t.Run(tt.strategy, func(t *testing.T) {
			var out bytes.Buffer
			h := NewCompact(&out, Options{})
			s := event.NewSummary()
			for _, ev := range events(tt.strategy) {
				s.Add(ev)
				h.Event(ev, s)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
