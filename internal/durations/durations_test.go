package durations

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{850*time.Millisecond + 400*time.Microsecond, "850ms"},
		{12340 * time.Millisecond, "12.3s"},
		{4*time.Minute + 5*time.Second + 600*time.Millisecond, "4m05s"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1h02m03s"},
		{26 * time.Hour, "26h00m00s"},
	} {
		if got := Format(tc.d); got != tc.want {
			t.Errorf("Format(%v) = %q, want %q", tc.d, got, tc.want)
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
