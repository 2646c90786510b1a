package metrics

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ansible-tap/ansible-tap/runner"
)

// statuses are the recap statuses of task results, in the order they are written.
var statuses = []runner.Status{
	runner.StatusOK, runner.StatusChanged, runner.StatusFailed, runner.StatusSkipped,
	runner.StatusUnreachable, runner.StatusRescued, runner.StatusIgnored,
}

// runOutcomes are the values of Summary.Outcome.
var runOutcomes = []string{"ok", "changed", "failed", "interrupted"}

// hostOutcomes are the outcomes of one host, worst first.
var hostOutcomes = []string{"unreachable", "failed", "changed", "ok"}

// statusCount is the recap count of one status.
func statusCount(c runner.HostCounts, st runner.Status) int {
	switch st {
	case runner.StatusOK:
		return c.OK
	case runner.StatusChanged:
		return c.Changed
	case runner.StatusFailed:
		return c.Failures
	case runner.StatusSkipped:
		return c.Skipped
	case runner.StatusUnreachable:
		return c.Unreachable
	case runner.StatusRescued:
		return c.Rescued
	case runner.StatusIgnored:
		return c.Ignored
	}
	return 0
}

// hostOutcome is the outcome of a host from its recap counts.
func hostOutcome(c runner.HostCounts) string {
	switch {
	case c.Unreachable > 0:
		return "unreachable"
	case c.Failures > 0:
		return "failed"
	case c.Changed > 0:
		return "changed"
	}
	return "ok"
}

// hostsByOutcome counts the recap's hosts by outcome.
func hostsByOutcome(s *runner.Summary) map[string]int {
	n := make(map[string]int, len(hostOutcomes))
	for _, h := range s.RecapHosts() {
		n[hostOutcome(s.Recap(h))]++
	}
	return n
}

// succeeded reports whether the run finished without failure.
func succeeded(s *runner.Summary) bool {
	o := s.Outcome()
	return o == "ok" || o == "changed"
}

// unknownPlaybook is the playbook label of a run that never reported its playbook.
const unknownPlaybook = "unknown"

// PlaybookLabel is the value of the playbook label for a playbook path: the
// path relative to the working directory when the playbook lies under it
// (so that a checkout's location does not change the series), else the path.
// An empty path gives fallback, or "unknown".
func PlaybookLabel(path, fallback string) string {
	if path == "" {
		path = fallback
	}
	if path == "" {
		return unknownPlaybook
	}
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
		}
	}
	return path
}

// playbookPath is the playbook a summary reports, or "".
func playbookPath(s *runner.Summary) string {
	if s.Playbook == nil {
		return ""
	}
	return s.Playbook.Path
}
