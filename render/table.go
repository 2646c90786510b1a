package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/ansible-tap/ansible-tap/event"
)

// TableRows is the most rows a table keeps for a play. A play with more
// results is printed in parts of TableRows rows, each followed by a line
// saying that the play's table continues, so that memory does not grow
// with the length of a play and no result is left out.
const TableRows = 10_000

// Table renders a table per play, a row per task and host (HOST, STATUS,
// CHANGED, TASK), and a recap table with every recap count. A play's table
// is printed when the play is over, or in parts of TableRows rows.
type Table struct {
	w       io.Writer
	c       *palette
	play    *event.Play
	rows    [][]string
	maxRows int // TableRows, or less in tests
	parts   int // the parts of the current play's table printed so far
	buf     bytes.Buffer
}

// NewTable returns a table renderer writing to w.
func NewTable(w io.Writer, opts Options) *Table {
	return &Table{w: w, c: newPalette(opts.Color), maxRows: TableRows}
}

// Event collects the rows of the current play and prints the tables when
// a play ends.
func (t *Table) Event(ev *event.Event, s *event.Summary) error {
	var err error
	switch ev.Kind {
	case event.PlayStart:
		if ev.Play != t.play {
			err = t.flushPlay()
			t.play = ev.Play
		}
	case event.RunnerOK, event.RunnerFailed, event.RunnerSkipped, event.RunnerUnreach:
		status := ev.Status()
		changed := "no"
		if ev.Result != nil && ev.Result.Changed {
			changed = "yes"
		}
		if len(t.rows) >= t.maxRows {
			err = t.printRows(true)
		}
		t.rows = append(t.rows, []string{tableCell(ev.Host), t.c.status(status).Sprint(string(status)), changed, tableCell(taskName(ev.Task))})
	case event.PlaybookStats:
		err = errors.Join(t.flushPlay(), t.recap(s))
	}
	return errors.Join(err, t.write())
}

// Finish prints what is left when the run ended without Ansible's stats.
func (t *Table) Finish(s *event.Summary) error {
	var err error
	if !s.Complete && len(s.Hosts) > 0 {
		err = t.flushPlay()
		if s.Interrupted {
			fmt.Fprintf(&t.buf, "%s\n", t.c.failed.Sprintf("RUN INTERRUPTED (exit code %d); counts so far:", s.ExitCode))
		}
		err = errors.Join(err, t.recap(s))
	}
	if len(s.Hosts) > 0 {
		fmt.Fprintf(&t.buf, "Duration: %s\n", event.FormatDuration(s.Duration(), event.DurationTerse))
	}
	return errors.Join(err, t.write())
}

// flushPlay prints the rest of the current play's table and forgets the play.
func (t *Table) flushPlay() error {
	var err error
	if t.play != nil || len(t.rows) > 0 {
		err = t.printRows(false)
	}
	t.play = nil
	t.parts = 0
	return err
}

// printRows prints the rows kept of the current play as a table; more says
// that the play goes on, with rows for another part of its table.
func (t *Table) printRows(more bool) error {
	name := ""
	if t.play != nil {
		name = t.play.Name
	}
	fmt.Fprintf(&t.buf, "PLAY [%s]", name)
	if t.parts > 0 {
		t.buf.WriteString(" (continued)")
	}
	t.buf.WriteByte('\n')
	err := t.renderTable([]string{"Host", "Status", "Changed", "Task"}, t.rows)
	if more {
		fmt.Fprintf(&t.buf, "%s\n", t.c.dim.Sprintf("… play continues: table printed every %s rows", groupThousands(t.maxRows)))
	}
	t.buf.WriteByte('\n')
	clear(t.rows)
	t.rows = t.rows[:0]
	t.parts++
	return err
}

// groupThousands writes n with commas between groups of three digits.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (t *Table) recap(s *event.Summary) error {
	t.buf.WriteString("PLAY RECAP\n")
	var rows [][]string
	for _, h := range s.RecapHosts() {
		c := s.Recap(h)
		row := []string{tableCell(h)}
		for _, st := range event.RecapStatuses() {
			row = append(row, t.num(c.Count(st), t.c.status(st)))
		}
		rows = append(rows, row)
	}
	header := []string{"Host"}
	for _, st := range event.RecapStatuses() {
		header = append(header, string(st)) // upper-cased as every header
	}
	return t.renderTable(header, rows)
}

func (t *Table) num(n int, c interface{ Sprint(...any) string }) string {
	if n == 0 {
		return "0"
	}
	return c.Sprint(strconv.Itoa(n))
}

// tableCell is a host or task name as a cell shows it: a tab becomes a
// space. Left in, tablewriter would widen it by as many spaces as it
// guesses from the environment ($TABWIDTH, an .editorconfig, the files of
// the working directory), and the same run would print differently from
// one directory to another.
func tableCell(s string) string { return strings.ReplaceAll(s, "\t", " ") }

// renderTable writes rows under header into t.buf as an ASCII table:
// borders all round, the header upper-cased and underlined, cells
// left-aligned, never wrapped nor trimmed (blank lines inside a cell
// included), colours left out of the column widths.
func (t *Table) renderTable(header []string, rows [][]string) error {
	cells := func(formatHeader tw.State) tw.CellConfig {
		return tw.CellConfig{
			Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone, AutoFormat: formatHeader},
			Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
			Padding:    tw.CellPadding{Global: tw.PaddingDefault},
		}
	}
	table := tablewriter.NewTable(&t.buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithConfig(tablewriter.Config{
			Header:   cells(tw.On),
			Row:      cells(tw.Off),
			Behavior: tw.Behavior{TrimSpace: tw.Off},
		}),
		tablewriter.WithTrimLine(tw.Off))
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	if len(rows) == 0 {
		// With no rows, tablewriter closes the table with one line under
		// the header; ansible-tap has always drawn the header's own line
		// and then the bottom border, which are the same.
		b := t.buf.Bytes()
		last := bytes.LastIndexByte(b[:len(b)-1], '\n') + 1
		t.buf.Write(bytes.Clone(b[last:]))
	}
	return nil
}

func (t *Table) write() error {
	if t.buf.Len() == 0 {
		return nil
	}
	_, err := t.w.Write(t.buf.Bytes())
	t.buf.Reset()
	return err
}
