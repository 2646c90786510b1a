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

// Ago writes how long ago something happened, in its largest unit, rounded
// down, as people say it: "just now", "45s ago", "12m ago", "2h ago",
// "3d ago". A negative age (a clock that moved back) is "just now".
func Ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
