package metrics

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// hostsByOutcome counts the recap's hosts by outcome.
func hostsByOutcome(s *event.Summary) map[event.Outcome]int {
	n := make(map[event.Outcome]int, 4)
	for _, h := range s.RecapHosts() {
		n[s.Recap(h).Outcome()]++
	}
	return n
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
