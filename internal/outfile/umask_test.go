package outfile

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseStatusUmask(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   os.FileMode
		ok     bool
	}{
		{"Name:\tx\nUmask:\t0022\nState:\tR\n", 0o022, true},
		{"Umask:\t0077\n", 0o077, true},
		{"Umask:\t0000\n", 0, true},
		{"Name:\tx\nState:\tR\n", 0, false}, // a kernel before 4.7
		{"Umask:\tzz\n", 0, false},
		{"Umask:\t01000\n", 0, false},
	} {
		got, ok := parseStatusUmask(strings.NewReader(tc.status))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: %o %v, want %o %v", tc.status, got, ok, tc.want, tc.ok)
		}
	}
}

// The umask read from /proc is the one the system applies.
func TestUmaskIsTheProcesses(t *testing.T) {
	old := unix.Umask(0o022)
	unix.Umask(old)
	if umask != os.FileMode(old) {
		t.Errorf("umask %o, the process's is %o", umask, old)
	}
	if got := Mode(Shared); got != Shared&^os.FileMode(old) {
		t.Errorf("Mode(Shared) = %o", got)
	}
}
