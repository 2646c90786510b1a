package event

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// failingHandler fails on every event from the first, and at the end.
type failingHandler struct {
	events, finished int
	onEvent          bool
}

func (h *failingHandler) Event(*Event, *Summary) error {
	h.events++
	if h.onEvent {
		return errors.New("no room on the device")
	}
	return nil
}

func (h *failingHandler) Finish(*Summary) error {
	h.finished++
	return errors.New("no room on the device")
}

type countingHandler struct{ events, finished int }

func (h *countingHandler) Event(*Event, *Summary) error { h.events++; return nil }
func (h *countingHandler) Finish(*Summary) error        { h.finished++; return nil }

// An output that fails is reported once, on an event or at the end, and
// never stops the others; Finish returns nil, so that nothing reports the
// failure a second time.
func TestFanoutReportsEachFailureOnce(t *testing.T) {
	var log bytes.Buffer
	failsEarly, failsLate, works := &failingHandler{onEvent: true}, &failingHandler{}, &countingHandler{}
	f := NewFanout(zerolog.New(&log), failsEarly, failsLate, works)
	s := NewSummary()
	for range 3 {
		f.Event(&Event{Kind: RunnerOK}, s)
	}
	if err := f.Finish(s); err != nil {
		t.Errorf("Finish returned %v, want nil: the failure is reported already", err)
	}
	if failsEarly.events != 1 || failsEarly.finished != 1 || failsLate.events != 3 || failsLate.finished != 1 {
		t.Errorf("the failing outputs saw %+v and %+v", failsEarly, failsLate)
	}
	if works.events != 3 || works.finished != 1 {
		t.Errorf("the working output saw %+v", works)
	}
	if lines := strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) != 2 {
		t.Errorf("want one error line for each failing output, got:\n%s", log.String())
	}
}
