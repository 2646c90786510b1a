package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// fidelityCase is what one run of testdata/matrix.txt is meant to show.
type fidelityCase struct {
	name string
	// exit is ansible-playbook's exit code for the run.
	exit int
	// stats says whether Ansible reports its stats (it does not when it
	// stops on an option or a parse error).
	stats bool
	// failed maps each task whose runner_on_failed events the run produces
	// to the disposition each of them, and each of its failed loop items and
	// async jobs, must carry.
	failed map[string]event.Disposition
	// kinds are events the run must produce: what the playbook exercises.
	kinds []event.Kind
	// secret must appear nowhere in ansible-tap's output (no_log).
	secret string
}

// fidelityCases has one row per run of testdata/matrix.txt.
var fidelityCases = []fidelityCase{
	{name: "basic", exit: 0, stats: true,
		failed: map[string]event.Disposition{"An ignored failure": event.Ignored},
		kinds:  []event.Kind{event.RunnerOK, event.RunnerSkipped, event.RunnerFailed}},
	{name: "unreachable", exit: 4, stats: true,
		kinds: []event.Kind{event.RunnerUnreach, event.RunnerOK}},
	{name: "ignore_unreachable", exit: 0, stats: true,
		kinds: []event.Kind{event.RunnerUnreach}},
	{name: "rescue", exit: 0, stats: true,
		failed: map[string]event.Disposition{"This fails": event.Rescued},
		kinds:  []event.Kind{event.RunnerFailed}},
	{name: "loop", exit: 2, stats: true,
		failed: map[string]event.Disposition{"Loop where item 2 fails": event.Fatal},
		kinds:  []event.Kind{event.ItemOK, event.ItemFailed, event.ItemSkipped}},
	{name: "handlers", exit: 0, stats: true,
		kinds: []event.Kind{event.HandlerNotified, event.HandlerTaskStart}},
	{name: "free", exit: 2, stats: true,
		failed: map[string]event.Disposition{"Fails on web2": event.Fatal},
		kinds:  []event.Kind{event.RunnerSkipped}},
	{name: "serial", exit: 0, stats: true,
		kinds: []event.Kind{event.PlayStart, event.RunnerSkipped}},
	{name: "async", exit: 0, stats: true,
		failed: map[string]event.Disposition{"Retries that end in failure are ignored": event.Ignored},
		// Whether a poll finds the job still running depends on the load:
		// runner_on_async_poll is not required, the failing until loop's
		// runner_retry is.
		kinds: []event.Kind{event.AsyncOK, event.RunnerRetry}},
	{name: "includes", exit: 0, stats: true,
		kinds: []event.Kind{event.Include, event.HandlerTaskStart}},
	{name: "no_log", exit: 0, stats: true, secret: "s3cr3t",
		failed: map[string]event.Disposition{"A secret failure": event.Ignored},
		kinds:  []event.Kind{event.ItemOK}},
	{name: "diff", exit: 0, stats: true,
		kinds: []event.Kind{event.FileDiff}},
	{name: "check_diff", exit: 0, stats: true,
		kinds: []event.Kind{event.FileDiff}},
	{name: "set_stats", exit: 0, stats: true,
		kinds: []event.Kind{event.PlaybookStats}},
	{name: "any_errors_fatal", exit: 2, stats: true,
		failed: map[string]event.Disposition{"Fails on web2": event.Fatal},
		kinds:  []event.Kind{event.RunnerFailed}},
	{name: "syntax_error", exit: 4},
	{name: "unknown_option", exit: 2}, // argparse's own exit code
	{name: "bad_extra_vars", exit: 5}, // AnsibleOptionsError
	{name: "no_hosts", exit: 0, stats: true,
		kinds: []event.Kind{event.NoHostsMatched}},
	{name: "limit_no_match", exit: 1},
	{name: "meta", exit: 0, stats: true,
		kinds: []event.Kind{event.RunnerSkipped}},
	{name: "loop_dispositions", exit: 0, stats: true,
		failed: map[string]event.Disposition{"Ignored loop failure": event.Ignored, "Rescued loop failure": event.Rescued},
		kinds:  []event.Kind{event.ItemFailed, event.RunnerFailed}},
	{name: "fatal", exit: 2, stats: true,
		failed: map[string]event.Disposition{"Fails for good": event.Fatal},
		kinds:  []event.Kind{event.RunnerFailed}},
	{name: "import_rescue", exit: 0, stats: true,
		failed: map[string]event.Disposition{
			"An imported task that fails": event.Rescued, "fails : A role task that fails": event.Rescued, "Fails first": event.Rescued,
		},
		kinds: []event.Kind{event.RunnerFailed}},
	// A task runs ansible-playbook itself: it must see the user's
	// environment, so that the nested run prints its own output.
	{name: "nested", exit: 0, stats: true,
		kinds: []event.Kind{event.RunnerOK}},
	{name: "delegate", exit: 0, stats: true,
		failed: map[string]event.Disposition{"Delegated to web1 and failing on web2": event.Ignored},
		kinds:  []event.Kind{event.RunnerUnreach}},
	{name: "long_output", exit: 0, stats: true,
		failed: map[string]event.Disposition{"Fail with a lot of output, ignored": event.Ignored, "Fail with a lot of output, rescued": event.Rescued},
		kinds:  []event.Kind{event.RunnerOK, event.ItemOK, event.RunnerFailed}},
}

// fidelityParallel is how many matrix rows run at once.
const fidelityParallel = 2

// TestFidelityCoversMatrix checks that every run of the matrix has its row.
func TestFidelityCoversMatrix(t *testing.T) {
	rows := make(map[string]bool)
	for _, tc := range fidelityCases {
		if rows[tc.name] {
			t.Errorf("%s: two rows", tc.name)
		}
		rows[tc.name] = true
	}
	for name := range readMatrix(t) {
		if !rows[name] {
			t.Errorf("%s: in testdata/matrix.txt but has no row in fidelityCases", name)
		}
	}
}

// checkFidelity checks a matrix row's run through ansible-tap against the
// same run through plain ansible-playbook: the exit code, the recap counts
// derived from the events against the recap Ansible printed, the
// dispositions of the failures, the events the playbook exercises, the
// jsonl output's stats and run_end, and no no_log secret in any output.
// events is ansible-tap's events file.
func checkFidelity(t *testing.T, tc fidelityCase, plain commandOutput, events string) {
	plainStats := recapOf(plain.stdout)
	if plain.code != tc.exit {
		t.Errorf("plain ansible-playbook exited %d, the matrix expects %d", plain.code, tc.exit)
	}
	if (plainStats != nil) != tc.stats {
		t.Errorf("plain ansible-playbook printed a recap: %v, the matrix expects %v", plainStats != nil, tc.stats)
	}

	// The events as event.Replay reads them: the counts derived from them.
	f, err := os.Open(events)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := &eventLog{kinds: make(map[event.Kind]int)}
	s, err := event.Replay(f, seen, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatalf("event.Replay: %v", err)
	}
	if s.ExitCode != plain.code {
		t.Errorf("events file: exit code %d, ansible-playbook %d", s.ExitCode, plain.code)
	}
	if s.Interrupted {
		t.Errorf("events file: the run is marked interrupted")
	}
	derived := make(map[string]event.HostCounts, len(s.Counts))
	for h, c := range s.Counts {
		derived[h] = *c
	}
	if tc.stats {
		compareCounts(t, "ansible-playbook's recap", plainStats, derived)
		compareCounts(t, "summary.Reported", s.Reported, derived)
	} else if s.Reported != nil {
		t.Errorf("summary.Reported = %v, but Ansible reports no stats for this run", s.Reported)
	}
	for _, k := range tc.kinds {
		if seen.kinds[k] == 0 {
			t.Errorf("no %s event: the playbook does not exercise what its row says", k)
		}
	}
	checkDispositions(t, tc, seen.failed)

	// The jsonl output of the same events.
	cli := replayJSONL(t, events)
	if cli.endCode == nil {
		t.Errorf("--format=jsonl: no run_end line with an exit_code last")
	} else if *cli.endCode != plain.code {
		t.Errorf("--format=jsonl: run_end exit_code %d, ansible-playbook exited %d", *cli.endCode, plain.code)
	}
	if !reflect.DeepEqual(cli.stats, plainStats) {
		t.Errorf("--format=jsonl: playbook_on_stats\n  %v\nansible-playbook's recap\n  %v", cli.stats, plainStats)
	}
	if tc.secret != "" {
		var compact bytes.Buffer
		run([]string{"ansible-tap", "replay", "--format=compact", "--no-color", events}, strings.NewReader(""), &compact, &compact)
		for what, out := range map[string]string{"jsonl": cli.output, "compact": compact.String()} {
			if strings.Contains(out, tc.secret) {
				t.Errorf("the %s output shows the no_log secret %q:\n%s", what, tc.secret, linesWith(out, tc.secret))
			}
		}
	}
}

// recapLine is a host's line of the PLAY RECAP that the default stdout
// callback prints.
var recapLine = regexp.MustCompile(`(?m)^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)`)

// recapOf reads the stats of the PLAY RECAP in ansible-playbook's output;
// nil when it printed none.
func recapOf(output string) map[string]event.HostCounts {
	var stats map[string]event.HostCounts
	for _, m := range recapLine.FindAllStringSubmatch(output, -1) {
		var n [7]int
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+2])
		}
		if stats == nil {
			stats = make(map[string]event.HostCounts)
		}
		stats[m[1]] = event.HostCounts{OK: n[0], Changed: n[1], Unreachable: n[2], Failures: n[3], Skipped: n[4], Rescued: n[5], Ignored: n[6]}
	}
	return stats
}

// compareCounts reports each host whose derived counts differ from want.
// A host missing on one side counts as all zeros there.
func compareCounts(t *testing.T, what string, want, derived map[string]event.HostCounts) {
	t.Helper()
	hosts := make(map[string]bool)
	for h := range want {
		hosts[h] = true
	}
	for h := range derived {
		hosts[h] = true
	}
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		if want[h] != derived[h] {
			t.Errorf("host %s: derived counts %+v, %s %+v", h, derived[h], what, want[h])
		}
	}
	if len(want) == 0 {
		t.Errorf("%s: no hosts", what)
	}
}

func checkDispositions(t *testing.T, tc fidelityCase, failed []failedEvent) {
	t.Helper()
	seen := make(map[string]bool)
	for _, f := range failed {
		want, ok := tc.failed[f.task]
		switch {
		case !ok:
			t.Errorf("unexpected %s: task %q on %s (%s)", f.kind, f.task, f.host, f.disposition)
		case f.disposition != want:
			t.Errorf("%s of task %q on %s: disposition %q, want %q", f.kind, f.task, f.host, f.disposition, want)
		}
		if f.kind == event.RunnerFailed {
			seen[f.task] = true
		}
	}
	for task := range tc.failed {
		if !seen[task] {
			t.Errorf("task %q: no runner_on_failed event", task)
		}
	}
}

// readMatrix reads testdata/matrix.txt: NAME then ansible-playbook's arguments.
func readMatrix(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("testdata/matrix.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := make(map[string][]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		m[fields[0]] = fields[1:]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// cliRun is what ansible-tap printed with --format=jsonl.
type cliRun struct {
	code    int
	endCode *int                        // run_end's exit_code
	stats   map[string]event.HostCounts // playbook_on_stats' stats
	output  string                      // stdout and stderr
}

// replayJSONL replays an events file in-process with --format=jsonl.
func replayJSONL(t *testing.T, events string) cliRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	r := cliRun{code: run([]string{"ansible-tap", "replay", "--format=jsonl", "--no-color", events}, strings.NewReader(""), &stdout, &stderr)}
	r.output = stdout.String() + stderr.String()
	var last map[string]json.RawMessage
	for n, line := range bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec struct {
			EventType string                      `json:"event_type"`
			Stats     map[string]event.HostCounts `json:"stats"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("--format=jsonl line %d is not JSON: %v\n%s", n+1, err, line)
		}
		if rec.EventType == string(event.PlaybookStats) {
			r.stats = rec.Stats
		}
		last = nil
		if err := json.Unmarshal(line, &last); err != nil {
			t.Fatal(err)
		}
	}
	if last != nil && string(last["event_type"]) == `"run_end"` {
		var code int
		if err := json.Unmarshal(last["exit_code"], &code); err == nil {
			r.endCode = &code
		}
	}
	return r
}

// failedEvent is one runner_on_failed, runner_item_on_failed or
// runner_on_async_failed event.
type failedEvent struct {
	kind        event.Kind
	task, host  string
	disposition event.Disposition
}

// eventLog is an event.Handler that keeps what the fidelity test checks.
type eventLog struct {
	kinds  map[event.Kind]int
	failed []failedEvent
}

func (l *eventLog) Event(ev *event.Event, _ *event.Summary) error {
	l.kinds[ev.Kind]++
	if ev.Kind == event.RunnerFailed || ev.Kind == event.ItemFailed || ev.Kind == event.AsyncFailed {
		f := failedEvent{kind: ev.Kind, host: ev.Host, disposition: ev.Disposition}
		if ev.Task != nil {
			f.task = ev.Task.Name
		}
		l.failed = append(l.failed, f)
	}
	return nil
}

func (l *eventLog) Finish(*event.Summary) error { return nil }

// linesWith returns the lines of text that contain s, for error messages.
func linesWith(text, s string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			fmt.Fprintln(&b, line)
		}
	}
	return b.String()
}
