package report

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// renderer writes a report of a recorded run, whose paths are relative to
// base, and returns its bytes.
type renderer func(t *testing.T, recording, base string) []byte

func junitWith(opts JUnitOptions) renderer {
	return func(t *testing.T, recording, base string) []byte {
		opts.BaseDir = base
		opts.Path = filepath.Join(t.TempDir(), "junit.xml")
		replayRecording(t, recording, NewJUnit(opts))
		data, err := os.ReadFile(opts.Path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
}

func markdownWith(opts MarkdownOptions) renderer {
	return func(t *testing.T, recording, base string) []byte {
		opts.BaseDir = base
		return NewMarkdown(opts).Render(replayRecording(t, recording))
	}
}

// TestGolden replays each recorded stream and compares the reports with
// testdata/NAME.SUFFIX; -update rewrites them.
func TestGolden(t *testing.T) {
	md := MarkdownOptions{Slowest: DefaultSlowest, Replay: true}
	cases := []struct {
		recording, golden string
		render            renderer
	}{
		{"mixed", "mixed.junit.xml", junitWith(JUnitOptions{})},
		{"mixed", "mixed.fail-on-ignore-and-change.junit.xml", junitWith(JUnitOptions{FailOnIgnore: true, FailOnChange: true})},
		{"mixed", "mixed.md", markdownWith(md)},
		{"green", "green.junit.xml", junitWith(JUnitOptions{})},
		{"green", "green.md", markdownWith(md)},
		{"interrupted", "interrupted.junit.xml", junitWith(JUnitOptions{})},
		{"interrupted", "interrupted.md", markdownWith(md)},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			got := c.render(t, c.recording, recordedDir(t, c.recording))
			golden.Check(t, filepath.Join("testdata", c.golden), got)
		})
	}
}

// replayRecording replays testdata/NAME.jsonl through handlers and
// returns the finished summary.
func replayRecording(t *testing.T, name string, handlers ...event.Handler) *event.Summary {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := event.Replay(f, event.NewFanout(zerolog.Nop(), handlers...), io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
