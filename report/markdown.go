package report

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/runner"
)

// MarkdownOptions says where and how to write the Markdown summary.
type MarkdownOptions struct {
	// Path is the file to write.
	Path string
	// Append adds the summary to the end of Path instead of replacing it,
	// as GitHub expects for $GITHUB_STEP_SUMMARY.
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

// Markdown is a runner.Handler that writes a Markdown summary of the run
// when it finishes: outcome, duration, recap, failed tasks, slowest tasks.
type Markdown struct {
	opts MarkdownOptions
}

// NewMarkdown returns a Markdown summary writer.
func NewMarkdown(opts MarkdownOptions) *Markdown {
	return &Markdown{opts: opts}
}

// Event does nothing: the summary is built from the run's Summary at the end.
func (m *Markdown) Event(*runner.Event, *runner.Summary) error { return nil }

// Finish writes the summary. It is called also for failed and interrupted runs.
func (m *Markdown) Finish(s *runner.Summary) error {
	data := m.Render(s)
	var err error
	if m.opts.Append {
		err = appendFile(m.opts.Path, data)
	} else {
		err = writeFileAtomic(m.opts.Path, data)
	}
	if err != nil {
		return fmt.Errorf("markdown summary: %w", err)
	}
	m.opts.Log.Debug().Str("path", m.opts.Path).Bool("append", m.opts.Append).Int("bytes", len(data)).Msg("Markdown summary written")
	return nil
}
