package event

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rs/zerolog"
)

// Handler receives the events of a run. Event is called for each event after
// the Summary has been updated with it; Finish is called once, after the
// stream has ended and Summary.ExitCode is set, to flush what the handler
// holds. Finish only reads the Summary: a Fanout finishes its handlers at
// the same time.
type Handler interface {
	Event(ev *Event, s *Summary) error
	Finish(s *Summary) error
}

// Discard is a Handler that does nothing with the events: for a stream
// read only for its Summary.
var Discard Handler = discard{}

type discard struct{}

func (discard) Event(*Event, *Summary) error { return nil }
func (discard) Finish(*Summary) error        { return nil }

// ResultKeeper is a Handler that reads every host's result from the
// Summary when the run ends (TaskRun.Results), as the HTML report does.
// Stream makes the Summary keep them when its handler is one and says so;
// otherwise the Summary's memory does not grow with the run.
type ResultKeeper interface {
	KeepsResults() bool
}

// Flusher is a Handler that holds its output in a buffer. Stream flushes
// it before every read that may wait for the stream's writer (no whole
// line is left to read): a live run's output never waits for Ansible's
// next event, and a replay is written in large pieces rather than a write
// per event.
type Flusher interface {
	Flush() error
}

// Fanout passes each event to every handler in order. A handler that
// returns an error is reported once on the log and then left out, so one
// broken output never stops the others or the run.
type Fanout struct {
	handlers []Handler
	failed   []bool
	log      zerolog.Logger
}

// NewFanout returns a Fanout over handlers that reports failures on log.
func NewFanout(log zerolog.Logger, handlers ...Handler) *Fanout {
	return &Fanout{handlers: handlers, failed: make([]bool, len(handlers)), log: log}
}

// KeepsResults reports whether one of the handlers keeps every result.
func (f *Fanout) KeepsResults() bool {
	for _, h := range f.handlers {
		if k, ok := h.(ResultKeeper); ok && k.KeepsResults() {
			return true
		}
	}
	return false
}

// Flush flushes every working handler that buffers its output.
func (f *Fanout) Flush() error {
	for i, h := range f.handlers {
		if fl, ok := h.(Flusher); ok && !f.failed[i] {
			if err := fl.Flush(); err != nil {
				f.fail(i, err)
			}
		}
	}
	return nil
}

// Event passes ev to every working handler. It always returns nil.
func (f *Fanout) Event(ev *Event, s *Summary) error {
	for i, h := range f.handlers {
		if f.failed[i] {
			continue
		}
		if err := h.Event(ev, s); err != nil {
			f.fail(i, err)
		}
	}
	return nil
}

// Finish finishes every handler, also those that failed on an event. A
// handler that fails is reported on the log, once, as on an event: Finish
// always returns nil, so that the run's caller does not report it again.
// The handlers finish at the same time: outputs that wait on the network
// at the end (a Pushgateway, an OTLP collector, a webhook) cost the run the
// longest of their deadlines, not their sum, and a slow one never delays
// the files the others write.
func (f *Fanout) Finish(s *Summary) error {
	errs := make([]error, len(f.handlers))
	var wg sync.WaitGroup
	for i, h := range f.handlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.Finish(s)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			f.fail(i, err)
		}
	}
	return nil
}

func (f *Fanout) fail(i int, err error) {
	if !f.failed[i] {
		f.log.Error().Err(err).Str("output", fmt.Sprintf("%T", f.handlers[i])).Msg("output failed; it is left out for the rest of the run")
	}
	f.failed[i] = true
}

// Stream decodes events from d until the stream ends, adding each to s and
// passing it to h. It returns nil at the end of the stream and otherwise the
// reader's error; either way s holds every event read.
func Stream(d *Decoder, s *Summary, h Handler) error {
	if k, ok := h.(ResultKeeper); ok && k.KeepsResults() {
		s.KeepResults = true
	}
	if flusher, ok := h.(Flusher); ok {
		d.beforeWait = func() { flusher.Flush() } // a Flusher reports its own failures
	}
	for {
		ev, err := d.Next()
		s.ConsoleRecorded = d.ConsoleRecorded
		s.SummaryHidden = d.SummaryHidden
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		s.Add(ev)
		if h != nil {
			h.Event(ev, s)
		}
	}
}
