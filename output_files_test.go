package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// tapResult is what one run of ansible-tap left.
type tapResult struct {
	code           int
	stdout, stderr string
}

// runTap runs the ansible-tap command as a user does, in its own process,
// under umask (or the test's own when umask is ""), outside GitHub Actions.
func runTap(t *testing.T, umask string, args ...string) tapResult {
	t.Helper()
	cmd := tapCommand(t, umask, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return tapResult{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
}

func tapCommand(t *testing.T, umask string, args ...string) *exec.Cmd {
	tap := buildTap(t)
	cmd := exec.Command(tap, args...)
	if umask != "" {
		cmd = exec.Command("sh", append([]string{"-c", `umask "$0" && exec "$@"`, umask, tap}, args...)...)
	}
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "ANSIBLE_TAP_LOG_LEVEL=warn")
	return cmd
}

// plainExitCode is the exit code of ansible-playbook itself with args.
func plainExitCode(t *testing.T, args ...string) int {
	t.Helper()
	err := exec.Command(testio.RequireTool(t, "ansible-playbook"), args...).Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	if exit != nil {
		return exit.ExitCode()
	}
	return 0
}

// errorLines are ansible-tap's own error lines in stderr.
func errorLines(stderr string) []string {
	var lines []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "ERR ") {
			lines = append(lines, line)
		}
	}
	return lines
}

// checkJUnit checks that data is a JUnit report of fatal.yml.
func checkJUnit(t *testing.T, name string, data []byte) {
	t.Helper()
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Tests != 2 || doc.Failures != 1 {
		t.Errorf("%s is not the JUnit report of the run (%+v, %v): %.200q", name, doc, err, data)
	}
}

// Every output path is checked before the run, the same way: a missing
// directory, a directory, a file where a directory should be, a block
// device and two outputs on one file are refused with one line that names
// the flag, the path and the reason, exit 5, before ansible-playbook
// starts; no directory is created.
func TestOutputPathsRefusedBeforeTheRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	dir := t.TempDir()
	marker := filepath.Join(dir, "ansible-playbook-ran")
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, nil, 0o600)
	os.Symlink("nowhere/report", filepath.Join(dir, "dangling"))
	block := ""
	if os.Geteuid() == 0 {
		block = filepath.Join(dir, "disk")
		if err := unix.Mknod(block, unix.S_IFBLK|0o600, int(unix.Mkdev(7, 0))); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing")
	type refusal struct{ path, line string }
	refusals := []refusal{
		{filepath.Join(missing, "out"), filepath.Join(missing, "out") + ": its directory " + missing + " does not exist"},
		{filepath.Join(missing, "deeper", "out"), filepath.Join(missing, "deeper", "out") + ": its directory " + filepath.Join(missing, "deeper") + " does not exist"},
		{dir, dir + ": is a directory"},
		{filepath.Join(file, "out"), filepath.Join(file, "out") + ": " + file + " is not a directory"},
		{"/dev/null/out", "/dev/null/out: /dev/null is not a directory"},
		{filepath.Join(dir, "dangling"), filepath.Join(dir, "dangling") + " (a link to " + filepath.Join(dir, "nowhere", "report") + "): its directory " + filepath.Join(dir, "nowhere") + " does not exist"},
	}
	if block != "" {
		refusals = append(refusals, refusal{block, block + ": is a block device; ansible-tap writes only regular files, FIFOs and character devices"})
	}
	run1 := func(t *testing.T, env map[string]string, args ...string) (int, string) {
		for k, v := range env {
			t.Setenv(k, v)
		}
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"ansible-tap", "-i", "testdata/inventory/local.ini", "testdata/playbooks/marker.yml",
			"-e", "marker=" + marker}, args...), strings.NewReader(""), &stdout, &stderr)
		if _, err := os.Stat(marker); err == nil {
			os.Remove(marker)
			t.Errorf("ansible-playbook ran")
		}
		if code != exitUsage {
			t.Errorf("exit %d, want %d", code, exitUsage)
		}
		return code, stderr.String()
	}
	for _, flag := range []string{"--junit-file", "--summary-file", "--html-file", "--prom-file", "--events-file"} {
		for _, r := range refusals {
			t.Run(flag+" "+r.path, func(t *testing.T) {
				_, stderr := run1(t, map[string]string{"GITHUB_STEP_SUMMARY": ""}, flag, r.path)
				if want := "ansible-tap: " + flag + ": " + r.line + "\n"; stderr != want {
					t.Errorf("stderr %q\nwant   %q", stderr, want)
				}
			})
		}
	}
	t.Run("$GITHUB_STEP_SUMMARY in a missing directory", func(t *testing.T) {
		_, stderr := run1(t, map[string]string{"GITHUB_STEP_SUMMARY": filepath.Join(missing, "step")})
		if want := "ansible-tap: $GITHUB_STEP_SUMMARY: " + filepath.Join(missing, "step") + ": its directory " + missing + " does not exist\n"; stderr != want {
			t.Errorf("stderr %q\nwant   %q", stderr, want)
		}
	})
	t.Run("two outputs, one file", func(t *testing.T) {
		same := filepath.Join(dir, "same")
		_, stderr := run1(t, map[string]string{"GITHUB_STEP_SUMMARY": ""}, "--events-file", same, "--html-file", same)
		if want := "ansible-tap: --html-file: " + same + " is the file of --events-file too\n"; stderr != want {
			t.Errorf("stderr %q\nwant   %q", stderr, want)
		}
		if _, err := os.Stat(same); err == nil {
			t.Errorf("the events file was created before the refusal")
		}
	})
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory was created: %v", err)
	}
}

// Every file ansible-tap creates honours the umask: the events file and
// the reports, which hold results and console output, are private (0600
// less the umask); the Prometheus textfile is for node_exporter to read
// (0666 less the umask). Files from an earlier run, readable by all, are
// made private too.
func TestOutputFilesFollowTheUmask(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	for _, tc := range []struct {
		umask         string
		private, prom fs.FileMode
	}{
		{"077", 0o600, 0o600},
		{"022", 0o600, 0o644},
		{"002", 0o600, 0o664},
	} {
		t.Run("umask "+tc.umask, func(t *testing.T) {
			dir := t.TempDir()
			path := func(name string) string { return filepath.Join(dir, name) }
			os.WriteFile(path("junit.xml"), []byte("an earlier report"), 0o644)
			os.WriteFile(path("events.jsonl"), []byte("an earlier recording"), 0o644)
			os.Chmod(path("junit.xml"), 0o644)
			os.Chmod(path("events.jsonl"), 0o644)
			res := runTap(t, tc.umask, "-i", "testdata/inventory/local.ini", "testdata/playbooks/fatal.yml",
				"--junit-file", path("junit.xml"), "--summary-file", path("summary.md"), "--html-file", path("report.html"),
				"--prom-file", path("ansible.prom"), "--events-file", path("events.jsonl"))
			if res.code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			if lines := errorLines(res.stderr); len(lines) > 0 {
				t.Errorf("errors: %q", lines)
			}
			want := map[string]fs.FileMode{"junit.xml": tc.private, "summary.md": tc.private, "report.html": tc.private,
				"events.jsonl": tc.private, "ansible.prom": tc.prom}
			got := map[string]fs.FileMode{}
			for _, name := range testio.DirEntries(t, dir) {
				got[name] = testio.Perm(t, path(name))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("files and modes (-want +got):\n%s", diff)
			}
			checkJUnit(t, "junit.xml", []byte(readFile(t, path("junit.xml"))))
		})
	}
}

// Outputs go where the path says: through a symlink (its target replaced,
// the link kept), through a dangling symlink (created where it points),
// into a FIFO, into /dev/stdout (written into, never replaced), without a
// file left beside them; the run's exit code is ansible-playbook's.
func TestOutputsGoWhereThePathSays(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	args := []string{"-i", "testdata/inventory/local.ini", "testdata/playbooks/fatal.yml"}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	target := filepath.Join(data, "junit-target.xml")
	os.WriteFile(target, []byte("the old report"), 0o600)
	os.Symlink("data/junit-target.xml", filepath.Join(dir, "junit.xml"))
	os.Symlink("data/new.html", filepath.Join(dir, "report.html"))
	readProm := testio.FIFOReader(t, filepath.Join(dir, "prom.fifo"))
	stdoutBefore, err := os.Readlink("/dev/stdout")
	if err != nil {
		t.Fatal(err)
	}

	res := runTap(t, "", append(args, "--junit-file", filepath.Join(dir, "junit.xml"), "--html-file", filepath.Join(dir, "report.html"),
		"--prom-file", filepath.Join(dir, "prom.fifo"), "--summary-file", "/dev/stdout", "--events-file", filepath.Join(dir, "events.jsonl"))...)
	prom := readProm()
	if want := plainExitCode(t, args...); res.code != want {
		t.Errorf("exit %d, ansible-playbook's %d; stderr:\n%s", res.code, want, res.stderr)
	}
	if lines := errorLines(res.stderr); len(lines) > 0 {
		t.Errorf("errors: %q", lines)
	}

	if got, err := os.Readlink(filepath.Join(dir, "junit.xml")); err != nil || got != "data/junit-target.xml" {
		t.Errorf("the JUnit link now reads %q (%v)", got, err)
	}
	checkJUnit(t, "the JUnit link's target", []byte(readFile(t, target)))
	if fi, err := os.Lstat(filepath.Join(dir, "report.html")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the dangling HTML link was replaced: %v", err)
	}
	if html := readFile(t, filepath.Join(data, "new.html")); !strings.HasPrefix(html, "<!DOCTYPE html>") {
		t.Errorf("the HTML report is not where its link points: %.100q", html)
	}
	if !bytes.Contains(prom, []byte(`ansible_playbook_exit_code{playbook="testdata/playbooks/fatal.yml"} 2`)) {
		t.Errorf("the FIFO's reader got no metrics of the run:\n%s", prom)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "prom.fifo")); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
	recap := strings.Index(res.stdout, "PLAY RECAP")
	summary := strings.Index(res.stdout, "## ")
	if recap < 0 || summary < recap || !strings.Contains(res.stdout[summary:], "Fails for good") {
		t.Errorf("the Markdown summary did not follow Ansible's output on stdout:\n%s", res.stdout)
	}
	if got, err := os.Readlink("/dev/stdout"); err != nil || got != stdoutBefore {
		t.Errorf("/dev/stdout now reads %q (%v), was %q", got, err, stdoutBefore)
	}
	if diff := cmp.Diff([]string{"data", "events.jsonl", "junit.xml", "prom.fifo", "report.html"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"junit-target.xml", "new.html"}, testio.DirEntries(t, data)); diff != "" {
		t.Errorf("files in the links' directory (-want +got):\n%s", diff)
	}
}

// A device node is written into: one like /dev/null takes the summary, one
// like /dev/full fails the JUnit report with one error line, and every
// other output is written; the exit code is ansible-playbook's and both
// nodes stay what they were.
func TestFailingOutputIsOneLineAndHarmsNothing(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	testio.RequireRoot(t)
	args := []string{"-i", "testdata/inventory/local.ini", "testdata/playbooks/fatal.yml"}
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	testio.MknodLike(t, path("null"), "/dev/null")
	testio.MknodLike(t, path("full"), "/dev/full")
	var before [2]unix.Stat_t
	unix.Stat(path("null"), &before[0])
	unix.Stat(path("full"), &before[1])

	t.Setenv("GITHUB_STEP_SUMMARY", "")
	var stdout, stderr testio.Buffer
	code := run(append([]string{"ansible-tap", "--junit-file", path("full"), "--summary-file", path("null"),
		"--html-file", path("report.html"), "--prom-file", path("ansible.prom"), "--events-file", path("events.jsonl")}, args...),
		strings.NewReader(""), &stdout, &stderr)
	if want := plainExitCode(t, args...); code != want {
		t.Errorf("exit %d, ansible-playbook's %d", code, want)
	}
	lines := errorLines(stderr.String())
	if len(lines) != 1 || !strings.Contains(lines[0], "junit report: "+path("full")+": writing: no space left on device") {
		t.Errorf("want one error line for the JUnit report, got %q", lines)
	}
	if !strings.HasPrefix(readFile(t, path("report.html")), "<!DOCTYPE html>") ||
		!strings.Contains(readFile(t, path("ansible.prom")), "ansible_playbook_exit_code") ||
		!strings.Contains(readFile(t, path("events.jsonl")), `"_event":"ansible_tap_run_end"`) {
		t.Errorf("the other outputs were not written")
	}
	for i, name := range []string{"null", "full"} {
		var after unix.Stat_t
		if err := unix.Stat(path(name), &after); err != nil || after.Mode != before[i].Mode || after.Rdev != before[i].Rdev || after.Ino != before[i].Ino {
			t.Errorf("the %s node changed: %+v, was %+v (%v)", name, after, before[i], err)
		}
	}
	if diff := cmp.Diff([]string{"ansible.prom", "events.jsonl", "full", "null", "report.html"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
}

// Two runs given the same events file at once: the second is refused with
// one line before its ansible-playbook starts, and the first one's file is
// a whole recording that replays to its exit code.
func TestEventsFileTakenByOneRunAtATime(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	events := path("events.jsonl")
	first := tapCommand(t, "", "-i", "testdata/inventory/local.ini", "testdata/playbooks/marker.yml",
		"-e", "marker="+path("first-ran"), "-e", "gate="+path("gate"), "--events-file", events)
	var firstErr bytes.Buffer
	first.Stdout, first.Stderr = nil, &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	defer func() {
		os.WriteFile(path("gate"), nil, 0o600) // whatever happens, the first run ends
		<-done
	}()
	waitForFile(t, path("first-ran"), done)
	held, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}

	second := runTap(t, "", "-i", "testdata/inventory/local.ini", "testdata/playbooks/marker.yml",
		"-e", "marker="+path("second-ran"), "--events-file", events)
	if second.code != exitUsage {
		t.Errorf("the second run: exit %d, want %d", second.code, exitUsage)
	}
	if want := "ansible-tap: --events-file: " + events + ": another ansible-tap run is writing it\n"; second.stderr != want {
		t.Errorf("the second run's stderr %q\nwant %q", second.stderr, want)
	}
	if _, err := os.Stat(path("second-ran")); err == nil {
		t.Errorf("the second run's ansible-playbook ran")
	}
	if now, _ := os.ReadFile(events); !bytes.HasPrefix(now, held) {
		t.Errorf("the first run's recording changed under it")
	}

	os.WriteFile(path("gate"), nil, 0o600)
	if err := <-done; err != nil {
		t.Errorf("the first run: %v; stderr:\n%s", err, firstErr.String())
	}
	done <- nil // for the deferred wait
	recording := readFile(t, events)
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(recording))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Event string `json:"_event"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("the recording has a line that is not JSON: %q", sc.Text())
		}
		kinds[rec.Event]++
	}
	if kinds["ansible_tap_run_start"] != 1 || kinds["ansible_tap_run_end"] != 1 || kinds["v2_playbook_on_stats"] != 1 {
		t.Errorf("the recording is not one whole run: %v", kinds)
	}
	replay := runTap(t, "", "replay", events, "--format", "compact")
	if replay.code != 0 || errorLines(replay.stderr) != nil {
		t.Errorf("replaying the first run's recording: exit %d, stderr:\n%s", replay.code, replay.stderr)
	}
}

// waitForFile waits until path exists, or fails when the process whose
// exit done reports ended first.
func waitForFile(t *testing.T, path string, done chan error) {
	t.Helper()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("the run ended (%v) before it left %s", err, path)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
