package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/notify"
)

// Every flag of every output is ansible-tap's own: --help lists it, and it
// never reaches ansible-playbook.
func TestHelpListsEveryOutputFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"ansible-tap", "--help"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("--help exit %d: %s", code, stderr.String())
	}
	for _, o := range outputs {
		for _, f := range o.flags {
			if name := "--" + f.Names()[0]; !strings.Contains(stdout.String(), name) {
				t.Errorf("--help does not list %s", name)
			}
		}
	}
}

func TestOutputUsageErrorsExitFive(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--prom-label", "no-equals-sign", "site.yml"},
		{"--prom-label", "__reserved=x", "site.yml"},
		{"--prom-file", filepath.Join(dir, "missing", "x.prom"), "site.yml"},
		{"--prom-push", "ftp://127.0.0.1/", "site.yml"},
		{"--otlp-protocol", "udp", "site.yml"},
		{"--otlp-endpoint", "https://collector.example:4318/?api-key=SECRET", "site.yml"},
		{"--metrics-timeout", "0s", "site.yml"},
		{"--junit-file", dir, "site.yml"},
		{"--summary-file", filepath.Join(dir, "same"), "--junit-file", filepath.Join(dir, "same"), "site.yml"},
		{"--summary-slowest", "-1", "site.yml"},
		{"--slack", "hooks.slack.invalid/T000/B000/SECRET", "site.yml"},
		{"--webhook-events", "some", "site.yml"},
		{"--notify-timeout", "-1s", "site.yml"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"ansible-tap", "--ansible-playbook", "/nonexistent"}, args...), nil, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 {
				t.Errorf("want one line on stderr, got %q", stderr.String())
			}
			if strings.Contains(stderr.String(), "SECRET") {
				t.Errorf("the Slack URL leaked into the error: %q", stderr.String())
			}
		})
	}
}

// webhookReceiver records the deliveries of one run, checking each as a
// receiver that verifies signatures would.
type webhookReceiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	events []notify.Envelope
	ids    map[string]bool
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer cli-token" {
		rc.t.Errorf("Authorization %q", got)
	}
	if err := notify.Verify(rc.secret, r.Header, body, time.Minute, time.Now()); err != nil {
		rc.t.Errorf("signature: %v", err)
	}
	var env notify.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		rc.t.Errorf("body is not an envelope: %v", err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	id := r.Header.Get(notify.HeaderDelivery)
	if id == "" || rc.ids[id] {
		rc.t.Errorf("delivery id %q missing or repeated", id)
	}
	rc.ids[id] = true
	rc.events = append(rc.events, env)
}

// One real run with every file output and a webhook: each is written or
// delivered, agrees with the run, and ansible-playbook sees none of the flags.
func TestOutputsOfALiveRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	promtool := testio.RequireTool(t, "promtool")
	dir := t.TempDir()
	recv := &webhookReceiver{t: t, secret: "cli-secret", ids: map[string]bool{}}
	srv := httptest.NewServer(recv)
	defer srv.Close()
	t.Setenv("ANSIBLE_TAP_WEBHOOK_TOKEN", "cli-token")
	t.Setenv("ANSIBLE_TAP_WEBHOOK_SECRET", "cli-secret")
	t.Setenv("GITHUB_STEP_SUMMARY", "")

	prom, junit, summary := filepath.Join(dir, "ansible.prom"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "summary.md")
	// The renderer and the child both write to stdout, from two goroutines.
	var stdout, stderr testio.Buffer
	code := run([]string{"ansible-tap", "-i", "testdata/inventory/local.ini", "--prom-file", prom, "--prom-label", "env=ci",
		"testdata/playbooks/fatal.yml", "--junit-file=" + junit, "--summary-file", summary, "--webhook", srv.URL,
		"--no-color"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 {
		t.Fatalf("exit %d, want ansible-playbook's 2; stderr:\n%s", code, stderr.String())
	}

	text := readFile(t, prom)
	for _, want := range []string{
		`ansible_playbook_exit_code{env="ci",playbook="`, `ansible_playbook_success{env="ci",playbook="`,
		`ansible_playbook_task_results{env="ci",playbook="testdata/playbooks/fatal.yml",status="failed"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %s:\n%s", prom, want, text)
		}
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(text)
	if out, err := check.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	var suites struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, junit)), &suites); err != nil {
		t.Fatalf("%s: %v", junit, err)
	}
	if len(suites.Suites) != 1 || suites.Suites[0].Failures != 1 || suites.Suites[0].Tests != 2 {
		t.Errorf("JUnit suites %+v, want one play with 2 tests and 1 failure", suites.Suites)
	}
	if md := readFile(t, summary); !strings.Contains(md, "Fails for good") || !strings.Contains(md, "this is fatal") {
		t.Errorf("summary lacks the failed task and its message:\n%s", md)
	}

	recv.mu.Lock()
	defer recv.mu.Unlock()
	kinds := map[string]int{}
	for _, e := range recv.events {
		kinds[e.EventType]++
	}
	if kinds[notify.EventPlaybookStart] != 1 || kinds[notify.EventPlaybookEnd] != 1 || kinds[notify.EventTaskResult] != 2 {
		t.Errorf("webhook deliveries by type %v, want one start, one end and two task results", kinds)
	}
}

// A replay writes the reports too, and on GitHub Actions the Markdown
// summary is added to the step summary, never replacing what is there.
func TestReplayWritesReports(t *testing.T) {
	dir := t.TempDir()
	step := filepath.Join(dir, "step-summary.md")
	if err := os.WriteFile(step, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", step)
	junit := filepath.Join(dir, "junit.xml")
	var stdout, stderr bytes.Buffer
	code := run([]string{"ansible-tap", "replay", "testdata/streams/fatal.jsonl", "--junit-file", junit}, nil, &stdout, &stderr)
	if code != 2 {
		t.Fatalf("replay exit %d, want 2; stderr:\n%s", code, stderr.String())
	}
	md := readFile(t, step)
	if !strings.HasPrefix(md, "# earlier step\n") || !strings.Contains(md, "Fails for good") {
		t.Errorf("step summary:\n%s", md)
	}
	if !strings.Contains(readFile(t, junit), "<failure") {
		t.Errorf("JUnit report has no failure:\n%s", readFile(t, junit))
	}
	// An empty --summary-file turns the step summary off.
	os.WriteFile(step, nil, 0o644)
	run([]string{"ansible-tap", "replay", "testdata/streams/fatal.jsonl", "--summary-file="}, nil, &stdout, &stderr)
	if md := readFile(t, step); md != "" {
		t.Errorf("--summary-file= still wrote the step summary:\n%s", md)
	}
}

// When ansible-playbook cannot even be started, monitoring and CI still see
// a failed run: the textfile and the JUnit report say so.
func TestMissingAnsiblePlaybookStillReports(t *testing.T) {
	dir := t.TempDir()
	prom, junit, summary := filepath.Join(dir, "ansible.prom"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "summary.md")
	var stdout, stderr bytes.Buffer
	code := run([]string{"ansible-tap", "--ansible-playbook", "/nonexistent/ansible-playbook", "--prom-file", prom,
		"--junit-file", junit, "--summary-file", summary, "-i", "inventory", "site.yml"}, nil, &stdout, &stderr)
	if code != exitNotFound {
		t.Fatalf("exit %d, want %d", code, exitNotFound)
	}
	text := readFile(t, prom)
	for _, want := range []string{
		`ansible_playbook_exit_code{playbook="site.yml"} 127`,
		`ansible_playbook_success{playbook="site.yml"} 0`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %s:\n%s", prom, want, text)
		}
	}
	if x := readFile(t, junit); !strings.Contains(x, `<error message="ansible-playbook exited with code 127 without a failed task; see its output" type="exit-code">`) {
		t.Errorf("the JUnit report does not tell the run failed:\n%s", x)
	}
	if md := readFile(t, summary); !strings.Contains(md, "ansible-playbook site.yml: failed") || !strings.Contains(md, "**Exit code:** 127") {
		t.Errorf("the summary does not tell which run failed:\n%s", md)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestEnvSwitch(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", false}, {"1", true}, {"true", true}, {"YES", true}, {"on", true},
		{"0", false}, {"False", false}, {"no", false}, {"off", false}, {"maybe", false},
	} {
		t.Setenv("SLACK_NOTIFY_SUCCESS", tc.value)
		if got := envSwitch("SLACK_NOTIFY_SUCCESS", zerolog.Nop()); got != tc.want {
			t.Errorf("SLACK_NOTIFY_SUCCESS=%q: %v, want %v", tc.value, got, tc.want)
		}
	}
}
