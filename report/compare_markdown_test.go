package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// scenarioDir is the directory the scenario's runs were recorded in, from
// compare/testdata/run.cmd: the base of the relative paths.
func scenarioDir(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "compare", "testdata", "run.cmd"))
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(string(data), "cd ")
	dir, _, found := strings.Cut(rest, " && ")
	if !ok || !found {
		t.Fatalf("run.cmd does not start with 'cd DIR && ': %q", data)
	}
	return dir
}

// comparisonOptions are the options of the golden comparisons.
func comparisonOptions(t *testing.T, c *compare.Comparison) ComparisonOptions {
	return ComparisonOptions{BaseDir: scenarioDir(t), Now: c.Base.Start.Add(2*time.Hour + 5*time.Minute), Version: "test"}
}

// sameRun is the scenario's baseline compared with itself.
func sameRun(t *testing.T) *compare.Comparison {
	t.Helper()
	table, err := compare.ReadTable(bytes.NewReader(comparetest.Recording(t, "..", "base")))
	if err != nil {
		t.Fatal(err)
	}
	return compare.Compare(table, table)
}

// TestComparisonMarkdownGolden writes the comparisons of the scenario's
// recorded runs as Markdown and compares them with testdata/compare*.md.
func TestComparisonMarkdownGolden(t *testing.T) {
	for name, c := range map[string]*compare.Comparison{
		"compare.md":      comparetest.Scenario(t, ".."),
		"compare-same.md": sameRun(t),
	} {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", name), RenderComparisonMarkdown(c, comparisonOptions(t, c)))
		})
	}
}

// TestComparisonMarkdownRendered renders the comparison as GitHub does
// (cmark-gfm) and reads it as a reader would: the counts, each finding's
// task and hosts in the table of its kind, the recaps.
func TestComparisonMarkdownRendered(t *testing.T) {
	c := comparetest.Scenario(t, "..")
	page := renderGFM(t, RenderComparisonMarkdown(c, comparisonOptions(t, c)))
	heading, _, _ := strings.Cut(htmlText(page), "\n")
	if !strings.HasSuffix(heading, ": "+c.Tally()) || !strings.HasPrefix(heading, "❌") {
		t.Errorf("the heading %q does not end with %q after ❌", heading, c.Tally())
	}
	if !strings.Contains(htmlText(page), "Compared with run base (2h ago).") {
		t.Error("the page does not name the baseline")
	}
	tables := htmlTables(page)
	if len(tables) < 3 {
		t.Fatalf("%d tables", len(tables))
	}
	runs, counts := tables[0], tables[1]
	if runs[1][1] != "base" || runs[2][1] != "run" || runs[1][2] != string(c.Base.Outcome) || runs[2][5] != fmt.Sprint(c.Run.Hosts) {
		t.Errorf("the runs' table %q", runs)
	}
	n := c.Counts()
	want := []string{fmt.Sprint(n.NewFailures), fmt.Sprint(n.Fixed), fmt.Sprint(n.StillFailing), fmt.Sprint(n.NotIdempotent),
		fmt.Sprint(n.Slower), fmt.Sprint(n.HostsAdded), fmt.Sprint(n.HostsRemoved), fmt.Sprint(n.TasksAdded), fmt.Sprint(n.TasksRemoved)}
	if strings.Join(counts[1], "|") != strings.Join(want, "|") {
		t.Errorf("the counts %q, want %q", counts[1], want)
	}
	// The tables of findings, in order, each a row per group.
	rest := tables[2:]
	for _, kind := range []struct {
		name     string
		findings []compare.Finding
	}{{"new failures", c.NewFailures}, {"fixed", c.Fixed}, {"still failing", c.StillFailing}, {"changed", c.NotIdempotent}} {
		groups := compare.GroupFindings(kind.findings)
		if len(groups) == 0 {
			continue
		}
		table := rest[0]
		rest = rest[1:]
		if len(table) != len(groups)+1 {
			t.Errorf("%s: %d rows for %d groups", kind.name, len(table)-1, len(groups))
			continue
		}
		for i, g := range groups {
			row := table[i+1]
			task, path, _ := strings.Cut(row[0], "\n")
			if task != g.Task.Name || !strings.HasPrefix(path, "site.yml:") || row[1] != strings.Join(g.Hosts, ", ") {
				t.Errorf("%s: row %q, want task %q on %v", kind.name, row, g.Task.Name, g.Hosts)
			}
		}
	}
	if len(rest) == 0 {
		t.Fatal("no recap")
	}
	recap := rest[len(rest)-1]
	if len(recap) != len(c.Recap)+2 { // the heading, a row a host, the total
		t.Fatalf("the recap has %d rows for %d hosts", len(recap), len(c.Recap))
	}
	for i, r := range c.Recap {
		row := recap[i+1]
		if row[0] != r.Host || row[1] != recapChange(r.Before, r.After, event.StatusOK) || row[4] != recapChange(r.Before, r.After, event.StatusFailed) {
			t.Errorf("recap row %q for %s", row, r.Host)
		}
	}
	if recap[3][1] != "6 → –" {
		t.Errorf("web3, gone, shows %q", recap[3][1])
	}
}

// TestComparisonMarkdownEscapes keeps text from the runs literal.
func TestComparisonMarkdownEscapes(t *testing.T) {
	c := comparetest.Scenario(t, "..")
	c.NewFailures[0].Task.Name = "a | pipe *star* <b>tag</b> `tick`"
	c.NewFailures[0].Host = "web_1"
	c.NewFailures[0].Message = "line one\nline | two"
	page := renderGFM(t, RenderComparisonMarkdown(c, comparisonOptions(t, c)))
	row := htmlTables(page)[2][1]
	task, _, _ := strings.Cut(row[0], "\n")
	if task != c.NewFailures[0].Task.Name || row[1] != "web_1" || row[3] != "line one\nline | two" {
		t.Errorf("row %q", row)
	}
	if strings.Contains(page, "<b>tag</b>") {
		t.Error("a tag from the run reached the page")
	}
}
