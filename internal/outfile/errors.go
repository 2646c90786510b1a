package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// Error is an output path that cannot be written, and why.
type Error struct {
	// Path is the path as it was given.
	Path string
	// Target is the file that Path's symlinks lead to; "" when Path is
	// not a symlink.
	Target string
	// Err says why, for people; errors.Is finds the sentinel errors of
	// this package and the system's errnos in it.
	Err error
}

// Error says the path, the link's target when it was a symlink, and why.
func (e *Error) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%s (a link to %s): %v", e.Path, e.Target, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the reason, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// The reasons an output path is refused.
var (
	// ErrIsDirectory is a path that names a directory.
	ErrIsDirectory = errors.New("is a directory")
	// ErrUnsupported is a path that names a block device, a socket or
	// another kind of file that is neither replaced nor written into.
	ErrUnsupported = errors.New("ansible-tap writes only regular files, FIFOs and character devices")
	// ErrLocked is an events file that another ansible-tap is writing.
	ErrLocked = errors.New("another ansible-tap run is writing it")
	// ErrNoReader is a FIFO that no process has open for reading:
	// ansible-tap never waits for one.
	ErrNoReader = errors.New("no process is reading this FIFO (start its reader first)")
)

// reason is a message for people that stands for err, which errors.Is finds.
type reason struct {
	msg string
	err error
}

func (r *reason) Error() string { return r.msg }
func (r *reason) Unwrap() error { return r.err }

func reasonf(err error, format string, a ...any) error {
	return &reason{msg: fmt.Sprintf(format, a...), err: err}
}

// cause is the system's error inside an error of the os package, whose
// text names the path again (and a temporary file's name, which means
// nothing to the user).
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

// checkDir says why no file can be created in dir, or nil when one can.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return reasonf(syscall.ENOTDIR, "%s is not a directory", dir)
	case err == nil:
		if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
			return reasonf(err, "cannot write in its directory %s: %v", dir, err)
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return reasonf(fs.ErrNotExist, "its directory %s does not exist", dir)
	case errors.Is(err, syscall.ENOTDIR):
		return reasonf(syscall.ENOTDIR, "%s is not a directory", notDirectory(dir))
	}
	return reasonf(cause(err), "cannot reach its directory %s: %v", dir, cause(err))
}

// notDirectory is the ancestor of dir that exists and is not a directory.
func notDirectory(dir string) string {
	for a := filepath.Dir(dir); ; a = filepath.Dir(a) {
		if fi, err := os.Stat(a); err == nil {
			if fi.IsDir() {
				return dir // the tree changed meanwhile: name dir itself
			}
			return a
		}
		if a == filepath.Dir(a) {
			return dir
		}
	}
}
