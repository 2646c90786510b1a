package report

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
)

// MarkdownOptions says where and how to write the Markdown summary.
type MarkdownOptions struct {
	// Path is the file to write, private to its owner (outfile.Private):
	// a regular file is replaced atomically, a FIFO or a device is written
	// into, a symlink is followed (see package outfile).
	Path string
	// Append adds the summary to the end of Path, after a blank line when
	// it holds something, instead of replacing it, as GitHub expects for
	// $GITHUB_STEP_SUMMARY.
	Append bool
	// Slowest is how many of the slowest tasks to list; 0 lists none.
	Slowest int
	// Replay says that the events come from a recording.
	Replay bool
	// BaseDir, when set, makes the playbook path under it relative to it.
	BaseDir string
	// Log receives the writer's diagnostics.
	Log zerolog.Logger
}

// DefaultSlowest is how many slowest tasks a summary lists by default.
const DefaultSlowest = 5

// Markdown is an event.Handler that writes a Markdown summary of the run
// when it finishes: outcome, duration, recap, failed tasks, slowest tasks.
type Markdown struct {
	opts MarkdownOptions
}

// NewMarkdown returns a Markdown summary writer.
func NewMarkdown(opts MarkdownOptions) *Markdown {
	return &Markdown{opts: opts}
}

// Event does nothing: the summary is built from the run's Summary at the end.
func (m *Markdown) Event(*event.Event, *event.Summary) error { return nil }

// Finish writes the summary. It is called also for failed and interrupted runs.
func (m *Markdown) Finish(s *event.Summary) error {
	data := m.Render(s)
	var err error
	if m.opts.Append {
		err = outfile.Append(m.opts.Path, outfile.Private, data, []byte("\n"))
	} else {
		err = outfile.WriteBytes(m.opts.Path, outfile.Private, data)
	}
	if err != nil {
		return fmt.Errorf("markdown summary: %w", err)
	}
	m.opts.Log.Debug().Str("path", m.opts.Path).Bool("append", m.opts.Append).Int("bytes", len(data)).Msg("Markdown summary written")
	return nil
}
