package report

import (
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
)

// JUnitOptions says where and how to write the JUnit report.
type JUnitOptions struct {
	// Path is the file to write, private to its owner (outfile.Private):
	// a regular file is replaced atomically, a FIFO or a device is written
	// into, a symlink is followed (see package outfile).
	Path string
	// FailOnIgnore reports ignored failures (ignore_errors,
	// ignore_unreachable) as failures instead of passed tests.
	FailOnIgnore bool
	// FailOnChange reports changed results as failures.
	FailOnChange bool
	// BaseDir, when set, makes task files under it relative to it.
	BaseDir string
	// Log receives the writer's diagnostics.
	Log zerolog.Logger
}

// JUnit is an event.Handler that writes the run as JUnit XML: one testsuite
// per play, one testcase per task and host, in the order the results came.
// Each test case is written as its result arrives, to a temporary file
// beside the report (outfile.TempDir); Finish writes the report from it, so that memory does
// not grow with the length of the run.
type JUnit struct {
	opts  JUnitOptions
	cases *caseFile // nil until the first test case
	// suites are the test cases written, by play; those of results
	// outside any play that started are under nil, the playbook's suite.
	suites map[*event.Play]*suiteCases
	names  map[*event.Play]string // the suite names of the plays seen
	err    error                  // the first error writing a test case
}

// NewJUnit returns a JUnit writer.
func NewJUnit(opts JUnitOptions) *JUnit {
	return &JUnit{opts: opts, suites: make(map[*event.Play]*suiteCases), names: make(map[*event.Play]string)}
}

// Event writes the test case of each host's final result for a task, read
// from the Summary's TaskRun.Last. After an error it returns that error.
func (j *JUnit) Event(ev *event.Event, s *event.Summary) error {
	if j.err != nil {
		return j.err
	}
	switch ev.Kind {
	case event.RunnerOK, event.RunnerFailed, event.RunnerSkipped, event.RunnerUnreach:
	default:
		return nil
	}
	if ev.Host == "" || ev.Task == nil {
		return nil // a result that the Summary gives to no host or task
	}
	t := s.TaskRun(ev.Task.ID)
	if t == nil || t.Last.Host != ev.Host || skippedMeta(t, t.Last) {
		return nil
	}
	play, name := j.suiteOf(t.Play, s)
	if j.cases == nil {
		if j.cases, j.err = newCaseFile(j.opts.Path); j.err != nil {
			j.err = fmt.Errorf("junit report: %w", j.err)
			return j.err
		}
	}
	suite := j.suites[play]
	if suite == nil {
		suite = &suiteCases{}
		j.suites[play] = suite
	}
	if err := j.cases.add(suite, j.testCase(name, t, t.Last)); err != nil {
		j.err = fmt.Errorf("junit report: %w", err)
	}
	return j.err
}

// suiteOf returns the play whose suite holds a task's results, and the
// suite's name: the task's play once it started, else nil, the playbook.
func (j *JUnit) suiteOf(p *event.Play, s *event.Summary) (*event.Play, string) {
	if name, ok := j.names[p]; ok {
		return p, name
	}
	for i, q := range s.Plays {
		if q == p {
			j.names[p] = playName(p, i)
			return p, j.names[p]
		}
	}
	return nil, runName(s, j.opts.BaseDir)
}

// Finish writes the report and removes the temporary file of test cases.
// It is called also for failed and interrupted runs.
func (j *JUnit) Finish(s *event.Summary) error {
	defer j.cases.remove()
	if j.err != nil {
		return j.err
	}
	doc := j.document(s)
	if err := outfile.Write(j.opts.Path, outfile.Private, func(w io.Writer) error { return j.writeDocument(w, doc) }); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	j.opts.Log.Debug().Str("path", j.opts.Path).Int("tests", doc.Tests).Msg("JUnit report written")
	return nil
}

// document is the report without its streamed test cases: the plays'
// suites in the order they started, the playbook's suite when results came
// outside any play, then the run's own problems (interruption, a failure
// without a failed task) in the last suite, or in a suite of the playbook
// when there is none.
func (j *JUnit) document(s *event.Summary) *junitTestSuites {
	doc := &junitTestSuites{
		Name:      runName(s, j.opts.BaseDir),
		Time:      seconds(s.Duration()),
		Timestamp: timestamp(s.Start),
	}
	for i, p := range s.Plays {
		doc.Suites = append(doc.Suites, junitTestSuite{
			Name:      playName(p, i),
			ID:        i,
			Timestamp: timestamp(p.Start),
			Time:      seconds(playDuration(s, p)),
		})
		doc.Suites[i].addStreamed(j.suites[p])
	}
	if cases := j.suites[nil]; cases != nil {
		i := j.playbookSuite(doc, s)
		doc.Suites[i].addStreamed(cases)
	}
	j.addRunProblems(doc, s)
	props := runProperties(s, j.opts.BaseDir)
	for i := range doc.Suites {
		if len(props) > 0 {
			doc.Suites[i].Properties = &junitProps{List: props}
		}
		doc.addAll(doc.Suites[i].caseCounts)
	}
	return doc
}

// playbookSuite adds a suite named after the playbook and returns its index.
func (j *JUnit) playbookSuite(doc *junitTestSuites, s *event.Summary) int {
	doc.Suites = append(doc.Suites, junitTestSuite{
		Name: doc.Name, ID: len(doc.Suites), Timestamp: timestamp(s.Start), Time: seconds(s.Duration()),
	})
	return len(doc.Suites) - 1
}

// runSuite returns the index of the suite for problems of the whole run:
// the last one, or a new suite named after the playbook.
func (j *JUnit) runSuite(doc *junitTestSuites, s *event.Summary) int {
	if len(doc.Suites) == 0 {
		return j.playbookSuite(doc, s)
	}
	return len(doc.Suites) - 1
}

// addRunProblems adds an error test case when the run was interrupted, or
// when ansible-playbook failed without any failed or unreachable task (a
// parser error, a missing file): a CI must never see such a run as green.
func (j *JUnit) addRunProblems(doc *junitTestSuites, s *event.Summary) {
	problems := 0
	for _, suite := range doc.Suites {
		problems += suite.Failures + suite.Errors
	}
	var msg, typ string
	switch {
	case s.Interrupted:
		typ = "interrupted"
		msg = "the run was interrupted before Ansible reported its stats"
		if s.CurrentTask != nil && s.CurrentTask.Task != nil {
			msg += fmt.Sprintf(", during task %q", s.CurrentTask.Task.Name)
		}
		msg += fmt.Sprintf(" (exit code %d)", s.ExitCode)
	case s.ExitCode != 0 && problems == 0:
		typ = "exit-code"
		msg = fmt.Sprintf("ansible-playbook exited with code %d without a failed task; see its output", s.ExitCode)
	default:
		return
	}
	i := j.runSuite(doc, s)
	doc.Suites[i].add(junitTestCase{
		Name:      map[string]string{"interrupted": "run interrupted", "exit-code": "ansible-playbook exit code"}[typ],
		Classname: doc.Suites[i].Name,
		Time:      seconds(0),
		Error:     &junitProblem{Message: msg, Type: typ},
	})
}

// runProperties describe the run on every suite.
func runProperties(s *event.Summary, base string) []junitProperty {
	var props []junitProperty
	if s.Playbook != nil {
		props = append(props, junitProperty{"playbook", relPath(base, s.Playbook.Path)})
		if s.Playbook.AnsibleVersion != "" {
			props = append(props, junitProperty{"ansible_version", s.Playbook.AnsibleVersion})
		}
		if s.Playbook.Check {
			props = append(props, junitProperty{"check_mode", "true"})
		}
	}
	props = append(props, junitProperty{"outcome", string(s.Outcome())}, junitProperty{"exit_code", fmt.Sprint(s.ExitCode)})
	if s.Interrupted {
		props = append(props, junitProperty{"interrupted", "true"})
	}
	return props
}

// runName names the whole report after the playbook.
func runName(s *event.Summary, base string) string {
	if s.Playbook != nil && s.Playbook.Path != "" {
		return "ansible-playbook " + relPath(base, s.Playbook.Path)
	}
	return "ansible-playbook"
}

func playName(p *event.Play, i int) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprintf("play %d", i+1)
}

// playDuration is the time from the play's start to its last result.
func playDuration(s *event.Summary, p *event.Play) time.Duration {
	var end time.Time
	for _, t := range s.Tasks {
		if t.Play == p && t.End.After(end) {
			end = t.End
		}
	}
	if end.IsZero() || p.Start.IsZero() || end.Before(p.Start) {
		return 0
	}
	return end.Sub(p.Start)
}

// seconds is a duration as JUnit writes it: seconds with milliseconds.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// timestamp is a time as the JUnit schema writes it: ISO 8601 in UTC, without a zone.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}
