package render

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter"

	"github.com/ansible-tap/ansible-tap/runner"
)

// Table renders a table per play, a row per task and host (HOST, STATUS,
// CHANGED, TASK), and a recap table with every recap count. A play's table
// is printed when the play is over.
type Table struct {
	w    io.Writer
	c    *palette
	play *runner.Play
	rows [][]string
	buf  bytes.Buffer
}

// NewTable returns a table renderer writing to w.
func NewTable(w io.Writer, opts Options) *Table {
	return &Table{w: w, c: newPalette(opts.Color)}
}

// Event collects the rows of the current play and prints the tables when
// a play ends.
func (t *Table) Event(ev *runner.Event, s *runner.Summary) error {
	switch ev.Kind {
	case runner.PlayStart:
		if ev.Play != t.play {
			t.flushPlay()
			t.play = ev.Play
		}
	case runner.RunnerOK, runner.RunnerFailed, runner.RunnerSkipped, runner.RunnerUnreach:
		status := ev.Status()
		changed := "no"
		if ev.Result != nil && ev.Result.Changed {
			changed = "yes"
		}
		t.rows = append(t.rows, []string{ev.Host, t.c.status(status).Sprint(string(status)), changed, taskName(ev.Task)})
	case runner.PlaybookStats:
		t.flushPlay()
		t.recap(s)
	}
	return t.write()
}

// Finish prints what is left when the run ended without Ansible's stats.
func (t *Table) Finish(s *runner.Summary) error {
	if !s.Complete && len(s.Hosts) > 0 {
		t.flushPlay()
		if s.Interrupted {
			fmt.Fprintf(&t.buf, "%s\n", t.c.failed.Sprintf("RUN INTERRUPTED (exit code %d); counts so far:", s.ExitCode))
		}
		t.recap(s)
	}
	if len(s.Hosts) > 0 {
		fmt.Fprintf(&t.buf, "Duration: %s\n", formatDuration(s.Duration()))
	}
	return t.write()
}

func (t *Table) flushPlay() {
	if t.play == nil && len(t.rows) == 0 {
		return
	}
	name := ""
	if t.play != nil {
		name = t.play.Name
	}
	fmt.Fprintf(&t.buf, "PLAY [%s]\n", name)
	tw := t.newWriter()
	tw.SetHeader([]string{"Host", "Status", "Changed", "Task"})
	tw.AppendBulk(t.rows)
	tw.Render()
	t.buf.WriteByte('\n')
	t.rows = t.rows[:0]
	t.play = nil
}

func (t *Table) recap(s *runner.Summary) {
	t.buf.WriteString("PLAY RECAP\n")
	tw := t.newWriter()
	tw.SetHeader([]string{"Host", "Ok", "Changed", "Unreachable", "Failed", "Skipped", "Rescued", "Ignored"})
	for _, h := range s.RecapHosts() {
		c := s.Recap(h)
		tw.Append([]string{h,
			t.num(c.OK, t.c.ok), t.num(c.Changed, t.c.changed), t.num(c.Unreachable, t.c.unreachable),
			t.num(c.Failures, t.c.failed), t.num(c.Skipped, t.c.skipped), t.num(c.Rescued, t.c.rescued),
			t.num(c.Ignored, t.c.ignored)})
	}
	tw.Render()
}

func (t *Table) num(n int, c interface{ Sprint(...any) string }) string {
	if n == 0 {
		return "0"
	}
	return c.Sprint(strconv.Itoa(n))
}

func (t *Table) newWriter() *tablewriter.Table {
	tw := tablewriter.NewWriter(&t.buf)
	tw.SetAutoWrapText(false)
	tw.SetAutoFormatHeaders(true)
	tw.SetAlignment(tablewriter.ALIGN_LEFT)
	tw.SetHeaderAlignment(tablewriter.ALIGN_LEFT)
	return tw
}

func (t *Table) write() error {
	if t.buf.Len() == 0 {
		return nil
	}
	_, err := t.w.Write(t.buf.Bytes())
	t.buf.Reset()
	return err
}
