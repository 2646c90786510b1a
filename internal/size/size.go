// Package size reads and writes sizes in bytes as people write them:
// 32MiB, 512KiB, 1.5 GiB.
package size

import (
	"fmt"
	"strconv"
	"strings"
)

// units are the suffixes Parse accepts, binary multiples all.
var units = []struct {
	suffix string
	bytes  int
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// Parse reads a size in bytes: a whole number, optionally followed by
// B, K or KiB, M or MiB, G or GiB (multiples of 1024), e.g. "32MiB".
func Parse(s string) (int, error) {
	s = strings.TrimSpace(s)
	unit := 1
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > (1<<40)/unit {
		return 0, fmt.Errorf("want a positive size such as 32MiB, 512KiB or 100000")
	}
	return n * unit, nil
}

// Format writes a size for people, in the largest binary unit under it:
// 512 B, 1.5 KiB, 2.0 GiB.
func Format(n int64) string {
	if n < 1<<10 {
		return fmt.Sprintf("%d B", n)
	}
	value, unit := float64(n), "B"
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if value < 1<<10 {
			break
		}
		value, unit = value/(1<<10), u
	}
	return fmt.Sprintf("%.1f %s", value, unit)
}
