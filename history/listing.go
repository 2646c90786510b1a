package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"

	"github.com/ansible-tap/ansible-tap/internal/durations"
)

// WriteTable writes runs as `ansible-tap history` lists them for people:
// a row per run, as given (newest first), with its id, start (local time),
// playbook, labels, outcome, duration, and how many hosts ended ok,
// changed, failed and unreachable.
func WriteTable(w io.Writer, runs []Run) error {
	var buf bytes.Buffer
	tw := tablewriter.NewWriter(&buf)
	tw.SetAutoWrapText(false)
	tw.SetAutoFormatHeaders(true)
	tw.SetAlignment(tablewriter.ALIGN_LEFT)
	tw.SetHeaderAlignment(tablewriter.ALIGN_LEFT)
	tw.SetBorder(false)
	tw.SetHeaderLine(false)
	tw.SetColumnSeparator("")
	tw.SetTablePadding("  ")
	tw.SetNoWhiteSpace(true)
	tw.SetHeader([]string{"id", "started", "playbook", "labels", "outcome", "duration", "ok", "changed", "failed", "unreachable"})
	for _, r := range runs {
		tw.Append([]string{
			r.ID,
			r.Start.Local().Format("2006-01-02 15:04:05"),
			printable(playbookCell(r.Playbooks)),
			printable(labelsCell(r.Labels)),
			r.Outcome,
			durations.Format(r.Duration),
			strconv.Itoa(r.HostStates.OK),
			strconv.Itoa(r.HostStates.Changed),
			strconv.Itoa(r.HostStates.Failed),
			strconv.Itoa(r.HostStates.Unreachable),
		})
	}
	tw.Render()
	// tablewriter pads the last column too.
	bw := bufio.NewWriter(w)
	for line := range bytes.Lines(buf.Bytes()) {
		bw.Write(bytes.TrimRight(line, " \n"))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// playbookCell names a run's playbook by its file name, and how many more
// the run had.
func playbookCell(playbooks []string) string {
	switch len(playbooks) {
	case 0:
		return "-"
	case 1:
		return filepath.Base(playbooks[0])
	}
	return filepath.Base(playbooks[0]) + " +" + strconv.Itoa(len(playbooks)-1)
}

// labelsCell lists labels as key=value, by key.
func labelsCell(labels map[string]string) string {
	if len(labels) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(labels))
	for _, k := range sortedKeys(labels) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ",")
}

// printable escapes what a terminal would interpret in a cell: control
// characters and other non-graphic ones.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) }) < 0 {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// JSONLSchemaVersion is the version of the listing's JSON lines; it changes
// only when a field is removed or changes meaning.
const JSONLSchemaVersion = 1

// jsonlRun is a run's line in `ansible-tap history --format=jsonl`.
type jsonlRun struct {
	SchemaVersion   int     `json:"schema_version"`
	DurationSeconds float64 `json:"duration_seconds"`
	*Run
}

// WriteJSONL writes runs as JSON lines, one object a run, for scripts: the
// fields of Run by their JSON names, with schema_version and
// duration_seconds.
func WriteJSONL(w io.Writer, runs []Run) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range runs {
		line := jsonlRun{SchemaVersion: JSONLSchemaVersion, DurationSeconds: runs[i].Duration.Seconds(), Run: &runs[i]}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
