package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// FuzzRenderers replays arbitrary streams through every renderer, in colour
// and live mode too: whatever the decoder accepts, no renderer may panic.
// The seeds are small recorded streams and events with their fields missing.
func FuzzRenderers(f *testing.F) {
	for _, name := range []string{"fatal", "unreachable", "loop_dispositions", "meta"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "streams", name+".jsonl"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, kind := range []event.Kind{
		event.PlaybookStart, event.PlayStart, event.TaskStart, event.HandlerTaskStart,
		event.RunnerOK, event.RunnerFailed, event.RunnerSkipped, event.RunnerUnreach,
		event.ItemOK, event.ItemFailed, event.ItemSkipped, event.RunnerRetry,
		event.AsyncPoll, event.AsyncOK, event.AsyncFailed, event.FileDiff,
		event.HandlerNotified, event.Include, event.PlaybookStats,
	} {
		f.Add([]byte(`{"_event":"v2_` + string(kind) + `"}` + "\n"))
		f.Add([]byte(`{"_event":"v2_` + string(kind) + `","host":"h","hosts":{"h":null}}` + "\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range Formats {
			for _, opts := range []Options{{}, {Color: true, Live: true, Now: fixedClock}} {
				h, err := New(format, &bytes.Buffer{}, opts)
				if err != nil {
					t.Fatal(err)
				}
				event.Replay(bytes.NewReader(data), h, &bytes.Buffer{}, zerolog.Nop())
			}
		}
	})
}
