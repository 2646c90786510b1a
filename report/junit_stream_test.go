package report

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// junitEvents are a play of two tasks on two hosts, with a result on a
// host at the end that the Summary gives to no host.
func junitEvents() []*event.Event {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "play", Start: at}
	one := &event.Task{ID: "1", Name: "one"}
	two := &event.Task{ID: "2", Name: "two"}
	return []*event.Event{
		{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "site.yml"}},
		{Kind: event.PlayStart, Time: at, Play: play},
		{Kind: event.TaskStart, Time: at, Play: play, Task: one},
		{Kind: event.RunnerOK, Time: at.Add(time.Second), Play: play, Task: one, Host: "a", Result: &event.Result{}},
		{Kind: event.TaskStart, Time: at.Add(time.Second), Play: play, Task: two},
		{Kind: event.RunnerOK, Time: at.Add(2 * time.Second), Play: play, Task: two, Host: "a", Result: &event.Result{}},
		// serial batches: host b's results come after host a's
		{Kind: event.RunnerOK, Time: at.Add(3 * time.Second), Play: play, Task: one, Host: "b", Result: &event.Result{}},
		{Kind: event.RunnerSkipped, Time: at.Add(4 * time.Second), Play: play, Task: two, Host: "b", Result: &event.Result{Skipped: true}},
		{Kind: event.RunnerOK, Time: at.Add(4 * time.Second), Play: play, Task: two, Result: &event.Result{}},
	}
}

// TestJUnitCasesInResultOrder checks that the test cases come in the order
// of the results, each suite with its counts.
func TestJUnitCasesInResultOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	j := NewJUnit(JUnitOptions{Path: path})
	s := event.NewSummary()
	for _, ev := range junitEvents() {
		feed(t, s, j, ev)
	}
	s.Complete = true
	if err := j.Finish(s); err != nil {
		t.Fatal(err)
	}
	doc := readJUnit(t, path)
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(doc.Suites))
	}
	suite := doc.Suites[0]
	var names []string
	for _, c := range suite.Cases {
		names = append(names, c.Name)
	}
	if want := []string{"[a] one", "[a] two", "[b] one", "[b] two"}; !slices.Equal(names, want) {
		t.Errorf("test cases %q, want %q", names, want)
	}
	if suite.Tests != 4 || suite.Skipped != 1 || doc.Tests != 4 || doc.Skipped != 1 {
		t.Errorf("suite counts %d tests, %d skipped; report %d, %d; want 4, 1", suite.Tests, suite.Skipped, doc.Tests, doc.Skipped)
	}
}

// TestJUnitResultsOutsidePlays checks that results of no play that started
// are test cases of a suite named after the playbook, which also holds the
// run's problems.
func TestJUnitResultsOutsidePlays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junit.xml")
	j := NewJUnit(JUnitOptions{Path: path})
	s := event.NewSummary()
	for _, ev := range junitEvents() {
		if ev.Kind == event.PlayStart {
			continue
		}
		feed(t, s, j, ev)
	}
	s.Interrupted, s.ExitCode = true, 99
	if err := j.Finish(s); err != nil {
		t.Fatal(err)
	}
	doc := readJUnit(t, path)
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "ansible-playbook site.yml" {
		t.Fatalf("suites %+v, want one named after the playbook", doc.Suites)
	}
	suite := doc.Suites[0]
	if suite.Tests != 5 || suite.Errors != 1 || len(suite.Cases) != 5 {
		t.Fatalf("%d tests, %d errors, %d test cases; want 5, 1, 5", suite.Tests, suite.Errors, len(suite.Cases))
	}
	for _, c := range suite.Cases {
		if c.Classname != suite.Name {
			t.Errorf("test case %q has the classname %q, want %q", c.Name, c.Classname, suite.Name)
		}
	}
	if last := suite.Cases[4]; last.Name != "run interrupted" || last.Error == nil {
		t.Errorf("the last test case is %q, want the interruption", last.Name)
	}
}

// TestJUnitLeavesNoCaseFile checks that the temporary file of test cases
// is gone when the report is written and when writing it fails.
func TestJUnitLeavesNoCaseFile(t *testing.T) {
	for _, c := range []struct {
		name    string
		setup   func(dir string) string // returns the report's path
		failsAt string                  // "", "event" or "finish"
	}{
		{"written", func(dir string) string { return filepath.Join(dir, "junit.xml") }, ""},
		{"in a missing directory, never created", func(dir string) string { return filepath.Join(dir, "reports", "junit.xml") }, "event"},
		{"the path is a directory", func(dir string) string {
			path := filepath.Join(dir, "junit.xml")
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(path, "keep"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, "finish"},
		{"the directory is a file", func(dir string) string {
			if err := os.WriteFile(filepath.Join(dir, "reports"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(dir, "reports", "junit.xml")
		}, "event"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := c.setup(dir)
			before := listTree(t, dir)
			j := NewJUnit(JUnitOptions{Path: path})
			s := event.NewSummary()
			var eventErr error
			for _, ev := range junitEvents() {
				s.Add(ev)
				if err := j.Event(ev, s); err != nil && eventErr == nil {
					eventErr = err
				}
			}
			s.Complete = true
			finishErr := j.Finish(s)
			if (eventErr != nil) != (c.failsAt == "event") {
				t.Errorf("Event's error %v; want one: %v", eventErr, c.failsAt == "event")
			}
			if (finishErr != nil) != (c.failsAt != "") {
				t.Errorf("Finish's error %v; want one: %v", finishErr, c.failsAt != "")
			}
			want := before
			if c.failsAt == "" {
				want = listTree(t, dir)
				if !slices.Contains(want, path) {
					t.Fatalf("no report at %s: %q", path, want)
				}
				if n := len(want) - len(before); n != 1 { // the report
					t.Errorf("files beside the report: %q", want)
				}
			}
			if got := listTree(t, dir); !slices.Equal(got, want) {
				t.Errorf("files %q, want %q", got, want)
			}
		})
	}
}

// listTree lists the paths under dir, dir excluded.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
		if path != dir {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// readJUnit reads a report with encoding/xml.
func readJUnit(t *testing.T, path string) junitTestSuites {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitTestSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("encoding/xml cannot read the report: %v", err)
	}
	return doc
}
