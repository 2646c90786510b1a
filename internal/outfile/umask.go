package outfile

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// umask is the process's umask, read once as the program starts, before
// any other goroutine can create a file.
var umask = readUmask()

// Mode returns perm less the umask: the permissions of a file created
// with perm.
func Mode(perm os.FileMode) os.FileMode { return perm.Perm() &^ umask }

// readUmask reads the umask from /proc/self/status (Linux 4.7 and later),
// which leaves it untouched. Elsewhere it sets the umask and sets it back,
// which is safe only while no other goroutine creates files: during the
// package's initialisation.
func readUmask() os.FileMode {
	if f, err := os.Open("/proc/self/status"); err == nil {
		m, ok := parseStatusUmask(f)
		f.Close()
		if ok {
			return m
		}
	}
	old := unix.Umask(0o077)
	unix.Umask(old)
	return os.FileMode(old).Perm()
}

// parseStatusUmask finds the "Umask:" line of a /proc/PID/status file.
func parseStatusUmask(r io.Reader) (os.FileMode, bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		value, ok := bytes.CutPrefix(sc.Bytes(), []byte("Umask:"))
		if !ok {
			continue
		}
		m, err := strconv.ParseUint(string(bytes.TrimSpace(value)), 8, 32)
		if err != nil || m > 0o777 {
			return 0, false
		}
		return os.FileMode(m), true
	}
	return 0, false
}
