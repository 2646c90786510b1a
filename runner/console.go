package runner

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/creack/pty"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// console passes what ansible-playbook prints on to the user's stdout and
// stderr as it comes, byte for byte, and records it in the events file.
// When the user's stdout is a terminal the child gets a pseudo-terminal of
// the same size, so that Ansible colours, sizes its banners and prompts as
// it would on the terminal itself; otherwise it gets pipes. A pipe carries
// stdout and stderr together when the user sent both to the same file, so
// that their order is kept.
type console struct {
	stdout, stderr *os.File   // the child's ends
	childEnds      []*os.File // closed in ansible-tap once the child has them
	streams        []*consoleStream
	resized        chan os.Signal
	log            zerolog.Logger
}

// consoleStream copies one of the child's outputs to the user.
type consoleStream struct {
	*childPipe
	dst io.Writer
}

// openConsole makes the child's outputs for a run whose console output is
// recorded by rec and passed to hook, either of which may be nil.
func openConsole(stdout, stderr io.Writer, rec *eventsFile, hook func(string, []byte), log zerolog.Logger) (*console, error) {
	c := &console{log: log}
	outFile := fileOf(stdout)
	if outFile != nil && isatty.IsTerminal(outFile.Fd()) {
		ptmx, tty, err := pty.Open()
		if err != nil {
			return nil, err
		}
		if size, err := pty.GetsizeFull(outFile); err == nil {
			pty.Setsize(ptmx, size)
		}
		keepNewlines(tty, log)
		c.stdout = tty
		c.childEnds = append(c.childEnds, tty)
		name := event.StreamStdout
		if sameFile(stdout, stderr) {
			c.stderr, name = tty, event.StreamTerminal
		}
		c.add(name, ptmx, stdout, rec, hook)
		c.resized = make(chan os.Signal, 1)
		signal.Notify(c.resized, syscall.SIGWINCH)
		go followSize(c.resized, outFile, ptmx)
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		c.stdout = w
		c.childEnds = append(c.childEnds, w)
		if sameFile(stdout, stderr) {
			c.stderr = w
		}
		c.add(event.StreamStdout, r, stdout, rec, hook)
	}
	if c.stderr == nil {
		r, w, err := os.Pipe()
		if err != nil {
			c.abandon()
			return nil, err
		}
		c.stderr = w
		c.childEnds = append(c.childEnds, w)
		c.add(event.StreamStderr, r, stderr, rec, hook)
	}
	return c, nil
}

func (c *console) add(name string, src *os.File, dst io.Writer, rec *eventsFile, hook func(string, []byte)) {
	s := &consoleStream{childPipe: newChildPipe(name, src), dst: dst}
	c.streams = append(c.streams, s)
	go s.copy(rec, hook)
}

// started closes ansible-tap's copies of the child's ends, so that the
// streams end when the child and whatever inherited them are gone.
func (c *console) started() {
	for _, f := range c.childEnds {
		f.Close()
	}
}

// abandon closes everything of a child that was never started.
func (c *console) abandon() {
	c.started()
	for _, s := range c.streams {
		s.file.Close()
		<-s.done
	}
	c.stop()
}

// pipes are the pipes the console reads, for drainAfterExit.
func (c *console) pipes() []*childPipe {
	var out []*childPipe
	for _, s := range c.streams {
		out = append(out, s.childPipe)
	}
	return out
}

// stop stops following the terminal's size.
func (c *console) stop() {
	if c.resized != nil {
		signal.Stop(c.resized)
		close(c.resized)
		c.resized = nil
	}
}

// copy passes each piece the child prints on at once, a prompt without a
// newline included, then records it and hands it to hook.
func (s *consoleStream) copy(rec *eventsFile, hook func(string, []byte)) {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.src.Read(buf)
		if n > 0 {
			s.dst.Write(buf[:n])
			if rec != nil {
				rec.console(s.name, buf[:n], time.Now())
			}
			if hook != nil {
				hook(s.name, buf[:n])
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.EIO) {
				err = nil // EIO: the last holder of the pseudo-terminal closed it
			}
			s.done <- err
			return
		}
	}
}

// followSize gives the pseudo-terminal the size of the user's terminal
// whenever that changes.
func followSize(resized <-chan os.Signal, terminal, ptmx *os.File) {
	for range resized {
		if size, err := pty.GetsizeFull(terminal); err == nil {
			pty.Setsize(ptmx, size)
		}
	}
}

// sameFile reports whether two writers are the same open file (a terminal
// or a file that both stdout and stderr were sent to).
func sameFile(a, b io.Writer) bool {
	fa, fb := fileOf(a), fileOf(b)
	if fa == nil || fb == nil {
		return false
	}
	sa, err1 := fa.Stat()
	sb, err2 := fb.Stat()
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
