package render

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// streams are the event streams recorded from real runs; the command that
// recorded each is written beside it.
func streams(t *testing.T) []string {
	t.Helper()
	return golden.Streams(t, 1)
}

// replay renders a recorded stream with the renderer of format.
func replay(t *testing.T, path, format string, opts Options) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	h, err := New(format, &out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := event.Replay(f, h, &bytes.Buffer{}, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestGolden(t *testing.T) {
	for _, stream := range streams(t) {
		name := strings.TrimSuffix(filepath.Base(stream), ".jsonl")
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				got := replay(t, stream, format, Options{Now: fixedClock})
				checkGolden(t, name+"."+format+".golden", got)
			})
		}
	}
}

// checkGolden compares a renderer's output with its golden file: that of
// testdata, or for jsonl that of the format itself, which the event model
// keeps and writes with -update (../event/testdata/golden): the renderer
// writes the records as the model encodes them, byte for byte.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if !strings.HasSuffix(name, ".jsonl.golden") {
		golden.Check(t, filepath.Join("testdata", name), got)
		return
	}
	path := filepath.Join("..", "event", "testdata", "golden", name)
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("the jsonl renderer differs from %s (-want +got):\n%s", path, diff)
	}
}

// TestGoldenLongLines renders the recorded run of long_output.yml read
// with a line limit of 4 KiB, which its two long results and the loop's
// result, with both items, exceed: they come
// with their host, task and status whole, their output cut and marked,
// and in jsonl the bytes left out in "truncated" (which the event model's
// TestJSONLGoldenLongLines checks).
func TestGoldenLongLines(t *testing.T) {
	for _, format := range []string{"jsonl", "compact"} {
		t.Run(format, func(t *testing.T) {
			f, err := os.Open(filepath.Join("..", "testdata", "streams", "long_output.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out bytes.Buffer
			h, err := New(format, &out, Options{Now: fixedClock})
			if err != nil {
				t.Fatal(err)
			}
			d := event.NewDecoder(f)
			d.MaxLine = 4 << 10
			if _, err := event.ReplayDecoder(d, h); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "long_output.4KiB."+format+".golden", out.Bytes())
		})
	}
}

func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour must change nothing but the escape codes: tables stay aligned.
func TestColorOnlyAddsEscapes(t *testing.T) {
	for _, stream := range streams(t) {
		for _, format := range []string{"compact", "table"} {
			plain := replay(t, stream, format, Options{})
			colored := replay(t, stream, format, Options{Color: true})
			if len(plain) > 0 && !bytes.Contains(colored, []byte("\x1b[")) {
				t.Errorf("%s %s: no colour with Color on", stream, format)
			}
			stripped := ansiEscape.ReplaceAll(colored, nil)
			if diff := cmp.Diff(string(plain), string(stripped)); diff != "" {
				t.Errorf("%s %s: colour changed more than escapes (-plain +stripped):\n%s", stream, format, diff)
			}
		}
	}
}
