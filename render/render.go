// Package render turns the events of a run into output for people and
// programs: compact lines like ansible-playbook's, tables, and JSON lines.
// Each renderer is an event.Handler.
package render

import (
	"fmt"
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
)

// Formats lists the output formats that New renders.
var Formats = []string{"compact", "table", "jsonl"}

// Options tune a renderer.
type Options struct {
	// Color turns on ANSI colours.
	Color bool
	// Live shows a status line with the running task (compact on a terminal only).
	Live bool
	// Now is the clock for records that no event dates (jsonl run_end of a
	// run without events); nil means time.Now.
	Now func() time.Time
	// Compared, when set, is the live run's comparison with the last
	// comparable run of the history: the run's tail ends with one line
	// that says what is new, as a comparison's headline says it.
	Compared *compare.Live
}

// now is the Options' clock.
func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// New returns the renderer for format, writing to w. "text", the old name
// of the compact format, is accepted as another spelling of it.
func New(format string, w io.Writer, opts Options) (event.Handler, error) {
	switch format {
	case "compact", "text", "":
		return NewCompact(w, opts), nil
	case "table":
		return NewTable(w, opts), nil
	case "jsonl":
		j := NewJSONL(w)
		if opts.Now != nil {
			j.now = opts.Now
		}
		return j, nil
	}
	return nil, fmt.Errorf("--format: unknown format %q (want ansible, compact, table or jsonl)", format)
}
