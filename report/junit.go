package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
)

// JUnitOptions says where and how to write the JUnit report.
type JUnitOptions struct {
	// Path is the file to write; it is replaced atomically.
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

// JUnit is a runner.Handler that writes the run as JUnit XML when it finishes:
// one testsuite per play, one testcase per task and host.
type JUnit struct {
	opts JUnitOptions
}

// NewJUnit returns a JUnit writer.
func NewJUnit(opts JUnitOptions) *JUnit {
	return &JUnit{opts: opts}
}

// Event does nothing: the report is built from the summary at the end.
func (j *JUnit) Event(*runner.Event, *runner.Summary) error { return nil }

// KeepsResults is true: the report is built from every host's result at
// the end (to be replaced by test cases streamed as results arrive).
func (j *JUnit) KeepsResults() bool { return true }

// Finish writes the report. It is called also for failed and interrupted runs.
func (j *JUnit) Finish(s *runner.Summary) error {
	data, err := j.Render(s)
	if err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	if err := writeFileAtomic(j.opts.Path, data); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	j.opts.Log.Debug().Str("path", j.opts.Path).Int("bytes", len(data)).Msg("JUnit report written")
	return nil
}

// Render returns the JUnit XML document of the run.
func (j *JUnit) Render(s *runner.Summary) ([]byte, error) {
	doc := j.document(s)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// document builds the report: the plays' suites in the order they started,
// then the run's own problems (interruption, a failure without a failed
// task) in the last suite, or in a suite of the playbook when no play ran.
func (j *JUnit) document(s *runner.Summary) *junitTestSuites {
	doc := &junitTestSuites{
		Name:      runName(s, j.opts.BaseDir),
		Time:      seconds(s.Duration()),
		Timestamp: timestamp(s.Start),
	}
	index := make(map[*runner.Play]int)
	for i, p := range s.Plays {
		index[p] = i
		doc.Suites = append(doc.Suites, junitTestSuite{
			Name:      playName(p, i),
			ID:        i,
			Timestamp: timestamp(p.Start),
			Time:      seconds(playDuration(s, p)),
		})
	}
	for _, t := range s.Tasks {
		i, ok := index[t.Play]
		if !ok {
			i = j.runSuite(doc, s)
		}
		for _, r := range t.Results {
			if skippedMeta(t, r) {
				continue
			}
			doc.Suites[i].add(j.testCase(doc.Suites[i].Name, t, r))
		}
	}
	j.addRunProblems(doc, s)
	props := runProperties(s, j.opts.BaseDir)
	for i := range doc.Suites {
		if len(props) > 0 {
			doc.Suites[i].Properties = &junitProps{List: props}
		}
		doc.Tests += doc.Suites[i].Tests
		doc.Failures += doc.Suites[i].Failures
		doc.Errors += doc.Suites[i].Errors
		doc.Skipped += doc.Suites[i].Skipped
	}
	return doc
}

// runSuite returns the index of the suite for problems of the whole run:
// the last play's, or a new suite named after the playbook.
func (j *JUnit) runSuite(doc *junitTestSuites, s *runner.Summary) int {
	if len(doc.Suites) == 0 {
		doc.Suites = append(doc.Suites, junitTestSuite{
			Name: doc.Name, Timestamp: timestamp(s.Start), Time: seconds(s.Duration()),
		})
	}
	return len(doc.Suites) - 1
}

// addRunProblems adds an error test case when the run was interrupted, or
// when ansible-playbook failed without any failed or unreachable task (a
// parser error, a missing file): a CI must never see such a run as green.
func (j *JUnit) addRunProblems(doc *junitTestSuites, s *runner.Summary) {
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
func runProperties(s *runner.Summary, base string) []junitProperty {
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
	props = append(props, junitProperty{"outcome", s.Outcome()}, junitProperty{"exit_code", fmt.Sprint(s.ExitCode)})
	if s.Interrupted {
		props = append(props, junitProperty{"interrupted", "true"})
	}
	return props
}

// runName names the whole report after the playbook.
func runName(s *runner.Summary, base string) string {
	if s.Playbook != nil && s.Playbook.Path != "" {
		return "ansible-playbook " + relPath(base, s.Playbook.Path)
	}
	return "ansible-playbook"
}

func playName(p *runner.Play, i int) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprintf("play %d", i+1)
}

// playDuration is the time from the play's start to its last result.
func playDuration(s *runner.Summary, p *runner.Play) time.Duration {
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
