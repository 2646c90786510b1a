package history

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads an age for --since and --older-than: a number of days
// ("30d"), weeks ("2w"), or anything time.ParseDuration reads ("36h",
// "90m").
func ParseAge(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || !(v >= 0 && v <= 1e5) { // also NaN
				return 0, fmt.Errorf("invalid age %q: want a number of days (30d), weeks (2w) or a duration (36h)", s)
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid age %q: want a number of days (30d), weeks (2w) or a duration (36h)", s)
	}
	return d, nil
}
