package report

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/golden"
	"github.com/ansible-tap/ansible-tap/runner"
)

// renderer renders a finished run to a report's bytes.
type renderer func(s *runner.Summary, base string) []byte

func junitWith(opts JUnitOptions) renderer {
	return func(s *runner.Summary, base string) []byte {
		opts.BaseDir = base
		data, err := NewJUnit(opts).Render(s)
		if err != nil {
			panic(err)
		}
		return data
	}
}

func markdownWith(opts MarkdownOptions) renderer {
	return func(s *runner.Summary, base string) []byte {
		opts.BaseDir = base
		return NewMarkdown(opts).Render(s)
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
			s := replayRecording(t, c.recording)
			got := c.render(s, recordedDir(t, c.recording))
			golden.Check(t, filepath.Join("testdata", c.golden), got)
		})
	}
}

// replayRecording replays testdata/NAME.jsonl and returns the finished summary.
func replayRecording(t *testing.T, name string) *runner.Summary {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := runner.Replay(f, runner.NewFanout(zerolog.Nop(), keepResults{}), io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// keepResults makes a replay's Summary keep every host result, as the
// HTML report's does.
type keepResults struct{}

func (keepResults) Event(*runner.Event, *runner.Summary) error { return nil }
func (keepResults) Finish(*runner.Summary) error               { return nil }
func (keepResults) KeepsResults() bool                         { return true }
