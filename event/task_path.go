package event

import "strings"

// SplitTaskPath splits a task's path as Ansible reports it, "file:line",
// into the file and the line. The line is the digits after the last colon
// and nothing else (no sign); a path without them is all file, with an
// empty line.
func SplitTaskPath(path string) (file, line string) {
	i := strings.LastIndexByte(path, ':')
	if i <= 0 || i == len(path)-1 {
		return path, ""
	}
	for _, r := range path[i+1:] {
		if r < '0' || r > '9' {
			return path, ""
		}
	}
	return path[:i], path[i+1:]
}
