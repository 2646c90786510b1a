package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
)

// A live run with a comparable earlier run in the history gets a "Since
// the last run" section in its report: the tally, the counts, and each
// new failure, fix, still failing result and change, read in Chromium
// with nothing blocked by the page's Content-Security-Policy. A run
// without one gets no such section.
func TestHTMLSinceTheLastRun(t *testing.T) {
	live, stream := comparetest.Live(t, "..")
	path := filepath.Join(t.TempDir(), "report.html")
	h := NewHTML(HTMLOptions{Path: path, Compared: live})
	if _, err := event.Replay(bytes.NewReader(stream), event.NewFanout(zerolog.Nop(), live, h), io.Discard, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	tb := browserTab(t)
	tb.open(path)
	if got := eval[string](tb, `document.getElementById('since-tally').textContent`); got != "1 new failure, 1 fixed, 3 tasks changed that were ok" {
		t.Errorf("the section's tally reads %q", got)
	}
	for id, want := range map[string]int{"since-new": 1, "since-fixed": 1, "since-failing": 1, "since-changed": 3} {
		js := fmt.Sprintf(`Array.from(document.querySelectorAll('#%s article.finding')).reduce((n, a) => n + Number(a.dataset.n), 0)`, id)
		if got := eval[int](tb, js); got != want {
			t.Errorf("#%s lists %d results, want %d", id, got, want)
		}
	}
	if got := eval[string](tb, `getComputedStyle(document.querySelector('#since-new article.finding')).borderLeftStyle`); got != "solid" {
		t.Errorf("the findings are not styled (border %q): the comparison's style sheet was blocked", got)
	}
	if nav := eval[string](tb, `document.querySelector('nav a[href="#since-last"]').textContent`); nav != "Since the last run" {
		t.Errorf("the navigation's link reads %q", nav)
	}
	tb.screenshot("report-since-last")
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("the page had problems:\n%s", strings.Join(p, "\n"))
	}

	plain := filepath.Join(t.TempDir(), "plain.html")
	replayHTML(t, filepath.Join("..", "compare", "testdata", "run.jsonl"), NewHTML(HTMLOptions{Path: plain}))
	if data, _ := os.ReadFile(plain); strings.Contains(string(data), "since-last") {
		t.Error("a run without a baseline has a Since the last run section")
	}
}
