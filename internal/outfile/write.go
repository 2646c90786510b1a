package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// Check tells, before the run, whether an output can be written at path:
// its directory exists and is writable for a regular or new file, the
// file itself is writable for a FIFO or a device. A directory, a block
// device or a socket is refused. It creates nothing. The error is an
// *Error that names the path and the reason.
func Check(path string) error {
	t, err := resolve(path)
	if err != nil {
		return err
	}
	if t.kind == kindDirect {
		if err := unix.Access(t.path, unix.W_OK); err != nil {
			return t.fail(err)
		}
		return nil
	}
	if err := checkDir(filepath.Dir(t.path)); err != nil {
		return t.fail(err)
	}
	return nil
}

// Write writes what write writes to path, through a buffer. A regular or
// new file is replaced atomically and gets the permissions perm less the
// umask; a FIFO or a device is written into. On error, a file that was
// to be replaced is left as it was, and no temporary file stays behind.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	t, err := resolve(path)
	if err != nil {
		return err
	}
	if t.kind == kindDirect {
		return t.writeInto(write)
	}
	return t.replace(perm, write)
}

// WriteBytes writes data to path as Write does.
func WriteBytes(path string, perm os.FileMode, data []byte) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Append adds data at the end of path, in one write, after separator when
// the file already holds something; a new file gets the permissions perm
// less the umask. A FIFO or a device is written into. GitHub's step
// summary is written so: other steps add to it too.
func Append(path string, perm os.FileMode, data, separator []byte) error {
	t, err := resolve(path)
	if err != nil {
		return err
	}
	var f *os.File
	if t.kind == kindDirect {
		f, err = t.open()
	} else {
		f, err = t.create(os.O_APPEND, perm)
	}
	if err != nil {
		return err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		data = append(append([]byte(nil), separator...), data...)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return t.fail(fmt.Errorf("writing: %w", cause(err)))
	}
	if err := f.Close(); err != nil {
		return t.fail(fmt.Errorf("writing: %w", cause(err)))
	}
	return nil
}

// TempDir is the directory for a temporary file that goes with the output
// at path: the directory of the file it replaces, on the same file system,
// or the system's temporary directory when the output is written into a
// FIFO or a device.
func TempDir(path string) string {
	t, err := resolve(path)
	if err != nil || t.kind == kindDirect {
		return os.TempDir()
	}
	return filepath.Dir(t.path)
}

// Same reports whether two paths lead to the same file, existing or not.
func Same(a, b string) bool {
	ta, errA := resolve(a)
	tb, errB := resolve(b)
	if errA != nil || errB != nil {
		return false
	}
	if ta.info != nil && tb.info != nil {
		return os.SameFile(ta.info, tb.info)
	}
	absA, errA := filepath.Abs(ta.path)
	absB, errB := filepath.Abs(tb.path)
	return errA == nil && errB == nil && absA == absB
}

// replace writes a temporary file beside the target and renames it over
// the target once it is whole and synced.
func (t *target) replace(perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(t.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(t.path)+".tmp-*")
	if err != nil {
		if derr := missingDir(err, dir); derr != nil {
			return t.fail(derr)
		}
		return t.fail(fmt.Errorf("cannot create a temporary file in %s: %w", dir, cause(err)))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err = write(w); err == nil {
		err = w.Flush()
	}
	if err != nil {
		return t.fail(fmt.Errorf("writing: %w", cause(err)))
	}
	if err = tmp.Chmod(Mode(perm)); err != nil {
		return t.fail(fmt.Errorf("setting its mode: %w", cause(err)))
	}
	if err = tmp.Sync(); err != nil {
		return t.fail(fmt.Errorf("syncing: %w", cause(err)))
	}
	if err = tmp.Close(); err != nil {
		return t.fail(fmt.Errorf("writing: %w", cause(err)))
	}
	if err = os.Rename(tmp.Name(), t.path); err != nil {
		return t.fail(fmt.Errorf("replacing it: %w", cause(err)))
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable; the file is in place already,
// so a failure changes nothing that the caller could act on.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeInto writes into a FIFO, a device or an open file.
func (t *target) writeInto(write func(io.Writer) error) error {
	f, err := t.open()
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	if err = write(w); err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return t.fail(fmt.Errorf("writing: %w", cause(err)))
	}
	return nil
}

// open opens a FIFO, a device or an open file for writing at its end. A
// FIFO is opened without waiting: with no reader, it is an error. One of
// the process's own descriptors (/dev/stdout) is duplicated: what is
// written goes where that descriptor writes, after what it wrote, also
// when it is a regular file.
func (t *target) open() (*os.File, error) {
	if t.hasFD {
		fd, err := unix.FcntlInt(uintptr(t.ownFD), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, t.fail(err)
		}
		return os.NewFile(uintptr(fd), t.path), nil
	}
	flag := os.O_WRONLY | os.O_APPEND | unix.O_NOCTTY
	if t.fifo {
		flag |= unix.O_NONBLOCK
	}
	f, err := os.OpenFile(t.path, flag, 0)
	if err != nil {
		if t.fifo && errors.Is(err, unix.ENXIO) {
			return nil, t.fail(ErrNoReader)
		}
		return nil, t.fail(cause(err))
	}
	return f, nil
}

// create opens a regular or new file for writing, creating it with perm
// less the umask.
func (t *target) create(flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(t.path, os.O_WRONLY|os.O_CREATE|flag, perm)
	if err != nil {
		if derr := missingDir(err, filepath.Dir(t.path)); derr != nil {
			return nil, t.fail(derr)
		}
		return nil, t.fail(cause(err))
	}
	return f, nil
}

// missingDir says which directory is missing when creating a file in dir
// failed with err; nil when that is not why.
func missingDir(err error, dir string) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return checkDir(dir)
	}
	return nil
}
