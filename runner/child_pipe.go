package runner

import (
	"errors"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// afterExitIdle is how long a read from one of the child's pipes may wait
// for data once ansible-playbook has exited. Whatever it wrote before
// exiting is already in the pipe and is read however long that takes; a
// pipe with nothing in it is then held open only by a process it left
// behind (a worker that a signal to ansible-tap alone did not reach), and
// nothing more will come from ansible-playbook through it.
const afterExitIdle = 250 * time.Millisecond

// childPipe is a pipe ansible-tap reads from ansible-playbook: the event
// stream or one of its outputs. The goroutine that reads it sends the
// reader's error, nil at the end of the pipe, on done.
type childPipe struct {
	name string
	src  *watchedReader
	file *os.File
	done chan error
	cut  bool // closed while a process the child left behind held it open
}

func newChildPipe(name string, file *os.File) *childPipe {
	return &childPipe{name: name, src: &watchedReader{r: file}, file: file, done: make(chan error, 1)}
}

// drainAfterExit waits, once the child has exited, until every pipe has
// been read to its end, and closes them. A pipe whose read has waited
// afterExitIdle for data is closed where it stands: it is held open by a
// process the child left behind. That is said once, whatever the number of
// such pipes. The errors returned are the readers' own, by pipe.
func drainAfterExit(pipes []*childPipe, exitedAt time.Time, log zerolog.Logger) map[string]error {
	errs := make(map[string]error)
	open := append([]*childPipe(nil), pipes...)
	tick := time.NewTicker(afterExitIdle / 5)
	defer tick.Stop()
	var held []string
	for len(open) > 0 {
		now := time.Now()
		still := open[:0]
		for _, p := range open {
			select {
			case err := <-p.done:
				if err != nil && !errors.Is(err, os.ErrClosed) {
					errs[p.name] = err
				}
				p.file.Close()
				continue
			default:
			}
			if since := p.src.waitingSince(); !p.cut && !since.IsZero() && now.Sub(later(since, exitedAt)) >= afterExitIdle {
				p.cut = true
				held = append(held, p.name)
				p.file.Close() // its reader ends with os.ErrClosed
			}
			still = append(still, p)
		}
		open = still
		if len(open) > 0 {
			<-tick.C
		}
	}
	if len(held) > 0 {
		log.Warn().Strs("pipes", held).Msg("ansible-playbook has exited, but processes it started still hold its pipes open; ansible-tap stopped reading them")
	}
	return errs
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// watchedReader tells since when a read has been waiting for data.
type watchedReader struct {
	r     io.Reader
	since atomic.Int64 // Unix nanoseconds at which the pending Read began; 0 when none
}

func (w *watchedReader) Read(p []byte) (int, error) {
	w.since.Store(time.Now().UnixNano())
	defer w.since.Store(0)
	return w.r.Read(p)
}

// waitingSince is when the pending Read began; zero when no Read is pending.
func (w *watchedReader) waitingSince() time.Time {
	if ns := w.since.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}
