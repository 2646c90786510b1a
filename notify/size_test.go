package notify

import "testing"

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0: an error
	}{
		{"100000", 100000},
		{"512B", 512},
		{"512KiB", 512 << 10},
		{"64K", 64 << 10},
		{"32MiB", 32 << 20},
		{" 8M ", 8 << 20},
		{"1GiB", 1 << 30},
		{"", 0},
		{"0", 0},
		{"-5MiB", 0},
		{"1.5MiB", 0},
		{"32MB", 0},
		{"MiB", 0},
		{"9999999GiB", 0},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
