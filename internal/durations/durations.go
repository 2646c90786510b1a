// Package durations writes a duration for people, the one way ansible-tap's
// terminal outputs and its run history show them.
package durations

import (
	"fmt"
	"time"
)

// Format prints a duration rounded for people: 850ms, 12.3s, 4m05s,
// 1h02m03s.
func Format(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm%02ds", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
