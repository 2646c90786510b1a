package size

import "testing"

func TestParse(t *testing.T) {
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
		got, err := Parse(tt.in)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}, {2 << 30, "2.0 GiB"}, {3 << 40, "3.0 TiB"}} {
		if got := Format(tt.n); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
