package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// maxPeakRSS is the most memory ansible-tap may hold at its peak, whatever
// its input.
const maxPeakRSS = 100 << 20

// hugeOutput is what each of the first two tasks of long_output.yml prints
// in TestPeakMemoryOnHugeInput: 50 MB, which their results carry twice.
const hugeOutput = 50_000_000

// TestPeakMemoryOnHugeInput runs a real playbook whose tasks print 50 MB
// each, with every output on, then replays its events file in each format
// with every output on, and feeds a 200 MB line of garbage and a line that
// does not end to `replay -`. ansible-tap's peak resident memory, as the
// kernel counts it, stays under maxPeakRSS throughout; the counts derived
// from the events equal Ansible's recap and the dispositions are right.
func TestPeakMemoryOnHugeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("a playbook that prints 50 MB a task")
	}
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/slack" {
			io.WriteString(w, "ok")
		}
	}))
	defer sink.Close()
	dir := t.TempDir()
	outputs := func(name string) []string {
		out := filepath.Join(dir, name)
		return []string{"--no-color", "--junit-file", out + ".xml", "--summary-file", out + ".md", "--html-file", out + ".html",
			"--prom-file", out + ".prom", "--webhook", sink.URL + "/webhook", "--slack", sink.URL + "/slack", "--slack-on-success",
			"--otlp-endpoint", sink.URL}
	}
	events := filepath.Join(dir, "events.jsonl")

	// The real run, in the default format: Ansible prints its recap.
	args := append([]string{"-i", "testdata/inventory/local.ini", "testdata/playbooks/long_output.yml", "-e", fmt.Sprintf("size=%d", hugeOutput),
		"--events-file", events}, outputs("live")...)
	live := runTapMeasured(t, tap, nil, args...)
	if live.code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%.4000s", live.code, live.stderr)
	}
	checkPeak(t, "the live run", live.peakRSS)
	if n := strings.Count(live.stderr, "an event longer than the line limit"); n != 6 {
		t.Errorf("%d warnings of events longer than the line limit, want one for each of the 6 long events", n)
	}
	checkCountsOfRecording(t, events, recapOf(live.stdout))

	for _, format := range []string{"ansible", "compact", "table", "jsonl"} {
		t.Run("replay "+format, func(t *testing.T) {
			r := runTapMeasured(t, tap, nil, append([]string{"replay", events, "--format=" + format}, outputs(format)...)...)
			if r.code != 0 {
				t.Fatalf("exit %d; stderr:\n%.4000s", r.code, r.stderr)
			}
			checkPeak(t, "the replay", r.peakRSS)
			if format == "jsonl" {
				checkTruncatedRecords(t, r.stdout)
			}
		})
	}

	t.Run("a 200 MB line of garbage on replay -", func(t *testing.T) {
		const size = 200_000_000
		basic, err := os.ReadFile(filepath.Join("testdata", "streams", "basic.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		stdin := io.MultiReader(&repeated{piece: []byte("garbage\x00\xff "), n: size}, strings.NewReader("\n"), bytes.NewReader(basic))
		r := runTapMeasured(t, tap, stdin, append([]string{"replay", "-"}, outputs("garbage")...)...)
		if r.code != 0 {
			t.Errorf("exit %d, want the recorded run's 0", r.code)
		}
		checkPeak(t, "the replay", r.peakRSS)
		note := fmt.Sprintf("…[truncated %d bytes]\n", size-event.DefaultMaxLine)
		if !strings.Contains(r.stderr, "a line that is not an event, longer than the line limit (--max-line-size): passed on cut at the limit") ||
			!strings.Contains(r.stderr, note) || !strings.Contains(r.stdout, "PLAY RECAP") {
			t.Errorf("want the warning, the line cut with %q and the recorded run's output after it; stderr %.300q…", note, r.stderr)
		}
	})

	t.Run("a line that does not end, on replay -", func(t *testing.T) {
		const size = 600_000_000 // the writer stops there
		start := `{"_event":"v2_runner_on_ok","host":"localhost","hosts":{"localhost":{"changed":true,"stdout":"`
		stdin := io.MultiReader(strings.NewReader(start), &repeated{piece: []byte("output "), n: size - len(start)})
		r := runTapMeasured(t, tap, stdin, append([]string{"replay", "-", "--format=jsonl"}, outputs("endless")...)...)
		if r.code != 99 {
			t.Errorf("exit %d, want 99: the stream ended in the middle of a line", r.code)
		}
		checkPeak(t, "the replay", r.peakRSS)
		note := fmt.Sprintf("…[truncated %d bytes]\n", size-event.DefaultMaxLine)
		if !strings.Contains(r.stderr, "passed on cut at the limit") || !strings.Contains(r.stderr, note) {
			t.Errorf("want the warning and the line cut with %q; stderr %.300q…", note, r.stderr)
		}
	})

	t.Run("100 MB of console output on replay", func(t *testing.T) {
		recording := filepath.Join(dir, "console.jsonl")
		f, err := os.Create(recording)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		fmt.Fprintln(w, `{"_event":"ansible_tap_run_start","_timestamp":"2026-01-02T03:04:05.000006Z","console":true}`)
		piece := strings.Repeat("changed: [localhost] => (item=a line of output)\n", 32<<10/49)
		for range 100_000_000 / len(piece) {
			fmt.Fprintf(w, `{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:05.000006Z","stream":"stdout","data":%q}`+"\n", piece)
		}
		fmt.Fprintln(w, `{"_event":"ansible_tap_run_end","_timestamp":"2026-01-02T03:04:05.000006Z","exit_code":0,"interrupted":false}`)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		r := runTapMeasured(t, tap, nil, append([]string{"replay", recording}, outputs("console")...)...)
		if r.code != 0 || r.stdoutBytes < 100_000_000-len(piece) {
			t.Errorf("exit %d, %d bytes printed; want 0 and the 100 MB", r.code, r.stdoutBytes)
		}
		checkPeak(t, "the replay", r.peakRSS)
	})
}

func checkPeak(t *testing.T, what string, peak int64) {
	t.Helper()
	t.Logf("%s: peak RSS %.1f MiB", what, float64(peak)/(1<<20))
	if peak <= 0 || peak >= maxPeakRSS {
		t.Errorf("%s: peak RSS %.1f MiB, want under %d MiB", what, float64(peak)/(1<<20), maxPeakRSS>>20)
	}
}

// checkCountsOfRecording replays a recording within the default line
// limit and checks the counts derived from its events against Ansible's
// recap, and the disposition of each failure.
func checkCountsOfRecording(t *testing.T, path string, recap map[string]event.HostCounts) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := &eventLog{kinds: make(map[event.Kind]int)}
	s, err := event.Replay(f, seen, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	derived := make(map[string]event.HostCounts)
	for h, c := range s.Counts {
		derived[h] = *c
	}
	compareCounts(t, "ansible-playbook's recap", recap, derived)
	compareCounts(t, "Ansible's stats event", s.Reported, derived)
	want := map[string]event.Disposition{
		"Fail with a lot of output, ignored": event.Ignored,
		"Fail with a lot of output, rescued": event.Rescued,
	}
	for _, f := range seen.failed {
		if want[f.task] != f.disposition {
			t.Errorf("%s: disposition %q, want %q", f.task, f.disposition, want[f.task])
		}
		delete(want, f.task)
	}
	if len(want) > 0 {
		t.Errorf("no failure of %v", want)
	}
}

// checkTruncatedRecords checks the jsonl records of the long results:
// marked truncated, their status and host whole, their stdout cut.
func checkTruncatedRecords(t *testing.T, jsonl string) {
	t.Helper()
	want := map[string]string{ // by task, the status of its result or of its first item
		"Print a lot": "changed", "Fail with a lot of output, ignored": "ignored",
		"Fail with a lot of output, rescued": "rescued", "Loop items with a lot of output": "ok",
	}
	for line := range strings.Lines(jsonl) {
		var r struct {
			Task, Host, Status, Event string
			Truncated                 int64
			Result                    struct{ Stdout string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("a jsonl line that is not JSON: %v", err)
		}
		if len(line) > event.DefaultMaxLine {
			t.Errorf("%s: a jsonl line of %d bytes", r.Task, len(line))
		}
		status, ok := want[r.Task]
		if !ok || r.Event != "runner_on_ok" && r.Event != "runner_on_failed" && r.Event != "runner_item_on_ok" {
			continue
		}
		if r.Status != status || r.Host != "localhost" || r.Truncated <= 0 ||
			!strings.HasPrefix(r.Result.Stdout, "a line of output") || !strings.Contains(r.Result.Stdout, "…[truncated ") {
			t.Errorf("%s: status %s, host %s, truncated %d, stdout %.30q…; want %s, localhost, truncated and marked",
				r.Task, r.Status, r.Host, r.Truncated, r.Result.Stdout, status)
		}
		delete(want, r.Task)
	}
	if len(want) > 0 {
		t.Errorf("no record of %v", want)
	}
}

// tapRun is what a run of the ansible-tap binary gave.
type tapRun struct {
	code           int
	stdout, stderr string // their first 16 MiB and their last
	stdoutBytes    int
	peakRSS        int64 // bytes
}

// maxRSSLine is the debug log's line of ansible-tap's own resources.
var maxRSSLine = regexp.MustCompile(`ansible-tap's own resources max_rss=(\d+)`)

// runTapMeasured runs the built ansible-tap with its own environment and returns
// its peak resident memory: getrusage(RUSAGE_SELF) of the ansible-tap
// process alone, the kernel's figure, which it logs at debug level once
// every output has finished. It is started by a shell, as a job of its
// own: a process that Go starts shares the test's memory until it execs,
// and the kernel would count the test's peak as its own.
func runTapMeasured(t *testing.T, tap string, stdin io.Reader, args ...string) tapRun {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", `exec 3<&0; "$0" "$@" <&3 3<&- & wait $!`, tap)
	cmd.Args = append(append(cmd.Args, args...), "--log-level=debug")
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "NO_COLOR=1")
	cmd.Stdin = stdin
	var stdout, stderr headWriter
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("ansible-tap: %v", err)
	}
	r := tapRun{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), stdoutBytes: stdout.n}
	m := maxRSSLine.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no resources line in ansible-tap's debug log (exit %d):\n%.4000s", r.code, r.stderr)
	}
	kib, _ := strconv.ParseInt(m[1], 10, 64)
	r.peakRSS = kib << 10 // KiB on Linux
	return r
}

// headWriter keeps the first 16 MiB written to it and the last MiB, and
// counts all of it.
type headWriter struct {
	head, tail []byte
	n          int
}

func (h *headWriter) Write(p []byte) (int, error) {
	h.n += len(p)
	if room := 16<<20 - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(room, len(p))]...)
		return len(p), nil
	}
	h.tail = append(h.tail, p...)
	if len(h.tail) > 2<<20 {
		h.tail = append(h.tail[:0], h.tail[len(h.tail)-1<<20:]...)
	}
	return len(p), nil
}

// String is what was kept: all of it, or its head and tail.
func (h *headWriter) String() string { return string(h.head) + string(h.tail) }

// repeated reads as n bytes of piece repeated.
type repeated struct {
	piece []byte
	n     int
	read  int
}

func (r *repeated) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	p = p[:min(len(p), r.n-r.read)]
	k := 0
	for k < len(p) {
		k += copy(p[k:], r.piece[(r.read+k)%len(r.piece):])
	}
	r.read += k
	return k, nil
}

// --max-line-size and ANSIBLE_TAP_MAX_LINE_SIZE set the line limit: a
// result of 100 KB is read whole by default, and truncated beyond 64 KiB.
func TestMaxLineSize(t *testing.T) {
	result := `{"task":{"name":"t","id":"t1"},"host":"h1","hosts":{"h1":{"changed":true,"stdout":"` +
		strings.Repeat("x", 100_000) + `"}},"_event":"v2_runner_on_ok","_timestamp":"2026-01-02T03:04:05.000006Z"}`
	for _, tc := range []struct {
		name      string
		args, env []string
		truncated bool
	}{
		{"the default", nil, nil, false},
		{"the flag", []string{"--max-line-size=64KiB"}, nil, true},
		{"the environment", nil, []string{"ANSIBLE_TAP_MAX_LINE_SIZE", "64KiB"}, true},
		{"the flag over the environment", []string{"--max-line-size", "1MiB"}, []string{"ANSIBLE_TAP_MAX_LINE_SIZE", "64KiB"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != nil {
				t.Setenv(tc.env[0], tc.env[1])
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"ansible-tap", "replay", "-", "--format=jsonl"}, tc.args...)
			if code := run(args, strings.NewReader(result+"\n"), &stdout, &stderr); code != 99 {
				t.Fatalf("exit %d, want 99 (a run without its recap); stderr %s", code, stderr.String())
			}
			var rec struct {
				Status    string
				Truncated int64
			}
			line, _, _ := strings.Cut(stdout.String(), "\n")
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Status != "changed" || (rec.Truncated > 0) != tc.truncated {
				t.Errorf("status %s, truncated %d; want changed, truncated %v", rec.Status, rec.Truncated, tc.truncated)
			}
			if warned := strings.Contains(stderr.String(), "longer than the line limit"); warned != tc.truncated {
				t.Errorf("warned %v; stderr %s", warned, stderr.String())
			}
		})
	}
}

// A live run reads its events with the limit that --max-line-size sets.
func TestMaxLineSizeOfALiveRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	var stdout, stderr testio.Buffer
	code := run([]string{"ansible-tap", "-i", "testdata/inventory/local.ini", "testdata/playbooks/long_output.yml", "-e", "size=40000",
		"--format=jsonl", "--max-line-size=64KiB"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	truncated := 0
	for line := range strings.Lines(stdout.String()) {
		var rec struct{ Truncated int64 }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.Truncated > 0 {
			truncated++
		}
	}
	// The changed result and the ignored failure, of some 85 KB each.
	if truncated != 2 {
		t.Errorf("%d records truncated, want 2", truncated)
	}
}
