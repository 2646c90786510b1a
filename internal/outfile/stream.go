package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// OpenStream opens path for a file written while the run goes on: the
// events file. A regular or new file is locked (an exclusive flock held
// until the file is closed) before it is emptied, so that a second run
// given the same path is refused with ErrLocked and leaves the first run's
// file alone; it gets the permissions perm less the umask. A FIFO or a
// device is written into; a FIFO must have its reader already.
func OpenStream(path string, perm os.FileMode) (*os.File, error) {
	t, err := resolve(path)
	if err != nil {
		return nil, err
	}
	if t.kind == kindDirect {
		return t.open()
	}
	f, err := t.create(0, perm) // not O_TRUNC: another run's file stays whole
	if err != nil {
		return nil, err
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, t.fail(ErrLocked)
		}
		return nil, t.fail(fmt.Errorf("locking: %w", err))
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, t.fail(fmt.Errorf("emptying: %w", cause(err)))
	}
	// A file kept from an earlier run becomes private too; one owned by
	// another user (writable through its group) keeps its mode.
	if err := f.Chmod(Mode(perm)); err != nil && !errors.Is(err, fs.ErrPermission) {
		f.Close()
		return nil, t.fail(fmt.Errorf("setting its mode: %w", cause(err)))
	}
	return f, nil
}

// lock takes an exclusive lock on f without waiting.
func lock(f *os.File) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lockErr error
	if err := conn.Control(func(fd uintptr) {
		lockErr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
	}); err != nil {
		return err
	}
	return lockErr
}
