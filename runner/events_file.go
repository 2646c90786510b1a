package runner

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
)

// The records that ansible-tap adds to an events file around Ansible's
// events. None of them is an Ansible event: the decoder reads them and
// passes none on to the handlers.
const (
	// RunStartEvent is the first line of an events file:
	// {"_event":"ansible_tap_run_start","_timestamp":…,"console":B,"summary":S};
	// console says whether Ansible's console output is recorded in the
	// file, summary whether ansible-tap printed its summary after it.
	RunStartEvent = "ansible_tap_run_start"
	// ConsoleEvent is a piece of what ansible-playbook printed:
	// {"_event":"ansible_tap_console","_timestamp":…,"stream":S,"data":T},
	// with data_base64 in place of data when the bytes are not UTF-8.
	// stream is "stdout", "stderr", or "terminal" for a pseudo-terminal
	// that carried both.
	ConsoleEvent = "ansible_tap_console"
	// DiagnosticEvent is the callback's report of a hook it could not
	// describe fully: {"_event":"ansible_tap_diagnostic","hook":H,"error":E}.
	// The hook's own event follows or precedes it, with what it could say.
	DiagnosticEvent = "ansible_tap_diagnostic"
)

// The streams of a console record.
const (
	StreamStdout   = "stdout"
	StreamStderr   = "stderr"
	StreamTerminal = "terminal"
)

// eventsFile writes the events file: a run-start record, the event stream as
// read, the console records of what ansible-playbook printed, and the
// run-end record. Records are whole lines: a console record that arrives
// while the event stream is in the middle of a line waits for its end, up
// to maxWaiting bytes of them; beyond that, output is left out and a
// console record notes how much. The first write error ends the recording,
// never the run; it is logged once.
type eventsFile struct {
	mu          sync.Mutex
	w           io.Writer
	log         zerolog.Logger
	failed      bool
	midLine     bool     // the event bytes written last do not end a line
	waiting     [][]byte // console records waiting for the end of that line
	waitingSize int
	left        map[string]int64 // bytes of output left out, by stream
}

// maxWaiting bounds the console records that wait for the end of an event
// line: one that never ends must not make them grow without end.
const maxWaiting = 4 << 20

func newEventsFile(w io.Writer, log zerolog.Logger) *eventsFile {
	return &eventsFile{w: w, log: log}
}

// start writes the run-start record.
func (r *eventsFile) start(console, summary bool, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.write(fmt.Appendf(nil, `{"_event":%q,"_timestamp":%q,"console":%t,"summary":%t}`+"\n",
		RunStartEvent, formatTimestamp(at), console, summary))
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
	line := consoleLine(stream, data, at)
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

// consoleLine is the console record of data printed on stream, with its newline.
func consoleLine(stream string, data []byte, at time.Time) []byte {
	rec := consoleRecord{Event: ConsoleEvent, Timestamp: formatTimestamp(at), Stream: stream}
	if utf8.Valid(data) {
		rec.Data = string(data)
	} else {
		rec.DataBase64 = base64.StdEncoding.EncodeToString(data)
	}
	line, _ := json.Marshal(rec) // a struct of strings always encodes
	return append(line, '\n')
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
	r.write(runEndRecord(code, interrupted, at))
}

func (r *eventsFile) flushWaiting() {
	for _, line := range r.waiting {
		r.write(line)
	}
	r.waiting, r.waitingSize = nil, 0
	for _, stream := range []string{StreamStdout, StreamStderr, StreamTerminal} {
		if n := r.left[stream]; n > 0 {
			r.write(consoleLine(stream, append(appendTruncated([]byte("\n"), n), '\n'), time.Now()))
		}
	}
	r.left = nil
}

func (r *eventsFile) write(p []byte) {
	if r.failed {
		return
	}
	if _, err := r.w.Write(p); err != nil {
		r.failed = true
		r.log.Error().Err(err).Msg("writing the events file failed; the recording stops here, the run goes on")
	}
}

// consoleRecord is a ConsoleEvent line.
type consoleRecord struct {
	Event      string `json:"_event"`
	Timestamp  string `json:"_timestamp"`
	Stream     string `json:"stream"`
	Data       string `json:"data,omitempty"`
	DataBase64 string `json:"data_base64,omitempty"`
}

// runEndRecord is the last line of an events file: ansible-playbook's exit
// code and whether the run was interrupted, which no Ansible event carries
// (RunEndEvent).
func runEndRecord(code int, interrupted bool, at time.Time) []byte {
	return fmt.Appendf(nil, `{"_event":%q,"_timestamp":%q,"exit_code":%d,"interrupted":%t}`+"\n",
		RunEndEvent, formatTimestamp(at), code, interrupted)
}

// formatTimestamp writes a time as the callback writes its timestamps.
func formatTimestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }
