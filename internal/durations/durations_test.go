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
