package event

import (
	"fmt"
	"time"
)

// DurationFormat is the precision and the spelling with which
// FormatDuration writes a duration. Every output writes durations for
// people on the same scale: under a second in milliseconds, under a minute
// in seconds with a decimal, under an hour in minutes and seconds, then in
// hours, minutes and seconds; each rounded to what it shows.
type DurationFormat struct {
	// Hundredths writes a duration under ten seconds in seconds to the
	// hundredth ("0.42s", "4.87s") rather than in milliseconds under a
	// second and to the tenth above ("420ms", "4.9s").
	Hundredths bool
	// ToMinute writes a duration of an hour or more to the minute ("1h02m")
	// rather than to the second ("1h02m03s").
	ToMinute bool
	// Words writes each unit after a space, minutes as "min": "12.3 s",
	// "2 min 05 s", "1 h 02 min", as a document reads.
	Words bool
}

// The duration formats of ansible-tap's outputs.
var (
	// DurationTerse is for terminals, chat messages and listings: 850ms,
	// 12.3s, 4m05s, 1h02m03s.
	DurationTerse = DurationFormat{}
	// DurationDocument is for reports: 0.42 s, 12.3 s, 2 min 05 s,
	// 1 h 02 min.
	DurationDocument = DurationFormat{Hundredths: true, ToMinute: true, Words: true}
)

// FormatDuration writes d for people, with the precision and spelling of
// f. A negative duration (a clock that moved back) is written as 0.
func FormatDuration(d time.Duration, f DurationFormat) string {
	ms, s, m, h := "ms", "s", "m", "h"
	if f.Words {
		ms, s, m, h = " ms", " s", " min", " h"
	}
	d = max(d, 0)
	if f.Hundredths && d < 10*time.Second {
		return fmt.Sprintf("%.2f%s", d.Seconds(), s)
	}
	if r := d.Round(time.Millisecond); r < time.Second {
		if r == 0 {
			return "0" + s
		}
		return fmt.Sprintf("%d%s", r.Milliseconds(), ms)
	}
	if d < time.Minute {
		return fmt.Sprintf("%.1f%s", d.Seconds(), s)
	}
	sep := ""
	if f.Words {
		sep = " "
	}
	if r := d.Round(time.Second); r < time.Hour {
		return fmt.Sprintf("%d%s%s%02d%s", int(r.Minutes()), m, sep, int(r.Seconds())%60, s)
	}
	if f.ToMinute {
		r := d.Round(time.Minute)
		return fmt.Sprintf("%d%s%s%02d%s", int(r.Hours()), h, sep, int(r.Minutes())%60, m)
	}
	r := d.Round(time.Second)
	return fmt.Sprintf("%d%s%s%02d%s%s%02d%s", int(r.Hours()), h, sep, int(r.Minutes())%60, m, sep, int(r.Seconds())%60, s)
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
