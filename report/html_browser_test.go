package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestHTMLInBrowser replays recorded runs into HTML reports and reads each
// in Chromium: the page logs no error and fetches nothing, shows the run's
// counts, draws its timeline, and its filters, search and keyboard work.
func TestHTMLInBrowser(t *testing.T) {
	for _, c := range []struct{ name, recording string }{
		{"mixed", filepath.Join("testdata", "mixed.jsonl")}, // every status, no_log, a handler
		{"diff", filepath.Join("..", "testdata", "streams", "diff.jsonl")},
		{"stock-jsonl", filepath.Join("..", "testdata", "stock", "rescue.jsonl")},
		{"interrupted", filepath.Join("testdata", "interrupted.jsonl")},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "report.html")
			s := replayHTML(t, c.recording, NewHTML(HTMLOptions{Path: path}))
			tb := browserTab(t)
			tb.open(path)
			checkPage(t, tb, s)
			checkFilters(t, tb, s)
			if resultCount(s, nil) > 0 {
				checkKeyboard(t, tb, s)
			}
			tb.screenshot("report-" + c.name)
			if p := tb.problems(); len(p) > 0 {
				t.Errorf("the page had problems:\n%s", strings.Join(p, "\n"))
			}
			data, _ := os.ReadFile(path)
			if strings.Contains(string(data), "hunter2") {
				t.Error("a no_log message leaked into the report")
			}
		})
	}
}

// checkPage compares what the page shows with the run's Summary.
func checkPage(t *testing.T, tb *tab, s *event.Summary) {
	t.Helper()
	fatal := len(s.FatalFailures())
	for id, want := range map[string]any{
		"outcome": s.Outcome(), "exit-code": s.ExitCode,
		"count-hosts": len(s.RecapHosts()), "count-tasks": len(s.Tasks), "count-results": resultCount(s, nil),
		"count-failures": len(s.Failures), "count-fatal": fatal,
	} {
		if got := eval[string](tb, fmt.Sprintf("document.getElementById(%q).textContent", id)); got != fmt.Sprint(want) {
			t.Errorf("#%s shows %q, the run's is %v", id, got, want)
		}
	}
	recap := eval[[][]string](tb, `Array.from(document.querySelectorAll('#recap tbody tr'), (tr) => Array.from(tr.cells, (c) => c.textContent))`)
	var want [][]string
	for _, h := range s.RecapHosts() {
		c := s.Recap(h)
		want = append(want, strings.Fields(fmt.Sprintln(h, c.OK, c.Changed, c.Unreachable, c.Failures, c.Skipped, c.Rescued, c.Ignored)))
	}
	if fmt.Sprint(recap) != fmt.Sprint(want) {
		t.Errorf("the recap shows %v, the run's is %v", recap, want)
	}
	if got := eval[int](tb, failuresShown("#failures")); got != fatal {
		t.Errorf("%d fatal failures listed, the run had %d", got, fatal)
	}
	if got := eval[int](tb, failuresShown("#handled")); got != len(s.Failures)-fatal {
		t.Errorf("%d ignored and rescued failures listed, the run had %d", got, len(s.Failures)-fatal)
	}
	if got := eval[int](tb, `document.querySelectorAll('#tasks tbody tr').length`); got != len(s.Tasks) {
		t.Errorf("the task table has %d rows, the run %d tasks", got, len(s.Tasks))
	}
	results := resultCount(s, nil)
	if got := eval[int](tb, `Number(document.getElementById('timeline').dataset.bars)`); got != results {
		t.Errorf("the timeline holds %d bars, the run had %d results", got, results)
	}
	if results > 0 {
		if n := eval[int](tb, `Number(document.getElementById('timeline').dataset.drawn)`); n == 0 {
			t.Error("the timeline drew no bar")
		}
		if n := eval[int](tb, statusPixels); n == 0 {
			t.Error("the timeline's canvas has no pixel of a status colour")
		}
	}
}

// failuresShown counts the failures that a section shows: each article
// tells on how many hosts its failure happened.
func failuresShown(section string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll('%s article.failure:not([hidden])')).reduce((n, a) => n + Number(a.dataset.n), 0)`, section)
}

// checkKeyboard moves through the timeline with the arrow keys: the tip
// names the task of the bar the keys are on; + zooms in, 0 out again.
func checkKeyboard(t *testing.T, tb *tab, s *event.Summary) {
	t.Helper()
	tb.do(chromedp.Focus(chromedp.CSS(`#timeline`)), chromedp.KeyEvent(kb.ArrowRight))
	tip := eval[string](tb, `document.getElementById('tl-tip').hidden ? '' : document.getElementById('tl-tip').textContent`)
	found := false
	for _, task := range s.Tasks {
		found = found || strings.HasPrefix(tip, task.Task.Name)
	}
	if !found {
		t.Errorf("with the timeline focused, the arrow key shows the tip %q, which names no task of the run", tip)
	}
	whole := eval[int](tb, `Number(document.getElementById('timeline').dataset.span)`)
	tb.do(chromedp.KeyEvent("+"))
	if span := eval[int](tb, `Number(document.getElementById('timeline').dataset.span)`); span >= whole {
		t.Errorf("+ keeps %d ms of %d in view", span, whole)
	}
	tb.do(chromedp.KeyEvent("0"))
	if span := eval[int](tb, `Number(document.getElementById('timeline').dataset.span)`); span != whole {
		t.Errorf("0 shows %d ms of the run's %d", span, whole)
	}
	tb.do(chromedp.KeyEvent(kb.Escape))
	if hidden := eval[bool](tb, `document.getElementById('tl-tip').hidden`); !hidden {
		t.Error("Escape leaves the timeline's tip shown")
	}
}

// statusPixels counts the timeline's pixels that have a status's colour.
const statusPixels = `(() => {
	// A copy is read, so that the page's canvas is never read back itself.
	const canvas = document.getElementById('timeline');
	const copy = document.createElement('canvas');
	copy.width = canvas.width;
	copy.height = canvas.height;
	const context = copy.getContext('2d', {willReadFrequently: true});
	context.drawImage(canvas, 0, 0);
	const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
	const probe = document.createElement('canvas').getContext('2d', {willReadFrequently: true});
	const style = getComputedStyle(document.documentElement);
	const colours = new Set(['ok', 'changed', 'failed', 'ignored', 'rescued', 'skipped', 'unreachable'].map((s) => {
		probe.fillStyle = style.getPropertyValue('--s-' + s).trim();
		probe.fillRect(0, 0, 1, 1);
		const d = probe.getImageData(0, 0, 1, 1).data;
		return (d[0] << 16) | (d[1] << 8) | d[2];
	}));
	let n = 0;
	for (let i = 0; i < pixels.length; i += 4) {
		if (pixels[i + 3] === 255 && colours.has((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2])) n++;
	}
	return n;
})()`

// checkFilters narrows the page to one status, then searches for a task,
// and compares what the timeline and the lists show with the run.
func checkFilters(t *testing.T, tb *tab, s *event.Summary) {
	t.Helper()
	status := event.StatusOK
	for _, st := range []event.Status{event.StatusFailed, event.StatusChanged} {
		if resultCount(s, func(r event.HostResult, _ *event.TaskRun) bool { return r.Status == st }) > 0 {
			status = st
			break
		}
	}
	for _, st := range timelineStatuses {
		if st != status {
			tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf("#filters input[value=%s]", st))))
		}
	}
	want := resultCount(s, func(r event.HostResult, _ *event.TaskRun) bool { return r.Status == status })
	waitBars(t, tb, want, "only "+string(status))
	if status == event.StatusFailed {
		fatal := 0
		for _, f := range s.FatalFailures() {
			if !f.Unreachable {
				fatal++
			}
		}
		if got := eval[int](tb, failuresShown("#failures")); got != fatal {
			t.Errorf("only failed: %d fatal failures shown, want %d", got, fatal)
		}
	}
	tb.do(chromedp.Click(chromedp.CSS(`#filters button[type=reset]`)))
	waitBars(t, tb, resultCount(s, nil), "cleared")

	if len(s.Tasks) == 0 {
		return
	}
	// The first word of the last task, typed in the search box.
	query := strings.Fields(s.Tasks[len(s.Tasks)-1].Task.Name + " x")[0]
	q := strings.ToLower(query)
	names := newPlays(s)
	want = resultCount(s, func(r event.HostResult, tr *event.TaskRun) bool {
		return strings.Contains(strings.ToLower(tr.Task.Name), q) || strings.Contains(strings.ToLower(r.Host), q) ||
			strings.Contains(strings.ToLower(names.names[names.of(tr)]), q)
	})
	tb.do(chromedp.SendKeys(chromedp.CSS(`#f-search`), query))
	waitBars(t, tb, want, "search "+query)
	rows := eval[int](tb, `document.querySelectorAll('#tasks tbody tr:not([hidden])').length`)
	if rows == 0 || rows > len(s.Tasks) {
		t.Errorf("search %q: %d task rows shown of %d", query, rows, len(s.Tasks))
	}
	tb.do(chromedp.Click(chromedp.CSS(`#filters button[type=reset]`)))
	waitBars(t, tb, resultCount(s, nil), "cleared")
}

// waitBars waits until the timeline holds n bars.
func waitBars(t *testing.T, tb *tab, n int, what string) {
	t.Helper()
	expr := fmt.Sprintf(`document.getElementById('timeline').dataset.bars === '%d'`, n)
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(pollEvery), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		got := eval[string](tb, `document.getElementById('timeline').dataset.bars`)
		t.Errorf("%s: the timeline holds %s bars, want %d", what, got, n)
	}
}

// resultCount counts the run's host results that keep says to, or all.
func resultCount(s *event.Summary, keep func(event.HostResult, *event.TaskRun) bool) int {
	n := 0
	for _, t := range s.Tasks {
		for _, r := range t.Results {
			if keep == nil || keep(r, t) {
				n++
			}
		}
	}
	return n
}
