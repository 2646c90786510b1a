package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// checkMarkdown renders a summary as GitHub would and compares what a reader
// sees with the run: the outcome, the recap of every host, every fatal
// failure with its host and message, the interruption.
func checkMarkdown(t *testing.T, s *event.Summary, md []byte) {
	t.Helper()
	page := renderGFM(t, md)
	heading, _, _ := strings.Cut(htmlText(page), "\n")
	if !strings.HasSuffix(heading, ": "+string(s.Outcome())) {
		t.Errorf("the heading %q does not end with the outcome %q", heading, s.Outcome())
	}
	tables := htmlTables(page)
	hosts := s.RecapHosts()
	if len(hosts) > 0 {
		if len(tables) == 0 {
			t.Fatal("no recap table")
		}
		recap := tables[0]
		if len(recap) < len(hosts)+1 {
			t.Fatalf("the recap table has %d rows for %d hosts", len(recap), len(hosts))
		}
		for i, h := range hosts {
			c := s.Recap(h)
			want := []string{h, fmt.Sprint(c.OK), fmt.Sprint(c.Changed), fmt.Sprint(c.Unreachable),
				fmt.Sprint(c.Failures), fmt.Sprint(c.Skipped), fmt.Sprint(c.Rescued), fmt.Sprint(c.Ignored)}
			if got := recap[i+1]; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("recap row %q, want %q", got, want)
			}
		}
		tables = tables[1:]
	}
	fatal := s.FatalFailures()
	if len(fatal) > 0 {
		if len(tables) == 0 {
			t.Fatal("no table of failed tasks")
		}
		rows := tables[0][1:]
		if len(rows) != len(fatal) {
			t.Fatalf("%d failed tasks shown, the run had %d", len(rows), len(fatal))
		}
		for i, f := range fatal {
			lines := strings.Split(strings.ReplaceAll(textcut.Runes(strings.TrimSpace(f.Message), messageLimit), "\r\n", "\n"), "\n")
			for j, l := range lines {
				lines[j] = dropControl(l)
			}
			want := strings.Join(lines, "\n")
			if want == "" {
				want = "(no message)"
			}
			if rows[i][0] != f.Host || rows[i][1] != f.Task.Name || rows[i][4] != want {
				t.Errorf("failed task row %q, want host %q, task %q, message %q", rows[i], f.Host, f.Task.Name, want)
			}
		}
	}
	if got := strings.Contains(page, "Interrupted:"); got != s.Interrupted {
		t.Errorf("the page says interrupted: %v, the run was interrupted: %v", got, s.Interrupted)
	}
}

// TestMarkdownOfRecordings checks the rendered summaries of the recorded runs.
func TestMarkdownOfRecordings(t *testing.T) {
	for _, rec := range recordings {
		t.Run(rec.name, func(t *testing.T) {
			s := replayRecording(t, rec.name)
			checkMarkdown(t, s, NewMarkdown(MarkdownOptions{Slowest: DefaultSlowest, Replay: true}).Render(s))
		})
	}
}
