package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/render"
)

// recording is the stream a replay reads: a file, standard input, or a
// run of the history.
type recording struct {
	io.Reader
	name   string // the file's name, "standard input" or "run ID"
	file   *os.File
	closer io.Closer     // a stored run's stream
	store  history.Store // the store it comes from
}

// openRecording opens the stream that `ansible-tap replay NAME` reads; "-"
// is standard input, and a name that is no file but names a run of the
// history (an id or its start, last, last~N) is that run's stored stream,
// from the store that openStore opens. A name that is neither (a missing
// file, a directory) is refused here, before any output is made.
func openRecording(name string, stdin io.Reader, openStore func() (history.Store, error)) (*recording, error) {
	if name == "-" {
		return &recording{Reader: stdin, name: "standard input"}, nil
	}
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) && history.IsRef(name) {
		return openStoredRun(name, openStore)
	}
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("replay: %s is a directory, not a recorded run", name)
	}
	return &recording{Reader: f, name: name, file: f}, nil
}

// openStoredRun opens the stream of the run of the history that ref names.
func openStoredRun(ref string, openStore func() (history.Store, error)) (*recording, error) {
	store, err := openStore()
	if err != nil {
		return nil, fmt.Errorf("replay: %s is no file, and the history cannot be read: %w", ref, err)
	}
	ctx := context.Background()
	id, err := store.Resolve(ctx, ref)
	if err == nil {
		var stream io.ReadCloser
		if stream, err = store.Stream(ctx, id); err == nil {
			return &recording{Reader: stream, name: "run " + id, closer: stream, store: store}, nil
		}
	}
	store.Close()
	return nil, fmt.Errorf("replay: %s is no file, nor a run of the history: %w", ref, err)
}

// path is the recording's file, "" for standard input or no recording.
func (r *recording) path() string {
	if r == nil || r.file == nil {
		return ""
	}
	return r.file.Name()
}

// Close closes the file, or the stored run's stream and its store.
func (r *recording) Close() error {
	switch {
	case r.file != nil:
		return r.file.Close()
	case r.closer != nil:
		r.closer.Close()
		return r.store.Close()
	}
	return nil
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
