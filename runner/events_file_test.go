package runner

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// Two events of ansible-tap's schema, written by hand.
const (
	evStart = `{"_event":"v2_playbook_on_start","playbook":{"path":"site.yml"}}`
	evOK    = `{"_event":"v2_runner_on_ok","task":{"id":"t1","name":"task"},"host":"h1","hosts":{"h1":{"changed":true}}}`
)

// While the event stream is in the middle of a line, what ansible-playbook
// prints waits for the line's end, up to maxWaiting bytes: beyond that it
// is left out of the events file, which notes how much, so that a line
// that never ends cannot make it grow without end.
func TestConsoleWaitingForALongLineIsBounded(t *testing.T) {
	var file, log bytes.Buffer
	r := newEventsFile(&file, nil, zerolog.New(&log))
	r.Write([]byte(evStart + "\n" + evOK[:20])) // a line begun, not ended
	piece := []byte(strings.Repeat("ok: [web1]\n", 32<<10/11))
	const pieces = 3 * maxWaiting / (32 << 10)
	for range pieces {
		r.console(event.StreamStdout, piece, time.Now())
		if r.waitingSize > maxWaiting {
			t.Fatalf("%d bytes of console records wait, more than %d", r.waitingSize, maxWaiting)
		}
	}
	r.console(event.StreamStderr, []byte("[WARNING]: late\n"), time.Now())
	r.Write([]byte(evOK[20:] + "\n"))
	r.end(0, false, time.Now())

	var printed bytes.Buffer
	d := event.NewDecoder(bytes.NewReader(file.Bytes()))
	d.Console = func(_ string, data []byte) { printed.Write(data) }
	rec := &recorder{}
	if _, err := event.ReplayDecoder(d, rec); err != nil {
		t.Fatal(err)
	}
	if got := rec.kinds(); len(got) != 2 || got[1] != event.RunnerOK {
		t.Fatalf("events %v: the event line was broken by console records", got)
	}
	kept := strings.Count(printed.String(), string(piece))
	left := (pieces-kept)*len(piece) + len("[WARNING]: late\n")
	if kept == 0 || kept*len(piece) > maxWaiting {
		t.Errorf("%d pieces of %d bytes recorded, want at most %d bytes of them", kept, len(piece), maxWaiting)
	}
	for _, note := range []string{fmt.Sprintf("…[truncated %d bytes]", (pieces-kept)*len(piece)), "…[truncated 16 bytes]"} {
		if !strings.Contains(printed.String(), note) {
			t.Errorf("no note %q of what was left out (%d bytes in all)", note, left)
		}
	}
	if n := logMessages(log.Bytes())["ansible-playbook's output is left out of the events file while the event stream is in the middle of a very long line"]; n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, log.String())
	}
}
