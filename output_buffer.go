package main

import (
	"bufio"
	"io"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/render"
)

// bufferedRenderer is a renderer writing to a file or a pipe through a
// buffer, which event.Stream flushes whenever Ansible has nothing more to
// say at once: one write per burst of events, not one per event.
type bufferedRenderer struct {
	event.Handler
	w *bufio.Writer
}

func newBufferedRenderer(format string, out io.Writer, opts render.Options) (event.Handler, error) {
	w := bufio.NewWriterSize(out, 64<<10)
	h, err := render.New(format, w, opts)
	if err != nil {
		return nil, err
	}
	return &bufferedRenderer{Handler: h, w: w}, nil
}

// Flush writes what the renderer has written so far.
func (b *bufferedRenderer) Flush() error { return b.w.Flush() }

// Finish finishes the renderer and writes what is left.
func (b *bufferedRenderer) Finish(s *event.Summary) error {
	err := b.Handler.Finish(s)
	if ferr := b.w.Flush(); err == nil {
		err = ferr
	}
	return err
}
