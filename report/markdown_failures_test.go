package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// TestMarkdownCountsOmittedFailures checks that the folded list of ignored
// and rescued failures counts those the Summary did not keep, and says how
// many it does not show.
func TestMarkdownCountsOmittedFailures(t *testing.T) {
	for _, c := range []struct {
		ignored   int
		shown     int
		more      string // the line under the table, "" for none
		countText string
	}{
		{3, 3, "", "Ignored and rescued failures (3)"},
		{1050, 1000, "… and 50 more ignored or rescued failures", "Ignored and rescued failures (1050)"},
	} {
		t.Run(fmt.Sprint(c.ignored), func(t *testing.T) {
			s := event.NewSummary()
			at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
			play := &event.Play{ID: "p", Name: "play"}
			task := &event.Task{ID: "t", Name: "probe"}
			s.Add(&event.Event{Kind: event.PlayStart, Time: at, Play: play})
			s.Add(&event.Event{Kind: event.TaskStart, Time: at, Play: play, Task: task})
			for h := 0; h < c.ignored; h++ {
				s.Add(&event.Event{Kind: event.RunnerFailed, Time: at, Play: play, Task: task, Host: fmt.Sprintf("h%d", h),
					Disposition: event.Ignored, Result: &event.Result{Failed: true, Msg: "no"}})
			}
			s.Complete = true
			md := NewMarkdown(MarkdownOptions{}).Render(s)
			page := renderGFM(t, md)
			text := htmlText(page)
			if !strings.Contains(text, c.countText) {
				t.Errorf("the page does not say %q", c.countText)
			}
			tables := htmlTables(page)
			if rows := len(tables[len(tables)-1]) - 1; rows != c.shown {
				t.Errorf("%d failures listed, want %d", rows, c.shown)
			}
			if got := strings.Contains(text, "more ignored or rescued failures"); got != (c.more != "") {
				t.Errorf("the page counts more failures: %v, want %v", got, c.more != "")
			}
			if c.more != "" && !strings.Contains(text, c.more) {
				t.Errorf("the page does not say %q", c.more)
			}
		})
	}
}
