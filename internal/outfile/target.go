package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// kind is how a file is written.
type kind int

const (
	kindNew     kind = iota // nothing there yet: a file is created
	kindRegular             // a regular file: replaced atomically
	kindDirect              // a FIFO, a character device or an open file: written into
)

// target is the file that a path leads to.
type target struct {
	given string      // the path as given
	path  string      // the file itself: given with its symlinks followed
	kind  kind        // how it is written
	fifo  bool        // a FIFO, opened without waiting for a reader
	info  os.FileInfo // the file's; nil for kindNew
	// ownFD, when hasFD, is the process's own descriptor that path names
	// (/dev/stdout): it is written through, sharing its offset.
	ownFD int
	hasFD bool
}

// maxLinks is how many symlinks a path may go through, as on Linux.
const maxLinks = 40

// resolve follows the symlinks of path to the file it leads to, which may
// not exist yet (a dangling symlink creates it where it points). A symlink
// on /proc, such as /proc/self/fd/1 that /dev/stdout names, is not
// followed as text: the system opens what it stands for.
func resolve(given string) (*target, error) {
	t := &target{given: given, path: given}
	for links := 0; ; links++ {
		fi, err := os.Lstat(t.path)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return t, nil // new; its directory is checked when it is written
		}
		if err != nil {
			return nil, t.fail(cause(err))
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return t, t.classify(fi)
		}
		if onProcfs(filepath.Dir(t.path)) {
			if fi, err = os.Stat(t.path); err != nil {
				return nil, t.fail(cause(err))
			}
			if err := t.classify(fi); err != nil {
				return nil, err
			}
			t.kind = kindDirect // an open file: written into, whatever it is
			t.ownFD, t.hasFD = ownFD(t.path)
			return t, nil
		}
		if links == maxLinks {
			return nil, t.fail(syscall.ELOOP)
		}
		dest, err := os.Readlink(t.path)
		if err != nil {
			return nil, t.fail(cause(err))
		}
		if !filepath.IsAbs(dest) {
			dir, err := filepath.EvalSymlinks(filepath.Dir(t.path))
			if err != nil {
				return nil, t.fail(cause(err))
			}
			dest = filepath.Join(dir, dest)
		}
		t.path = dest
	}
}

// classify sets the kind of an existing file, or refuses it.
func (t *target) classify(fi os.FileInfo) error {
	t.info = fi
	m := fi.Mode()
	switch {
	case m.IsRegular():
		t.kind = kindRegular
	case m.IsDir():
		return t.fail(ErrIsDirectory)
	case m&fs.ModeNamedPipe != 0:
		t.kind, t.fifo = kindDirect, true
	case m&fs.ModeCharDevice != 0:
		t.kind = kindDirect
	case m&fs.ModeDevice != 0:
		return t.fail(fmt.Errorf("is a block device; %w", ErrUnsupported))
	case m&fs.ModeSocket != 0:
		return t.fail(fmt.Errorf("is a socket; %w", ErrUnsupported))
	default:
		return t.fail(fmt.Errorf("is a %v file; %w", m.Type(), ErrUnsupported))
	}
	return nil
}

// fail returns err as the Error of the path.
func (t *target) fail(err error) error {
	e := &Error{Path: t.given, Err: err}
	if t.path != t.given {
		e.Target = t.path
	}
	return e
}
