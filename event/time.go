package event

import "time"

// TimeFormat is the zone in which FormatTime writes an instant. Every
// output writes instants for people alike: the date, then the time to the
// second, "2026-12-01 08:00:00" (the records' own timestamps are for
// machines: FormatTimestamp).
type TimeFormat struct {
	// UTC writes the instant in UTC and says so ("2026-12-01 08:00:00
	// UTC"), rather than in the local zone without naming it.
	UTC bool
}

// The time formats of ansible-tap's outputs, beside their duration
// formats.
var (
	// TimeTerse is for terminals and listings, read where they are
	// written: the local time, 2026-12-01 09:00:00.
	TimeTerse = TimeFormat{}
	// TimeDocument is for reports, read anywhere and later:
	// 2026-12-01 08:00:00 UTC.
	TimeDocument = TimeFormat{UTC: true}
)

// timePeopleLayout is the layout of an instant for people.
const timePeopleLayout = "2006-01-02 15:04:05"

// FormatTime writes t for people, in the zone of f.
func FormatTime(t time.Time, f TimeFormat) string {
	return string(AppendTime(make([]byte, 0, len(timePeopleLayout)+4), t, f))
}

// AppendTime appends t, as FormatTime writes it, to b: for a listing
// that writes many without a string each.
func AppendTime(b []byte, t time.Time, f TimeFormat) []byte {
	if f.UTC {
		return append(t.UTC().AppendFormat(b, timePeopleLayout), " UTC"...)
	}
	return t.Local().AppendFormat(b, timePeopleLayout)
}
