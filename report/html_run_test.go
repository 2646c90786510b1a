package report

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

// readmeScreenshot is the picture of a real run's report that the README
// shows; TestHTMLRealRun takes it again with -update.
const readmeScreenshot = "testdata/html-report.png"

// TestHTMLRealRun runs the demo playbook with an HTML report and an events
// file: the report of the events file's replay is the live run's, and the
// replay with the recorded console output, read in Chromium, shows the
// run's counts and its console, in the light and the dark colour scheme.
func TestHTMLRealRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	dir := t.TempDir()
	base, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	opts := func(name string) HTMLOptions {
		return HTMLOptions{Path: filepath.Join(dir, name), BaseDir: base, Version: "test"}
	}
	var events bytes.Buffer
	s, err := runner.Run(context.Background(), runner.Options{
		Command: "ansible-playbook",
		Args:    []string{"-i", "testdata/html_demo.ini", "--diff", "testdata/html_demo.yml"},
		Stdout:  io.Discard, Stderr: io.Discard, Text: io.Discard, EventsFile: &events,
		Handler: NewHTML(opts("live.html")), Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.ExitCode != 2 || len(s.FatalFailures()) != 1 {
		t.Fatalf("the demo should fail on one host: exit code %d, %d fatal failures", s.ExitCode, len(s.FatalFailures()))
	}
	recording := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(recording, events.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	replay := NewHTML(opts("replay.html"))
	f, err := os.Open(recording)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := event.Replay(f, event.NewFanout(zerolog.Nop(), replay), io.Discard, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	live, replayed := readReport(t, opts("live.html").Path), readReport(t, opts("replay.html").Path)
	if diff := cmp.Diff(live, replayed); diff != "" {
		t.Errorf("the replay's report differs from the live run's (-live +replay):\n%s", diff)
	}

	withConsole := opts("console.html")
	replayHTML(t, recording, NewHTML(withConsole))
	tb := browserTab(t)
	tb.do(chromedp.EmulateViewport(1280, 1200))
	tb.open(withConsole.Path)
	checkPage(t, tb, s)
	if text := eval[string](tb, `document.querySelector('#console pre').textContent`); !strings.Contains(text, "PLAY RECAP") {
		t.Errorf("the console section does not show Ansible's output: %.300q", text)
	}
	if png := tb.screenshot("report-real-run"); *golden.Update {
		if err := os.WriteFile(readmeScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkFilters(t, tb, s)

	tb.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	}))
	if bg := eval[string](tb, `getComputedStyle(document.documentElement).backgroundColor`); bg == "rgb(255, 255, 255)" {
		t.Errorf("the dark colour scheme keeps a white background")
	}
	if n := eval[int](tb, statusPixels); n == 0 {
		t.Error("in the dark colour scheme, the timeline has no pixel of a status colour")
	}
	tb.screenshot("report-real-run-dark")
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("the page had problems:\n%s", strings.Join(p, "\n"))
	}
}

// generatedTime is where a report says when it was generated.
var generatedTime = regexp.MustCompile(`<time id="generated" datetime="[^"]*">[^<]*</time>`)

// readReport reads a report without its generation time.
func readReport(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !generatedTime.Match(data) {
		t.Fatalf("%s does not say when it was generated", path)
	}
	return string(generatedTime.ReplaceAll(data, []byte(`<time id="generated">…</time>`)))
}
