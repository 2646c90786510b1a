package runner

import (
	"io"
	"sync"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// eventsFile writes the events file: a run-start record, the event stream as
// read, the console records of what ansible-playbook printed, and the
// run-end record, into each of its destinations (the --events-file, the
// run store's recording). Records are whole lines: a console record that
// arrives while the event stream is in the middle of a line waits for its
// end, up to maxWaiting bytes of them; beyond that, output is left out and
// a console record notes how much. A destination's first write error ends
// its recording, never the others' nor the run; it is logged once.
type eventsFile struct {
	mu          sync.Mutex
	dests       []*recordingDest
	log         zerolog.Logger
	midLine     bool     // the event bytes written last do not end a line
	waiting     [][]byte // console records waiting for the end of that line
	waitingSize int
	left        map[string]int64 // bytes of output left out, by stream
}

// maxWaiting bounds the console records that wait for the end of an event
// line: one that never ends must not make them grow without end.
const maxWaiting = 4 << 20

// recordingDest is one destination of an eventsFile.
type recordingDest struct {
	name   string // for the log: "the events file"
	w      io.Writer
	failed bool
}

// newEventsFile records into the destinations that are set: the events
// file and the history's recording. It returns nil when neither is.
func newEventsFile(file, history io.Writer, log zerolog.Logger) *eventsFile {
	r := &eventsFile{log: log}
	if file != nil {
		r.dests = append(r.dests, &recordingDest{name: "the events file", w: file})
	}
	if history != nil {
		r.dests = append(r.dests, &recordingDest{name: "the run's recording in the history", w: history})
	}
	if len(r.dests) == 0 {
		return nil
	}
	return r
}

// start writes the run-start record.
func (r *eventsFile) start(console, summary bool, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.write(event.RunStartRecord(console, summary, at))
}

// Write records bytes of the event stream as they were read.
func (r *eventsFile) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.write(p)
	r.midLine = p[len(p)-1] != '\n'
	if !r.midLine {
		r.flushWaiting()
	}
	return len(p), nil
}

// console records what ansible-playbook printed on stream.
func (r *eventsFile) console(stream string, data []byte, at time.Time) {
	line := event.ConsoleRecord(stream, data, at)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.midLine {
		if r.left != nil || r.waitingSize+len(line) > maxWaiting { // the rest too, to keep the order
			if r.left == nil {
				r.left = make(map[string]int64)
				r.log.Warn().Msg("ansible-playbook's output is left out of the events file while the event stream is in the middle of a very long line")
			}
			r.left[stream] += int64(len(data))
			return
		}
		r.waiting = append(r.waiting, line)
		r.waitingSize += len(line)
		return
	}
	r.write(line)
}

// end writes the run-end record, after ending a line the child left cut.
func (r *eventsFile) end(code int, interrupted bool, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.midLine {
		r.write([]byte("\n")) // the child died in the middle of a line
		r.midLine = false
	}
	r.flushWaiting()
	r.write(event.RunEndRecord(code, interrupted, at))
}

func (r *eventsFile) flushWaiting() {
	for _, line := range r.waiting {
		r.write(line)
	}
	r.waiting, r.waitingSize = nil, 0
	for _, stream := range []string{event.StreamStdout, event.StreamStderr, event.StreamTerminal} {
		if n := r.left[stream]; n > 0 {
			r.write(event.ConsoleRecord(stream, []byte("\n"+event.TruncationNote(n)+"\n"), time.Now()))
		}
	}
	r.left = nil
}

func (r *eventsFile) write(p []byte) {
	for _, d := range r.dests {
		if d.failed {
			continue
		}
		if _, err := d.w.Write(p); err != nil {
			d.failed = true
			r.log.Error().Err(err).Msgf("writing %s failed; its recording stops here, the run goes on", d.name)
		}
	}
}
