package report

import (
	"fmt"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// testCase is one host's result for a task. Fatal failures are <failure>,
// unreachable hosts <error>, skipped tasks <skipped>; ignored failures and
// changes pass unless the options turn them into failures; rescued failures
// pass, since the rescue handled them.
func (j *JUnit) testCase(classname string, t *event.TaskRun, r event.HostResult) junitTestCase {
	file, line := "", ""
	if t.Task != nil {
		file, line = splitTaskPath(j.opts.BaseDir, t.Task.Path)
	}
	c := junitTestCase{
		Name:      caseName(t, r.Host),
		Classname: classname,
		File:      file,
		Line:      line,
		Time:      seconds(r.Duration()),
	}
	switch r.Status {
	case event.StatusFailed:
		c.Failure = problem(r.Message, "failed", "task failed")
	case event.StatusUnreachable:
		c.Error = problem(r.Message, "unreachable", "host unreachable")
	case event.StatusSkipped:
		c.Skipped = &junitSkipped{Message: xmlText(firstLine(r.Message))}
	case event.StatusIgnored:
		if j.opts.FailOnIgnore {
			c.Failure = problem(r.Message, "ignored", "task failed (ignored by the playbook)")
		}
	}
	if c.Failure == nil && c.Error == nil && c.Skipped == nil && r.Changed && j.opts.FailOnChange {
		c.Failure = &junitProblem{Message: "the task changed the host", Type: "changed"}
	}
	c.SystemOut = &junitText{xmlText(caseDetails(t, r))}
	return c
}

// caseName is the task's name with the host, as "[host] task"; handlers say so.
func caseName(t *event.TaskRun, host string) string {
	name := ""
	if t.Task != nil {
		name = t.Task.Name
		if name == "" {
			name = t.Task.Action
		}
		if t.Task.Handler {
			name += " (handler)"
		}
	}
	return fmt.Sprintf("[%s] %s", host, name)
}

// problem is a <failure> or <error>: the first line of the message as its
// message attribute, the whole message as its text. Under no_log the
// message is empty and stays so.
func problem(msg, typ, fallback string) *junitProblem {
	p := &junitProblem{Message: xmlText(firstLine(msg)), Type: typ, Text: xmlText(msg)}
	if p.Message == "" {
		p.Message = fallback
	}
	return p
}

// caseDetails is the <system-out> of a test case: what a reader of the CI
// page wants besides pass or fail.
func caseDetails(t *event.TaskRun, r event.HostResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status: %s\n", r.Status)
	if t.Task != nil && t.Task.Action != "" {
		fmt.Fprintf(&b, "action: %s\n", t.Task.Action)
	}
	if r.Changed && r.Status != event.StatusChanged {
		b.WriteString("changed: true\n")
	}
	if r.Items > 0 {
		fmt.Fprintf(&b, "loop items: %d\n", r.Items)
	}
	switch r.Status {
	case event.StatusIgnored, event.StatusRescued:
		if r.Message != "" {
			fmt.Fprintf(&b, "message: %s\n", r.Message)
		}
	}
	return b.String()
}

// skippedMeta reports a skipped meta task, which Ansible does not count.
func skippedMeta(t *event.TaskRun, r event.HostResult) bool {
	return r.Status == event.StatusSkipped && t.Task != nil && event.IsMetaAction(t.Task.Action)
}

// firstLine is the first line of s, cut to a length a CI list shows.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return textcut.Runes(strings.TrimSpace(line), 200)
}

// xmlText drops the characters that XML cannot carry, such as the escape
// sequences of coloured output, from text written as CDATA.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return -1
		}
		return r
	}, s)
}
