package metrics

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// statuses are the recap statuses of task results, in the order they are written.
var statuses = []event.Status{
	event.StatusOK, event.StatusChanged, event.StatusFailed, event.StatusSkipped,
	event.StatusUnreachable, event.StatusRescued, event.StatusIgnored,
}

// runOutcomes are the values of Summary.Outcome.
var runOutcomes = []string{"ok", "changed", "failed", "interrupted"}

// hostOutcomes are the outcomes of one host, worst first.
var hostOutcomes = []string{"unreachable", "failed", "changed", "ok"}

// statusCount is the recap count of one status.
func statusCount(c event.HostCounts, st event.Status) int {
	switch st {
	case event.StatusOK:
		return c.OK
	case event.StatusChanged:
		return c.Changed
	case event.StatusFailed:
		return c.Failures
	case event.StatusSkipped:
		return c.Skipped
	case event.StatusUnreachable:
		return c.Unreachable
	case event.StatusRescued:
		return c.Rescued
	case event.StatusIgnored:
		return c.Ignored
	}
	return 0
}

// hostOutcome is the outcome of a host from its recap counts.
func hostOutcome(c event.HostCounts) string {
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
func hostsByOutcome(s *event.Summary) map[string]int {
	n := make(map[string]int, len(hostOutcomes))
	for _, h := range s.RecapHosts() {
		n[hostOutcome(s.Recap(h))]++
	}
	return n
}

// succeeded reports whether the run finished without failure.
func succeeded(s *event.Summary) bool {
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
func playbookPath(s *event.Summary) string {
	if s.Playbook == nil {
		return ""
	}
	return s.Playbook.Path
}
