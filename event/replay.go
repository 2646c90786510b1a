package event

import (
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"
)

// ErrNoRun says that a replayed stream holds no run of ansible-playbook:
// it is empty, or none of its lines is an event or a record of
// ansible-tap's. Its handlers are not finished: no output reports a run
// that never was.
var ErrNoRun = errors.New("no run of ansible-playbook in it")

// ErrRead wraps the error of the reader a replay reads from; the stream's
// events up to it were replayed.
var ErrRead = errors.New("reading the stream")

// ExitInterrupted is ansible-playbook's exit code for a run the user
// interrupted (ansible/cli/__init__.py).
const ExitInterrupted = 99

// Replay drives h from a recorded stream as a live run would: each event
// is added to a Summary and passed to h, then h is finished. Lines that are
// not events go to text. A stream that ends before Ansible's stats, after
// events, after an events file's run-start record or in the middle of a
// line, is marked interrupted. The returned
// Summary's ExitCode is the one recorded at the end of an events file, else
// what the stream implies: 0, or 2 for failed hosts, 4 for unreachable
// ones, as ansible-playbook, and ExitInterrupted (99) for an interrupted run.
func Replay(r io.Reader, h Handler, text io.Writer, log zerolog.Logger) (*Summary, error) {
	d := NewDecoder(r)
	d.Text = text
	d.Log = log
	return ReplayDecoder(d, h)
}

// ReplayDecoder is Replay from a Decoder that the caller set up, with its
// Console, say. A stream with no run in it returns an error wrapping
// ErrNoRun, and h is not finished.
func ReplayDecoder(d *Decoder, h Handler) (*Summary, error) {
	s := NewSummary()
	err := Stream(d, s, h)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrRead, err)
	}
	if s.Events == 0 && d.Trailers == 0 && !d.RunStarted && !d.Truncated {
		return s, noRun(d, err)
	}
	d.runSeen() // the text it held is part of a run
	s.Interrupted = !s.Complete && (s.Events > 0 || d.Truncated || d.RunStarted)
	s.ExitCode = impliedExitCode(s)
	if d.ExitCode != nil {
		s.ExitCode = *d.ExitCode
	}
	if d.Interrupted != nil {
		s.Interrupted = *d.Interrupted
	}
	if s.Interrupted && !d.Ended.IsZero() {
		s.Cut(d.Ended)
	}
	if ferr := h.Finish(s); err == nil {
		err = ferr
	}
	return s, err
}

// noRun says why a stream holds no run.
func noRun(d *Decoder, readErr error) error {
	switch {
	case readErr != nil:
		return fmt.Errorf("%w: %w", ErrNoRun, readErr)
	case d.Unknown > 0:
		return fmt.Errorf("%w: it holds only JSON events of kinds ansible-tap does not know (%d)", ErrNoRun, d.Unknown)
	case d.NonEvents == 0:
		return fmt.Errorf("%w: the stream is empty", ErrNoRun)
	case d.NonEvents == 1:
		return fmt.Errorf("%w: its only line is not an event", ErrNoRun)
	}
	return fmt.Errorf("%w: none of its %d lines is an event", ErrNoRun, d.NonEvents)
}

// impliedExitCode is the code ansible-playbook returns for a run that ended
// with these results (TaskQueueManager.run and PlaybookExecutor).
func impliedExitCode(s *Summary) int {
	t := s.Totals()
	switch {
	case s.Interrupted:
		return ExitInterrupted
	case t.Unreachable > 0:
		return 4
	case t.Failures > 0:
		return 2
	}
	return 0
}
