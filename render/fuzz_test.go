package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
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
	for _, kind := range []runner.Kind{
		runner.PlaybookStart, runner.PlayStart, runner.TaskStart, runner.HandlerTaskStart,
		runner.RunnerOK, runner.RunnerFailed, runner.RunnerSkipped, runner.RunnerUnreach,
		runner.ItemOK, runner.ItemFailed, runner.ItemSkipped, runner.RunnerRetry,
		runner.AsyncPoll, runner.AsyncOK, runner.AsyncFailed, runner.FileDiff,
		runner.HandlerNotified, runner.Include, runner.PlaybookStats,
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
				runner.Replay(bytes.NewReader(data), h, &bytes.Buffer{}, zerolog.Nop())
			}
		}
	})
}
