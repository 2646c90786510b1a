package render

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/ansible-tap/ansible-tap/event"
)

// The tail shows the slowest tasks and at most failuresShown failures.
const (
	slowestShown  = 5
	failuresShown = 20
)

// WriteRunTail writes what ansible-tap adds after a run's recap: the run's
// duration, the failed tasks (each failure's disposition, host and task),
// the slowest tasks and, when the run has been compared with the last
// comparable run of the history (Options.Compared), what is new. With
// colour it colours them as the compact output does. Text from the run is
// cleaned of control characters.
func WriteRunTail(w io.Writer, s *event.Summary, opts Options) error {
	var b bytes.Buffer
	writeTail(&b, s, newPalette(opts.Color), opts)
	_, err := w.Write(b.Bytes())
	return err
}

func writeTail(b *bytes.Buffer, s *event.Summary, c *palette, opts Options) {
	fmt.Fprintf(b, "Duration: %s\n", event.FormatDuration(s.Duration(), event.DurationTerse))
	writeFailures(b, s.Failures, s.OmittedFailures, c)
	writeSlowest(b, s.Slowest(slowestShown), c)
	// Without a history or a baseline, or with a history that cannot be
	// read (its recording warns), the tail says nothing of it.
	if cmp, _ := opts.Compared.Comparison(s); cmp != nil {
		writeHeadline(b, cmp, opts.now(), c)
	}
}

// writeFailures lists failures in columns: what became of each (fatal,
// ignored, rescued, unreachable), the host, the task. The count of those
// not listed includes omitted, the failures the Summary only counted.
func writeFailures(b *bytes.Buffer, failures []event.Failure, omitted int, c *palette) {
	if len(failures) == 0 {
		return
	}
	shown := failures[:min(len(failures), failuresShown)]
	wordWidth, hostWidth := 0, 0
	for _, f := range shown {
		word, _ := failureWord(f, c)
		wordWidth = max(wordWidth, len(word))
		hostWidth = max(hostWidth, utf8.RuneCountInString(clean(f.Host)))
	}
	b.WriteString("Failed tasks:\n")
	for _, f := range shown {
		word, wc := failureWord(f, c)
		fmt.Fprintf(b, "  %s  %-*s  ", wc.Sprintf("%-*s", wordWidth, word), hostWidth, clean(f.Host))
		writeTask(b, f.Task, c)
	}
	if more := len(failures) - len(shown) + omitted; more > 0 {
		fmt.Fprintf(b, "  … %d more\n", more)
	}
}

// failureWord names what became of a failure (its fate), with the colour
// of its status.
func failureWord(f event.Failure, c *palette) (string, *color.Color) {
	fate := f.Fate()
	return string(fate), c.status(fate.Status())
}

func writeSlowest(b *bytes.Buffer, slow []*event.TaskRun, c *palette) {
	if len(slow) == 0 {
		return
	}
	b.WriteString("Slowest tasks:\n")
	for _, tr := range slow {
		fmt.Fprintf(b, "  %8s  ", event.FormatDuration(tr.Duration(), event.DurationTerse))
		writeTask(b, tr.Task, c)
	}
}

// writeTask ends a line of the tail with a task's name and, dimmed, its path.
func writeTask(b *bytes.Buffer, task *event.Task, c *palette) {
	b.WriteString(clean(taskName(task)))
	if task != nil && task.Path != "" {
		b.WriteString(c.dim.Sprintf(" (%s)", clean(task.Path)))
	}
	b.WriteByte('\n')
}
