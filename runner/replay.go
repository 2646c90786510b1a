package runner

import (
	"io"

	"github.com/rs/zerolog"
)

// Replay drives h from a recorded stream as a live run would: each event
// is added to a Summary and passed to h, then h is finished. Lines that are
// not events go to text. A stream that ends before Ansible's stats, after
// events or in the middle of a line, is marked interrupted. The returned
// Summary's ExitCode is the one recorded at the end of an events file, else
// what the stream implies: 0, or 2 for failed hosts, 4 for unreachable
// ones, as ansible-playbook, and 99 for an interrupted run.
func Replay(r io.Reader, h Handler, text io.Writer, log zerolog.Logger) (*Summary, error) {
	d := NewDecoder(r)
	d.Text = text
	d.Log = log
	return ReplayDecoder(d, h)
}

// ReplayDecoder is Replay from a Decoder that the caller set up, with its
// Console, say.
func ReplayDecoder(d *Decoder, h Handler) (*Summary, error) {
	s := NewSummary()
	err := Stream(d, s, h)
	s.Interrupted = !s.Complete && (s.Events > 0 || d.Truncated)
	s.ExitCode = impliedExitCode(s)
	if d.ExitCode != nil {
		s.ExitCode = *d.ExitCode
	}
	if d.Interrupted != nil {
		s.Interrupted = *d.Interrupted
	}
	if ferr := h.Finish(s); err == nil {
		err = ferr
	}
	return s, err
}

// impliedExitCode is the code ansible-playbook returns for a run that ended
// with these results (TaskQueueManager.run and PlaybookExecutor).
func impliedExitCode(s *Summary) int {
	t := s.Totals()
	switch {
	case s.Interrupted:
		return 99
	case t.Unreachable > 0:
		return 4
	case t.Failures > 0:
		return 2
	}
	return 0
}
