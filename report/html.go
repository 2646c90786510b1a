package report

import (
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
)

// HTMLOptions says where and how to write the HTML report.
type HTMLOptions struct {
	// Path is the file to write, private to its owner (outfile.Private):
	// the report holds results and Ansible's console output. A regular
	// file is replaced atomically, a FIFO or a device is written into, a
	// symlink is followed (see package outfile).
	Path string
	// BaseDir, when set, makes the playbook and task files under it
	// relative to it.
	BaseDir string
	// Version is ansible-tap's version, named in the report's footer.
	Version string
	// Compared, when set, is the live run's comparison with the last
	// comparable run of the history: the report gets a "Since the last
	// run" section.
	Compared *compare.Live
	// Log receives the writer's diagnostics.
	Log zerolog.Logger
}

// HTML is an event.Handler that writes a self-contained HTML report of the
// run when it finishes: the outcome, the recap, a timeline of every task on
// every host, the failures with their output, the changes with their
// diffs, the handlers, the task durations and, when it was recorded and
// passed to Console, what ansible-playbook printed. The page fetches
// nothing: its style, script and data are in the file.
type HTML struct {
	opts    HTMLOptions
	details *runDetails
	console consoleLog
}

// NewHTML returns an HTML report writer.
func NewHTML(opts HTMLOptions) *HTML {
	return &HTML{opts: opts, details: newRunDetails()}
}

// Event keeps what the report shows and the Summary does not: the output
// of failed results and the file diffs. Results hidden with no_log leave
// nothing.
func (h *HTML) Event(ev *event.Event, s *event.Summary) error {
	h.details.add(ev, s)
	return nil
}

// Console records a piece of what ansible-playbook printed on stream
// (event.StreamStdout, StreamStderr or StreamTerminal), for the report's
// console section: it fits event.Decoder.Console. It is safe for
// concurrent use.
func (h *HTML) Console(stream string, data []byte) {
	h.console.add(stream, data)
}

// KeepsResults is true: the report shows every host's result.
func (h *HTML) KeepsResults() bool { return true }

// Finish writes the report. It is called also for failed and interrupted runs.
func (h *HTML) Finish(s *event.Summary) error {
	data, err := h.Render(s)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := outfile.WriteBytes(h.opts.Path, outfile.Private, data); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	h.opts.Log.Debug().Str("path", h.opts.Path).Int("bytes", len(data)).Msg("HTML report written")
	return nil
}

// Render returns the HTML document of the run, stamped with the time now.
func (h *HTML) Render(s *event.Summary) ([]byte, error) {
	p, err := h.page(s)
	if err != nil {
		return nil, err
	}
	p.Generated = time.Now().UTC().Format(time.RFC3339)
	p.Version = h.opts.Version
	return renderPage(p)
}

// page describes the run as the report shows it.
func (h *HTML) page(s *event.Summary) (*page, error) {
	p, err := buildPage(s, h.details, h.console.spans(), h.opts.BaseDir)
	if err != nil {
		return p, err
	}
	if c, _ := h.opts.Compared.Comparison(s); c != nil {
		p.SinceLast = newSinceLastRun(c, ComparisonOptions{BaseDir: h.opts.BaseDir, Now: time.Now()})
	}
	return p, nil
}
