package report

import (
	"path/filepath"
	"strings"
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
// relative to base, and the line.
func splitTaskPath(base, path string) (file, line string) {
	if i := strings.LastIndexByte(path, ':'); i > 0 && isDigits(path[i+1:]) {
		return relPath(base, path[:i]), path[i+1:]
	}
	return relPath(base, path), ""
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

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
