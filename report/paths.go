package report

import (
	"path/filepath"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// relPath writes path relative to base when it lies under base, else as is.
func relPath(base, path string) string {
	if base == "" || path == "" || !filepath.IsAbs(path) {
		return path
	}
	rel, err := filepath.Rel(base, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// splitTaskPath splits Ansible's "file:line" task path into the file,
// relative to base, and the line (event.SplitTaskPath).
func splitTaskPath(base, path string) (file, line string) {
	file, line = event.SplitTaskPath(path)
	return relPath(base, file), line
}

// relTaskPath is a task's "file:line", the file relative to base when
// under it.
func relTaskPath(base, path string) string {
	if path == "" {
		return ""
	}
	file, line := splitTaskPath(base, path)
	if line == "" {
		return file
	}
	return file + ":" + line
}
