package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/render"
)

// recording is the stream a replay reads: a file, or standard input.
type recording struct {
	io.Reader
	name string // the file's name, or "standard input"
	file *os.File
}

// openRecording opens the stream that `ansible-tap replay NAME` reads; "-"
// is standard input. A name that is no readable file (missing, a
// directory) is refused here, before any output is made.
func openRecording(name string, stdin io.Reader) (*recording, error) {
	if name == "-" {
		return &recording{Reader: stdin, name: "standard input"}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("replay: %s is a directory, not a recorded run", name)
	}
	return &recording{Reader: f, name: name, file: f}, nil
}

// path is the recording's file, "" for standard input or no recording.
func (r *recording) path() string {
	if r == nil || r.file == nil {
		return ""
	}
	return r.file.Name()
}

// Close closes the file.
func (r *recording) Close() error {
	if r.file == nil {
		return nil
	}
	return r.file.Close()
}

// replayRecording drives the handlers from a recorded stream and returns
// the recorded run's exit code. What ansible-playbook printed, where the
// recording holds it, goes to the outputs that show it and, in the default
// format, is printed again. A stream that holds no run (empty, text, JSON
// that is no event) exits exitNoRun with one line and finishes no output:
// no report claims that a run went well that never was.
func replayRecording(rec *recording, maxLine int, h event.Handler, format string, console func(string, []byte), stdout, stderr io.Writer, log zerolog.Logger) (int, error) {
	d := event.NewDecoder(rec)
	d.Text, d.Log, d.MaxLine = stderr, log, maxLine
	d.Console = console
	if format == render.DefaultFormat {
		d.Console = func(stream string, data []byte) {
			if stream == event.StreamStderr {
				stderr.Write(data)
			} else {
				stdout.Write(data)
			}
			if console != nil {
				console(stream, data)
			}
		}
	}
	summary, err := event.ReplayDecoder(d, h)
	logResources(log)
	if errors.Is(err, event.ErrNoRun) {
		return exitNoRun, fmt.Errorf("replay: %s: %w", rec.name, err)
	}
	if errors.Is(err, event.ErrRead) {
		log.Error().Err(err).Msg("the recorded run is replayed as far as it could be read")
	} // an output that failed has said so (event.Fanout)
	return summary.ExitCode, nil
}
