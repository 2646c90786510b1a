package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// callbackCheck is what one case of testdata/callback_check.py saw.
type callbackCheck struct {
	events      []*event.Event
	summary     *event.Summary
	log         string               // what the decoder logged
	diagnostics []callbackDiagnostic // the callback's ansible_tap_diagnostic records
	facts       []byte               // the case's line of facts, a JSON object
}

// callbackDiagnostic is an ansible_tap_diagnostic record.
type callbackDiagnostic struct {
	Event string `json:"_event"`
	Hook  string `json:"hook"`
	Error string `json:"error"`
}

// environWithoutAnsible is the test's environment without the ANSIBLE_*
// settings of whoever runs it.
func environWithoutAnsible() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ANSIBLE_") {
			env = append(env, kv)
		}
	}
	return env
}

// runCallbackCheck runs testdata/callback_check.py CASE with the embedded
// callback under ansible-playbook's own Python and ansible-core, and
// decodes the records the callback wrote and the facts line after them.
func runCallbackCheck(t *testing.T, check string) *callbackCheck {
	t.Helper()
	python, pythonPath := ansiblePython(t)
	plugin := filepath.Join(t.TempDir(), callbackName+".py")
	if err := os.WriteFile(plugin, callbackSource, 0o600); err != nil {
		t.Fatal(err)
	}
	// A callback that deadlocked would hang the check: it is stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/callback_check.py", plugin, check)
	cmd.Env = append(environWithoutAnsible(), "PYTHONPATH="+pythonPath)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("callback_check.py %s: %v\n%s", check, err, stderr.Bytes())
	}
	out := bytes.TrimSuffix(stdout.Bytes(), []byte("\n"))
	records, facts := []byte(nil), out
	if i := bytes.LastIndexByte(out, '\n'); i >= 0 {
		records, facts = out[:i+1], out[i+1:]
	}
	c := &callbackCheck{facts: facts}
	var last callbackDiagnostic
	if err := json.Unmarshal(facts, &last); err != nil || last.Event != "tap_check_facts" {
		t.Fatalf("callback_check.py %s printed no facts line last: %q", check, facts)
	}
	for _, line := range bytes.Split(records, []byte("\n")) {
		var d callbackDiagnostic
		if json.Unmarshal(line, &d) == nil && d.Event == event.DiagnosticEvent {
			c.diagnostics = append(c.diagnostics, d)
		}
	}
	var logged bytes.Buffer
	d := event.NewDecoder(bytes.NewReader(records))
	d.Log = zerolog.New(&logged)
	var nonEvents bytes.Buffer
	d.Text = &nonEvents
	rec := &recorder{}
	s, err := event.ReplayDecoder(d, rec)
	// A case may send no event at all (restore, bad-fd): it checks its facts.
	if err != nil && !(errors.Is(err, event.ErrNoRun) && len(rec.events) == 0) {
		t.Fatal(err)
	}
	if nonEvents.Len() > 0 {
		t.Errorf("the callback wrote lines that are not whole events:\n%.2000s", nonEvents.Bytes())
	}
	c.events, c.summary, c.log = rec.events, s, logged.String()
	return c
}

// decodeFacts decodes a check's facts into v.
func (c *callbackCheck) decodeFacts(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(c.facts, v); err != nil {
		t.Fatalf("facts %s: %v", c.facts, err)
	}
}

// TestCallbackKeepsUnencodableRecords: a result that cannot be encoded still
// gives its event with its identity, status and disposition, says why, and
// counts for its host alone.
func TestCallbackKeepsUnencodableRecords(t *testing.T) {
	c := runCallbackCheck(t, "unencodable")
	if len(c.events) != 1 {
		t.Fatalf("%d events, want 1", len(c.events))
	}
	ev := c.events[0]
	if ev.Kind != event.RunnerFailed || ev.Host != "h1" || ev.Task.Name != "Unencodable" || ev.Disposition != event.Ignored {
		t.Errorf("event %s on %q of task %q, %s; want runner_on_failed on h1 of Unencodable, ignored", ev.Kind, ev.Host, ev.Task.Name, ev.Disposition)
	}
	if ev.Result.Msg != "loops back" || ev.Result.RC == nil || *ev.Result.RC != 2 || !ev.Result.Changed {
		t.Errorf("result %+v: want its msg, rc and changed kept", ev.Result)
	}
	if !strings.Contains(string(ev.Raw), `"encode_error"`) || !strings.Contains(c.log, "could not encode") {
		t.Errorf("nothing says what could not be encoded: record %s, log %s", ev.Raw, c.log)
	}
	if got := fmt.Sprint(c.summary.Hosts); got != "[h1]" {
		t.Errorf("hosts %s, want [h1]", got)
	}
}

// TestCallbackHookThatRaises: a hook that cannot describe its result still
// emits its event with the task and host, and a diagnostic record, and says
// what its identity had to leave out.
func TestCallbackHookThatRaises(t *testing.T) {
	c := runCallbackCheck(t, "raises")
	if len(c.events) != 1 {
		t.Fatalf("%d events, want 1", len(c.events))
	}
	ev := c.events[0]
	if ev.Kind != event.RunnerFailed || ev.Host != "h1" || ev.Task.Name != "Raises" {
		t.Errorf("event %s on %q of task %q; want runner_on_failed on h1 of Raises", ev.Kind, ev.Host, ev.Task.Name)
	}
	if !strings.Contains(string(ev.Raw), "this task cannot be read") {
		t.Errorf("the event does not say what went wrong: %s", ev.Raw)
	}
	if !strings.Contains(c.log, "v2_runner_on_failed") || !strings.Contains(c.log, "reports a problem") {
		t.Errorf("no diagnostic record for the hook; log: %s", c.log)
	}
	if !hasDiagnostic(c.diagnostics, "v2_runner_on_failed", "task path left out") {
		t.Errorf("nothing says the event was sent without the task's path: %+v", c.diagnostics)
	}
	if c := c.summary.Counts["h1"]; c == nil || c.Failures != 1 {
		t.Errorf("counts %v; want one failure on h1", c)
	}
	if len(c.summary.Counts) != 1 {
		t.Errorf("counts %v; want h1 alone", c.summary.Counts)
	}
}

// hasDiagnostic reports whether one of ds is hook's and says what.
func hasDiagnostic(ds []callbackDiagnostic, hook, what string) bool {
	for _, d := range ds {
		if d.Hook == hook && strings.Contains(d.Error, what) {
			return true
		}
	}
	return false
}

// TestCallbackConcurrentWritesStayWhole: Ansible calls item callbacks from
// its results thread while others run; events far larger than an atomic
// pipe write, written by many threads at once, all arrive whole.
func TestCallbackConcurrentWritesStayWhole(t *testing.T) {
	const threads, items = 16, 50 // callback_check.py's THREADS and ITEMS_PER_THREAD
	c := runCallbackCheck(t, "concurrent")
	seen := make(map[string]bool)
	for _, ev := range c.events {
		if ev.Kind != event.ItemOK {
			t.Errorf("unexpected %s event", ev.Kind)
			continue
		}
		seen[ev.Host+"/"+ev.Item] = true
	}
	if len(seen) != threads*items {
		t.Errorf("%d distinct item events arrived whole, want %d", len(seen), threads*items)
	}
}

// TestCallbackDiffLeavesAnsibleAlone: the diff text of every shape of diff
// is what CallbackBase._get_diff prints with colour off, while the user's
// run has colour on; formatting it assigns no global of Ansible's colour,
// constants or callback modules (another thread printing at that moment
// would see it), and changes no diff.
func TestCallbackDiffLeavesAnsibleAlone(t *testing.T) {
	c := runCallbackCheck(t, "diff")
	var facts struct {
		Reference     []string `json:"reference"`
		ReferenceLoop string   `json:"reference_loop"`
		GlobalWrites  []string `json:"global_writes"`
		ColourAfter   bool     `json:"colour_after"`
		Unchanged     bool     `json:"unchanged"`
	}
	c.decodeFacts(t, &facts)
	if len(facts.GlobalWrites) > 0 {
		t.Errorf("formatting diffs assigned Ansible's globals: %q", facts.GlobalWrites)
	}
	if !facts.ColourAfter {
		t.Error("ANSIBLE_COLOR is off after the diffs: the user's colour was lost")
	}
	if !facts.Unchanged {
		t.Error("the diffs given to the callback were changed")
	}
	want := append(facts.Reference, facts.ReferenceLoop)
	if len(c.events) != len(want) {
		t.Fatalf("%d diff events, want %d", len(c.events), len(want))
	}
	for i, ev := range c.events {
		if ev.Kind != event.FileDiff || ev.DiffText != want[i] {
			t.Errorf("event %d: %s with\n%q\nwant on_file_diff with Ansible's\n%q", i, ev.Kind, ev.DiffText, want[i])
		}
		if strings.Contains(ev.DiffText, "\x1b[") {
			t.Errorf("event %d: the diff text is coloured: %q", i, ev.DiffText)
		}
	}
}

// TestCallbackRestoresTheEnvironmentOrSaysWhy: the user's environment that
// ansible-tap saved is put back, every variable that can be; a saving that
// cannot be read, or a variable that cannot be set, gives a diagnostic
// naming it; ansible-tap's own variables are gone whatever happened.
func TestCallbackRestoresTheEnvironmentOrSaysWhy(t *testing.T) {
	c := runCallbackCheck(t, "restore")
	var facts struct {
		Environment map[string]map[string]*string `json:"environment"`
	}
	c.decodeFacts(t, &facts)
	str := func(s string) *string { return &s }
	tapValue := str("ansible-tap's")
	tests := []struct {
		name string
		want map[string]*string
	}{
		{"valid", map[string]*string{"TAP_CHECK_A": str("the user's"), "TAP_CHECK_B": nil, "TAP_CHECK_C": nil}},
		{"not json", map[string]*string{"TAP_CHECK_A": tapValue, "TAP_CHECK_B": tapValue, "TAP_CHECK_C": nil}},
		{"not an object", map[string]*string{"TAP_CHECK_A": tapValue, "TAP_CHECK_B": tapValue, "TAP_CHECK_C": nil}},
		{"bad values", map[string]*string{"TAP_CHECK_A": str("kept"), "TAP_CHECK_B": tapValue, "TAP_CHECK_C": str("kept too")}},
	}
	for _, tt := range tests {
		seen := facts.Environment[tt.name]
		for _, name := range []string{"TAP_CHECK_A", "TAP_CHECK_B", "TAP_CHECK_C", restoreEnv, EventsFDEnv} {
			want, got := tt.want[name], seen[name]
			if (want == nil) != (got == nil) || want != nil && *want != *got {
				t.Errorf("%s: %s is %v, want %v", tt.name, name, deref(got), deref(want))
			}
		}
	}
	var said []string
	for _, d := range c.diagnostics {
		said = append(said, d.Error)
	}
	wantSaid := []string{
		"(" + restoreEnv + "): JSONDecodeError",
		"(" + restoreEnv + "): TypeError: a JSON list, not an object",
		"(TAP_CHECK_B): TypeError",
		"(BAD=NAME): ValueError",
	}
	if len(said) != len(wantSaid) {
		t.Fatalf("diagnostics %q, want one for each of %q", said, wantSaid)
	}
	for i, w := range wantSaid {
		if !strings.Contains(said[i], "environment could not be restored "+w) {
			t.Errorf("diagnostic %q, want one on %q", said[i], w)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "(unset)"
	}
	return fmt.Sprintf("%q", *s)
}

// TestCallbackBadEventsDescriptor: a descriptor that is not one is said,
// once, and the run goes on without events.
func TestCallbackBadEventsDescriptor(t *testing.T) {
	c := runCallbackCheck(t, "bad-fd")
	var facts struct {
		Warnings []string `json:"warnings"`
	}
	c.decodeFacts(t, &facts)
	if len(facts.Warnings) != 1 || !strings.Contains(facts.Warnings[0], EventsFDEnv+"=not-a-descriptor is not an open file descriptor") {
		t.Errorf("warnings %q, want one naming the descriptor", facts.Warnings)
	}
}

// TestCallbackDelegationThatCannotBeRead: results whose delegation cannot
// be read keep their events and results, and a diagnostic says, once, that
// the delegation was left out.
func TestCallbackDelegationThatCannotBeRead(t *testing.T) {
	c := runCallbackCheck(t, "delegation")
	if len(c.events) != 2 {
		t.Fatalf("%d events, want 2", len(c.events))
	}
	for _, ev := range c.events {
		if ev.Kind != event.RunnerOK || ev.Result.Msg != "ran on web2" || ev.DelegatedTo != "" {
			t.Errorf("event %s, msg %q, delegated to %q; want runner_on_ok with its msg and no delegation", ev.Kind, ev.Result.Msg, ev.DelegatedTo)
		}
	}
	if len(c.diagnostics) != 1 || !hasDiagnostic(c.diagnostics, "v2_runner_on_ok", "delegation left out") {
		t.Errorf("diagnostics %+v, want one saying the delegation was left out", c.diagnostics)
	}
}

// TestCallbackLeavesResultsUnchanged: no result hook changes the result
// that Ansible's other callbacks see after it, and each sends its event.
func TestCallbackLeavesResultsUnchanged(t *testing.T) {
	c := runCallbackCheck(t, "unchanged")
	var facts struct {
		Calls   int      `json:"calls"`
		Changed []string `json:"changed"`
	}
	c.decodeFacts(t, &facts)
	if len(facts.Changed) > 0 {
		t.Errorf("these hooks changed their result: %q", facts.Changed)
	}
	if facts.Calls == 0 || len(c.events) != facts.Calls {
		t.Errorf("%d events for %d hook calls", len(c.events), facts.Calls)
	}
	if len(c.diagnostics) > 0 {
		t.Errorf("diagnostics: %+v", c.diagnostics)
	}
}
