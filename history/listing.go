package history

import (
	"bufio"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/ansible-tap/ansible-tap/event"
)

// WriteTable writes runs as `ansible-tap history` lists them for people:
// a row per run, as given (newest first), with its id, start (local time),
// playbook, labels, outcome, duration, and how many hosts ended ok,
// changed, failed and unreachable; columns aligned with two spaces between
// them, without borders, as `docker ps` or `kubectl get` print them
// (text/tabwriter: a tenth of tablewriter's cost on 10,000 runs).
func WriteTable(w io.Writer, runs []Run) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	io.WriteString(tw, "ID\tSTARTED\tPLAYBOOK\tLABELS\tOUTCOME\tDURATION\tOK\tCHANGED\tFAILED\tUNREACHABLE\n")
	var line []byte
	for _, r := range runs {
		line = append(line[:0], r.ID...)
		line = append(line, '\t')
		line = event.AppendTime(line, r.Start, event.TimeTerse)
		line = append(line, '\t')
		line = append(line, cell(playbookCell(r.Playbooks))...)
		line = append(line, '\t')
		line = append(line, cell(labelsCell(r.Labels))...)
		line = append(line, '\t')
		line = append(line, cell(string(r.Outcome))...)
		line = append(line, '\t')
		line = append(line, event.FormatDuration(r.Duration, event.DurationTerse)...)
		for _, n := range []int{r.HostStates.OK, r.HostStates.Changed, r.HostStates.Failed, r.HostStates.Unreachable} {
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(n), 10)
		}
		line = append(line, '\n')
		tw.Write(line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// playbookCell names a run's playbook by its file name, and how many more
// the run had.
func playbookCell(playbooks []string) string {
	switch len(playbooks) {
	case 0:
		return ""
	case 1:
		return filepath.Base(playbooks[0])
	}
	return filepath.Base(playbooks[0]) + " +" + strconv.Itoa(len(playbooks)-1)
}

// labelsCell lists labels as key=value, by key.
func labelsCell(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	parts := make([]string, 0, len(labels))
	for _, k := range sortedKeys(labels) {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ",")
}

// cell escapes what a terminal would interpret in a cell (control
// characters and other non-graphic ones, tabs included, which would also
// break the columns), and shows an empty one as "-".
func cell(s string) string {
	if s == "" {
		return "-"
	}
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
		line := jsonlRun{SchemaVersion: JSONLSchemaVersion, DurationSeconds: float64(runs[i].Duration.Milliseconds()) / 1000, Run: &runs[i]}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
