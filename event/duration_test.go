package event

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		d              time.Duration
		terse, written string
	}{
		{0, "0s", "0.00 s"},
		{-5 * ms, "0s", "0.00 s"}, // a clock that moved back
		{400 * time.Microsecond, "0s", "0.00 s"},
		{850*ms + 400*time.Microsecond, "850ms", "0.85 s"},
		{999*ms + 600*time.Microsecond, "1.0s", "1.00 s"},
		{4870 * ms, "4.9s", "4.87 s"},
		{8 * time.Second, "8.0s", "8.00 s"},
		{12340 * ms, "12.3s", "12.3 s"},
		{4*time.Minute + 5*time.Second + 400*ms, "4m05s", "4 min 05 s"},
		{4*time.Minute + 5*time.Second + 600*ms, "4m06s", "4 min 06 s"}, // rounded, as every other unit is
		{59*time.Minute + 59*time.Second + 600*ms, "1h00m00s", "1 h 00 min"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1h02m03s", "1 h 02 min"},
		{time.Hour + 2*time.Minute + 31*time.Second, "1h02m31s", "1 h 03 min"},
		{26 * time.Hour, "26h00m00s", "26 h 00 min"},
	} {
		if got := FormatDuration(tc.d, DurationTerse); got != tc.terse {
			t.Errorf("FormatDuration(%v, DurationTerse) = %q, want %q", tc.d, got, tc.terse)
		}
		if got := FormatDuration(tc.d, DurationDocument); got != tc.written {
			t.Errorf("FormatDuration(%v, DurationDocument) = %q, want %q", tc.d, got, tc.written)
		}
	}
}

// Each choice of a DurationFormat changes what it says it changes.
func TestDurationFormatChoices(t *testing.T) {
	d := time.Hour + 2*time.Minute + 3*time.Second
	for _, tc := range []struct {
		f    DurationFormat
		d    time.Duration
		want string
	}{
		{DurationFormat{Hundredths: true}, 420 * time.Millisecond, "0.42s"},
		{DurationFormat{Words: true}, 420 * time.Millisecond, "420 ms"},
		{DurationFormat{ToMinute: true}, d, "1h02m"},
		{DurationFormat{Words: true}, d, "1 h 02 min 03 s"},
		{DurationFormat{Words: true}, 125 * time.Second, "2 min 05 s"},
	} {
		if got := FormatDuration(tc.d, tc.f); got != tc.want {
			t.Errorf("FormatDuration(%v, %+v) = %q, want %q", tc.d, tc.f, got, tc.want)
		}
	}
}

func TestAgo(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "just now"},
		{0, "just now"},
		{999 * time.Millisecond, "just now"},
		{time.Second, "1s ago"},
		{59*time.Second + 900*time.Millisecond, "59s ago"},
		{time.Minute, "1m ago"},
		{59*time.Minute + 59*time.Second, "59m ago"},
		{2*time.Hour + 59*time.Minute, "2h ago"},
		{47 * time.Hour, "47h ago"},
		{48 * time.Hour, "2d ago"},
		{400 * 24 * time.Hour, "400d ago"},
	} {
		if got := Ago(tc.d); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
