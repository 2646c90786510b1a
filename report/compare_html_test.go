package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// TestComparisonHTMLGolden compares what the comparison's page shows of
// the scenario's recorded runs with testdata/html/compare*.json.
func TestComparisonHTMLGolden(t *testing.T) {
	for name, c := range map[string]*compare.Comparison{
		"compare":      comparetest.Scenario(t, ".."),
		"compare-same": sameRun(t),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(buildComparisonPage(c, comparisonOptions(t, c)), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "html", name+".json"), append(got, '\n'))
		})
	}
}

// TestComparisonHTMLInBrowser opens the comparison of the scenario's runs
// in Chromium: the page logs no error and requests nothing; it shows the
// counts, every finding with its hosts, the slower task's bars and the
// recaps; its filters narrow the lists and its tables sort; and it reads
// in the dark colour scheme too.
func TestComparisonHTMLInBrowser(t *testing.T) {
	c := comparetest.Scenario(t, "..")
	path := filepath.Join(t.TempDir(), "compare.html")
	data, err := RenderComparisonHTML(c, comparisonOptions(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tb := browserTab(t)
	tb.do(chromedp.EmulateViewport(1280, 1400))
	tb.open(path)
	checkComparisonPage(t, tb, c)
	tb.screenshot("compare")

	// The host filter: web4 has a still failing result and a change.
	setFilter(t, tb, "#f-host", "web4", "|web4")
	for id, want := range map[string]string{
		"new-failures": "0 of 1", "fixed": "0 of 1", "still-failing": "1", "changed": "1 of 3", "recap": "1 of 4",
	} {
		if got := eval[string](tb, fmt.Sprintf(`document.querySelector('#%s .count').textContent`, id)); got != want {
			t.Errorf("host web4: #%s counts %q, want %q", id, got, want)
		}
	}
	all := eval[int](tb, `document.querySelectorAll('[data-f]').length`)
	tb.do(chromedp.Click(chromedp.CSS(`#filters button[type=reset]`)))
	waitFilter(t, tb, "|", all)
	setFilter(t, tb, "#f-search", "broken", "broken|")
	shown := eval[[]string](tb, `Array.from(document.querySelectorAll('article.finding:not([hidden]) h3'), (h) => h.textContent)`)
	if strings.Join(shown, "|") != "Check nothing is broken" {
		t.Errorf("searching for broken shows %q", shown)
	}
	tb.do(chromedp.Click(chromedp.CSS(`#filters button[type=reset]`)))
	waitFilter(t, tb, "|", all)

	// Sort the recap by the failed column, most first: web1 and web4.
	tb.do(chromedp.Click(chromedp.CSS(`#recap thead th:nth-child(5) button`)))
	order := eval[[]string](tb, `Array.from(document.querySelectorAll('#recap tbody th'), (th) => th.textContent)`)
	if len(order) != 4 || !strings.HasPrefix(order[0], "web") || (order[0] != "web1" && order[0] != "web4") || order[3] != "web3 (removed)" && order[3] != "web2" {
		t.Errorf("the recap sorted by failures reads %q", order)
	}
	if sorted := eval[string](tb, `document.querySelector('#recap thead th:nth-child(5)').getAttribute('aria-sort')`); sorted != "descending" {
		t.Errorf("the failed column is sorted %q, want descending", sorted)
	}
	tb.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	}))
	if bg := eval[string](tb, `getComputedStyle(document.documentElement).backgroundColor`); bg == "rgb(255, 255, 255)" {
		t.Errorf("the dark colour scheme keeps a white background")
	}
	tb.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	tb.screenshot("compare-dark")
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("the page had problems:\n%s", strings.Join(p, "\n"))
	}
}

// TestComparisonHTMLSameRun reads the page of a run compared with itself:
// every list says it is empty.
func TestComparisonHTMLSameRun(t *testing.T) {
	c := sameRun(t)
	path := filepath.Join(t.TempDir(), "same.html")
	data, err := RenderComparisonHTML(c, comparisonOptions(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	tb := browserTab(t)
	tb.open(path)
	checkComparisonPage(t, tb, c)
	empty := eval[int](tb, `document.querySelectorAll('main p.empty').length`)
	if empty != 6 { // all but still failing and the recap
		t.Errorf("%d sections say they are empty, want 6", empty)
	}
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("the page had problems:\n%s", strings.Join(p, "\n"))
	}
}

// checkComparisonPage compares what the page shows with the comparison.
func checkComparisonPage(t *testing.T, tb *tab, c *compare.Comparison) {
	t.Helper()
	n := c.Counts()
	for id, want := range map[string]any{
		"tally": c.Tally(), "count-new": n.NewFailures, "count-fixed": n.Fixed, "count-failing": n.StillFailing,
		"count-changed": n.NotIdempotent, "count-slower": n.Slower, "count-hosts-added": n.HostsAdded,
		"count-hosts-removed": n.HostsRemoved, "count-tasks-added": n.TasksAdded, "count-tasks-removed": n.TasksRemoved,
	} {
		if got := eval[string](tb, fmt.Sprintf("document.getElementById(%q).textContent", id)); got != fmt.Sprint(want) {
			t.Errorf("#%s shows %q, the comparison's is %v", id, got, want)
		}
	}
	for _, s := range []struct {
		id       string
		findings []compare.Finding
	}{{"new-failures", c.NewFailures}, {"fixed", c.Fixed}, {"still-failing", c.StillFailing}, {"changed", c.NotIdempotent}} {
		// Each finding's task and host, as the page lists them.
		got := eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll('#%s article.finding')).flatMap(
			(a) => a.querySelector('[data-hosts]').textContent.split(', ').map((h) => a.querySelector('h3').textContent + '/' + h))`, s.id))
		var want []string
		for _, f := range s.findings {
			want = append(want, f.Task.Name+"/"+f.Host)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("#%s lists %q, the comparison %q", s.id, got, want)
		}
	}
	for _, f := range c.StillFailing {
		if f.Since == nil {
			continue
		}
		if text := eval[string](tb, `document.querySelector('#still-failing .since').textContent`); !strings.Contains(text, "since run "+f.Since.ID) {
			t.Errorf("the still failing result says %q, not since %s", text, f.Since.ID)
		}
	}
	bars := eval[[]float64](tb, `Array.from(document.querySelectorAll('#slower .bar'), (b) => b.getBoundingClientRect().width)`)
	if len(bars) != 2*len(c.Slower) {
		t.Errorf("%d duration bars for %d slower tasks", len(bars), len(c.Slower))
	}
	for i := 0; i+1 < len(bars); i += 2 {
		if bars[i] <= 0 || bars[i+1] <= bars[i] {
			t.Errorf("the bars of slower task %d are %.0f and %.0f px wide: the after bar must be the longer", i/2, bars[i], bars[i+1])
		}
	}
	recap := eval[[][]string](tb, `Array.from(document.querySelectorAll('#recap tbody tr'), (tr) => Array.from(tr.cells, (c) => c.textContent))`)
	if len(recap) != len(c.Recap) {
		t.Fatalf("the recap has %d rows, the comparison %d", len(recap), len(c.Recap))
	}
	for i, r := range c.Recap {
		if !strings.HasPrefix(recap[i][0], r.Host) || recap[i][1] != recapChange(r.Before, r.After, event.StatusOK) || recap[i][4] != recapChange(r.Before, r.After, event.StatusFailed) {
			t.Errorf("recap row %q for %s", recap[i], r.Host)
		}
	}
}

// setFilter types text into a filter field and waits until the page has
// applied the filter it makes, applied ("query|host").
func setFilter(t *testing.T, tb *tab, field, text, applied string) {
	t.Helper()
	tb.do(chromedp.SendKeys(chromedp.CSS(field), text))
	waitFilter(t, tb, applied, -1)
}

// waitFilter waits until the page has applied the filter ("query|host")
// and, unless n is negative, shows n entries.
func waitFilter(t *testing.T, tb *tab, applied string, n int) {
	t.Helper()
	expr := fmt.Sprintf(`document.documentElement.dataset.filter === %q`, applied)
	if n >= 0 {
		expr += fmt.Sprintf(` && document.documentElement.dataset.shown === '%d'`, n)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(pollEvery), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the page applied the filter %q and shows %s entries; want %q and %d", eval[string](tb, `document.documentElement.dataset.filter`),
			eval[string](tb, `document.documentElement.dataset.shown`), applied, n)
	}
}
