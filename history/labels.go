package history

import (
	"fmt"
	"strings"
	"unicode"
)

// ParseLabels reads --label KEY=VALUE flags into a map; a key given twice
// takes its last value. A key is not empty, and neither it nor the value
// holds control characters; the value may be empty.
func ParseLabels(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	labels := make(map[string]string, len(flags))
	for _, f := range flags {
		key, value, ok := strings.Cut(f, "=")
		key = strings.TrimSpace(key)
		switch {
		case !ok:
			return nil, fmt.Errorf("--label %q: want KEY=VALUE", f)
		case key == "":
			return nil, fmt.Errorf("--label %q: the key is empty", f)
		case strings.IndexFunc(f, unicode.IsControl) >= 0:
			return nil, fmt.Errorf("--label %q: control characters are not allowed", f)
		}
		labels[key] = value
	}
	return labels, nil
}
