package report

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// expectedCounts are the counts a JUnit report of the run must have,
// derived from Ansible's recap: every counted result is a test case.
// failOnChange assumes no changed result also failed, as in testdata.
func expectedCounts(s *event.Summary, failOnIgnore, failOnChange bool) junitCounts {
	t := s.Totals()
	c := junitCounts{
		Tests:    t.OK + t.Failures + t.Unreachable + t.Skipped + t.Rescued,
		Failures: t.Failures,
		Errors:   t.Unreachable,
		Skipped:  t.Skipped,
	}
	if failOnIgnore {
		c.Failures += t.Ignored
	}
	if failOnChange {
		c.Failures += t.Changed
	}
	if s.Interrupted || (s.ExitCode != 0 && t.Failures+t.Unreachable == 0) {
		c.Tests++ // the run's own error case
		c.Errors++
	}
	return c
}

// TestJUnitCountsOfRecordings reads the reports of the recorded runs with
// junitparser and compares its counts with Ansible's recap.
func TestJUnitCountsOfRecordings(t *testing.T) {
	for _, c := range []struct {
		recording                  string
		failOnIgnore, failOnChange bool
	}{
		{"mixed", false, false},
		{"mixed", true, false},
		{"mixed", false, true},
		{"mixed", true, true},
		{"green", false, false},
		{"green", false, true},
		{"interrupted", false, false},
	} {
		name := c.recording
		if c.failOnIgnore {
			name += "/fail-on-ignore"
		}
		if c.failOnChange {
			name += "/fail-on-change"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "junit.xml")
			j := NewJUnit(JUnitOptions{Path: path, FailOnIgnore: c.failOnIgnore, FailOnChange: c.failOnChange})
			s := replayRecording(t, c.recording, j)
			got := readWithJunitparser(t, path).Cases
			if want := expectedCounts(s, c.failOnIgnore, c.failOnChange); got != want {
				t.Errorf("junitparser counts %+v, the run's are %+v", got, want)
			}
		})
	}
}

// TestJUnitKeepsAwkwardMessages checks that messages with XML's special
// characters, a CDATA end, colour escapes and NUL still make a document
// that junitparser and encoding/xml read, with the text intact.
func TestJUnitKeepsAwkwardMessages(t *testing.T) {
	messages := []struct{ name, msg, want string }{
		{"markup", `<b>"a" & 'b'</b>`, `<b>"a" & 'b'</b>`},
		{"cdata end", "x]]>y]]]]>z", "x]]>y]]]]>z"},
		{"colour and nul", "\x1b[31mred\x1b[0m\x00!", "[31mred[0m!"},
		{"lines", "one\ntwo", "one\ntwo"},
	}
	s := event.NewSummary()
	path := filepath.Join(t.TempDir(), "junit.xml")
	j := NewJUnit(JUnitOptions{Path: path})
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "play"}
	feed(t, s, j, &event.Event{Kind: event.PlayStart, Time: at, Play: play})
	for i, m := range messages {
		task := &event.Task{ID: m.name, Name: m.name}
		feed(t, s, j, &event.Event{Kind: event.TaskStart, Time: at, Play: play, Task: task})
		feed(t, s, j, &event.Event{Kind: event.RunnerFailed, Time: at.Add(time.Duration(i+1) * time.Second), Play: play, Task: task,
			Host: "h" + m.name, Disposition: event.Fatal, Result: &event.Result{Failed: true, Msg: m.msg}})
	}
	s.ExitCode = 2
	if err := j.Finish(s); err != nil {
		t.Fatal(err)
	}
	parsed := readWithJunitparser(t, path)
	if parsed.Cases.Failures != len(messages) {
		t.Fatalf("junitparser read %d failures, want %d", parsed.Cases.Failures, len(messages))
	}
	data, _ := os.ReadFile(path)
	var doc junitTestSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("encoding/xml cannot read the report: %v", err)
	}
	for i, m := range messages {
		t.Run(m.name, func(t *testing.T) {
			got := parsed.Messages[i]
			if got.Text != m.want {
				t.Errorf("junitparser reads the text %q, want %q", got.Text, m.want)
			}
			first, _, _ := strings.Cut(m.want, "\n")
			if got.Message != first {
				t.Errorf("junitparser reads the message %q, want %q", got.Message, first)
			}
			if attr := doc.Suites[0].Cases[i].Failure.Message; attr != first {
				t.Errorf("encoding/xml reads the message %q, want %q", attr, first)
			}
		})
	}
}

// feed adds ev to s and passes it to h, as event.Stream does.
func feed(t testing.TB, s *event.Summary, h event.Handler, ev *event.Event) {
	t.Helper()
	s.Add(ev)
	if err := h.Event(ev, s); err != nil {
		t.Fatal(err)
	}
}
