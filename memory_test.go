package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// maxBytesPerEvent is how much ansible-tap's heap may grow per event of a
// run. What it keeps is per host and per task, about 1 KiB a task (the
// summary's, the decoder's and a bounded cache's), or 10 bytes an event in
// these runs of 100 events a task; not per event: keeping every result, as
// only the HTML report must, costs over 120 bytes an event.
const maxBytesPerEvent = 24

// The runs TestMemoryFlatInRunLength compares, in events. bench/fleet_replay.sh
// measures peak RSS at a million.
const (
	smallRun = 30_000
	largeRun = 300_000
)

// TestMemoryFlatInRunLength replays a fleet's run of 30,000 and then of
// 300,000 events, built from a real recording, through each output that
// must keep its memory flat, and compares the peak heap of the two. The
// garbage collector runs often meanwhile, so the peak is near what is live.
func TestMemoryFlatInRunLength(t *testing.T) {
	if testing.Short() {
		t.Skip("replays 1,000,000 events in all")
	}
	recording, err := os.ReadFile(filepath.Join("testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := fleetstream.Parse(recording)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	defer debug.SetGCPercent(debug.SetGCPercent(10))

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"ansible", nil},
		{"compact", []string{"--format=compact"}},
		{"jsonl with reports, metrics and notifiers", []string{"--format=jsonl",
			"--junit-file", filepath.Join(dir, "junit.xml"), "--summary-file", filepath.Join(dir, "summary.md"),
			"--prom-file", filepath.Join(dir, "ansible.prom"), "--webhook", srv.URL, "--webhook-batch", "--slack", srv.URL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small := replayPeakHeap(t, stream, smallRun, tc.args)
			large := replayPeakHeap(t, stream, largeRun, tc.args)
			perEvent := (float64(large) - float64(small)) / (largeRun - smallRun)
			t.Logf("peak heap %.1f MiB at 30k events, %.1f MiB at 300k: %.1f bytes per event",
				float64(small)/(1<<20), float64(large)/(1<<20), perEvent)
			if perEvent > maxBytesPerEvent {
				t.Errorf("the heap grows by %.1f bytes per event, more than %d", perEvent, maxBytesPerEvent)
			}
		})
	}
}

// replayPeakHeap replays a stream of about events events, generated as it
// is read, and returns the largest heap in use seen meanwhile.
func replayPeakHeap(t *testing.T, s *fleetstream.Stream, events int, args []string) uint64 {
	t.Helper()
	r, w := io.Pipe()
	go func() { w.CloseWithError(s.Write(w, events)) }()
	var stderr limitedBuffer
	var code int
	peak := testio.PeakHeap(5*time.Millisecond, func() {
		code = run(append([]string{"ansible-tap", "replay", "-", "--no-color"}, args...), r, io.Discard, &stderr)
	})
	r.Close()
	if code != 0 && code != 2 {
		t.Fatalf("replay of %d events: exit code %d\n%s", events, code, stderr.String())
	}
	return peak
}

// limitedBuffer keeps the first 64 KiB written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
