package event

import (
	"testing"
	"time"
)

func TestFormatTime(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	defer func(local *time.Location) { time.Local = local }(time.Local)
	time.Local = zone
	for _, tc := range []struct {
		t              time.Time
		terse, written string
	}{
		{time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), "2026-12-01 09:00:00", "2026-12-01 08:00:00 UTC"},
		{time.Date(2026, 12, 1, 23, 59, 59, 999e6, zone), "2026-12-01 23:59:59", "2026-12-01 22:59:59 UTC"}, // cut, not rounded
		{time.Date(2027, 1, 1, 0, 30, 0, 0, zone), "2027-01-01 00:30:00", "2026-12-31 23:30:00 UTC"},
	} {
		if got := FormatTime(tc.t, TimeTerse); got != tc.terse {
			t.Errorf("FormatTime(%v, TimeTerse) = %q, want %q", tc.t, got, tc.terse)
		}
		if got := FormatTime(tc.t, TimeDocument); got != tc.written {
			t.Errorf("FormatTime(%v, TimeDocument) = %q, want %q", tc.t, got, tc.written)
		}
		if got := string(AppendTime([]byte("at "), tc.t, TimeDocument)); got != "at "+tc.written {
			t.Errorf("AppendTime(%q, %v, TimeDocument) = %q", "at ", tc.t, got)
		}
	}
}
