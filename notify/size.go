package notify

import (
	"fmt"
	"strconv"
	"strings"
)

// sizeUnits are the suffixes ParseSize accepts, binary multiples all.
var sizeUnits = []struct {
	suffix string
	bytes  int
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
}

// ParseSize reads a size in bytes: a whole number, optionally followed by
// B, K or KiB, M or MiB, G or GiB (multiples of 1024), e.g. "32MiB".
func ParseSize(s string) (int, error) {
	s = strings.TrimSpace(s)
	unit := 1
	for _, u := range sizeUnits {
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
