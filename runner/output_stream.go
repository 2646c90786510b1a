package runner

import (
	"io"
	"os"
	"sync/atomic"
)

// An OutputStream is one of the user's standard outputs. Writes pass
// through until one fails: a reader that went away (`| head`, `| grep -q`),
// a terminal that hung up. That failure is reported once, and every later
// write is dropped and reported as done, so that no output waits on, fails
// on, or dies of a stream that is gone (with SIGPIPE taken, a write to a
// closed pipe returns EPIPE instead of killing ansible-tap). Whatever else
// ansible-tap writes, and ansible-playbook itself, goes on.
//
// ansible-playbook is given the file itself, not the OutputStream: where
// ansible-tap does not copy its output, it meets a closed stdout as it
// would alone.
type OutputStream struct {
	file   *os.File
	name   string
	gone   atomic.Bool
	onGone func(name string, err error)
}

// NewOutputStream returns the OutputStream of file, which reports its first
// failed write to onGone with the stream's name (stdout, stderr).
func NewOutputStream(file *os.File, name string, onGone func(name string, err error)) *OutputStream {
	return &OutputStream{file: file, name: name, onGone: onGone}
}

// Write writes p to the file, or drops it once a write has failed.
func (o *OutputStream) Write(p []byte) (int, error) {
	if o.gone.Load() {
		return len(p), nil
	}
	if _, err := o.file.Write(p); err != nil && o.gone.CompareAndSwap(false, true) && o.onGone != nil {
		o.onGone(o.name, err)
	}
	return len(p), nil
}

// Fd is the file's descriptor, for terminal checks.
func (o *OutputStream) Fd() uintptr { return o.file.Fd() }

// fileOf returns the open file that w writes to: w itself, or the file of
// an OutputStream; nil for any other writer.
func fileOf(w io.Writer) *os.File {
	switch f := w.(type) {
	case *os.File:
		return f
	case *OutputStream:
		return f.file
	}
	return nil
}

// childWriter is what ansible-playbook is given for w: the file itself when
// w writes to one, so that the child writes there directly, else w.
func childWriter(w io.Writer) io.Writer {
	if f := fileOf(w); f != nil {
		return f
	}
	return w
}
