package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestComparisonNotes checks that the Markdown and the page warn alike of
// an interrupted run and of check mode in one run only.
func TestComparisonNotes(t *testing.T) {
	c := sameRun(t)
	if notes := comparisonNotes(c); notes != nil {
		t.Errorf("a run compared with itself: notes %q", notes)
	}
	c.Run.Interrupted, c.Base.Interrupted, c.Base.Check = true, true, true
	want := []string{
		"The run was interrupted: the tasks and hosts it did not get to are not counted as removed.",
		"The baseline was interrupted: the tasks and hosts it did not get to are not counted as added.",
		"One run was in check mode, the other not.",
	}
	opts := comparisonOptions(t, c)
	if diff := cmp.Diff(want, buildComparisonPage(c, opts).Notes); diff != "" {
		t.Errorf("the page's notes (-want +got):\n%s", diff)
	}
	md := string(RenderComparisonMarkdown(c, opts))
	for _, n := range want {
		if !strings.Contains(md, "> **⚠️** "+n+"\n\n") {
			t.Errorf("the Markdown does not warn %q", n)
		}
	}
}
