package main

import (
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
)

// guardOutput makes one of ansible-tap's standard outputs an
// runner.OutputStream when it is a file: once its reader is gone, ansible-tap
// says so once and stops writing to it, and the run goes on.
func guardOutput(w io.Writer, name string, gone *goneReporter) io.Writer {
	if f, ok := w.(*os.File); ok {
		return runner.NewOutputStream(f, name, gone.report)
	}
	return w
}

// goneReporter says, once per stream, that a standard output is gone.
type goneReporter struct {
	log zerolog.Logger // set once the flags are read, before any output
}

func (g *goneReporter) report(name string, err error) {
	g.log.Warn().Err(err).Msgf("%s is gone (its reader stopped, or the terminal hung up); ansible-tap writes nothing more to it, and the run goes on", name)
}
