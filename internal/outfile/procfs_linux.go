package outfile

import (
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// onProcfs reports whether dir is on /proc, whose symlinks (/proc/self/fd/N)
// stand for open files rather than paths.
func onProcfs(dir string) bool {
	var fs unix.Statfs_t
	return unix.Statfs(dir, &fs) == nil && fs.Type == unix.PROC_SUPER_MAGIC
}

// ownFD is the descriptor N when path is /proc/self/fd/N (the target of
// /dev/stdout, /dev/stderr and /dev/fd/N) or the same under the process's
// own PID.
func ownFD(path string) (int, bool) {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil || dir != filepath.Join("/proc", strconv.Itoa(os.Getpid()), "fd") {
		return 0, false
	}
	fd, err := strconv.Atoi(filepath.Base(path))
	return fd, err == nil && fd >= 0
}
