package history

import (
	"fmt"
	"strconv"
	"strings"
)

// ref is a parsed run reference: the Nth run before the newest, or an id
// prefix.
type ref struct {
	back   int    // for "last" and "last~N"
	prefix string // otherwise
}

// parseRef reads "last", "last~N" or an id (or the start of one, in any
// case).
func parseRef(s string) (ref, error) {
	if s == "last" {
		return ref{}, nil
	}
	if n, ok := strings.CutPrefix(s, "last~"); ok {
		back, err := strconv.Atoi(n)
		if err != nil || back < 0 {
			return ref{}, fmt.Errorf("history: %q: want last~N with N a number", s)
		}
		return ref{back: back}, nil
	}
	id := strings.ToLower(s)
	if !isIDPrefix(id) {
		return ref{}, fmt.Errorf("history: %q is not a run id, last or last~N", s)
	}
	return ref{prefix: id}, nil
}

// IsRef reports whether s reads as a reference to a run: last, last~N, or
// an id or the start of one.
func IsRef(s string) bool {
	_, err := parseRef(s)
	return err == nil
}
