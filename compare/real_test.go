package compare_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/render"
	"github.com/ansible-tap/ansible-tap/report"
)

// expected is what the comparison of the scenario's two last runs
// reports, in words every format can be checked against: each finding as
// "kind task/host", and the hosts and tasks added and removed.
var expected = []string{
	"new_failure Check nothing is broken/web1",
	"fixed Check the service is ready/web2",
	"still_failing Check the service is ready/web4",
	"not_idempotent Write the configuration/web1",
	"not_idempotent Write the configuration/web2",
	"not_idempotent Write the configuration/web4",
	"slower Wait for the cache",
	"host_removed web3",
	"task_added Say hello",
	"task_removed Tidy the old release",
}

// TestRealRuns runs the scenario's two last phases with the real
// ansible-playbook (the second fails a task that passed, fixes one that
// failed, changes a file that was unchanged, drops a host and slows a
// task, on an edited playbook), records both runs into each store, and
// checks that `diff` reports exactly that, in every format.
func TestRealRuns(t *testing.T) {
	compare.NeedAnsible(t)
	streams := compare.RunScenario(t, t.TempDir(), "base", "run")
	forEachStore(t, func(t *testing.T, s history.Store) {
		base := comparetest.Record(t, s, streams["base"], time.Time{})
		run := comparetest.Record(t, s, streams["run"], time.Time{})
		c, err := history.Diff(context.Background(), s, "", run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Base.ID != base.ID {
			t.Fatalf("compared with %s, want %s", c.Base.ID, base.ID)
		}
		if since := c.StillFailing[0].Since; since == nil || since.ID != base.ID || since.Runs != 2 {
			t.Errorf("web4 fails since %+v, want since %s, 2 runs", since, base.ID)
		}
		checkFormats(t, c)
	})
}

// TestFormatsOfRecordings checks every format of the comparison of the
// scenario's recorded runs, as TestRealRuns checks a fresh one's.
func TestFormatsOfRecordings(t *testing.T) {
	checkFormats(t, comparetest.Scenario(t, ".."))
}

// checkFormats checks that the comparison, and every format it is written
// in, reports exactly the scenario's findings.
func checkFormats(t *testing.T, c *compare.Comparison) {
	t.Helper()
	if c.ExitCode() != 1 {
		t.Errorf("--exit-code would exit %d, want 1", c.ExitCode())
	}
	want := expectedOf(t, c)
	for format, got := range map[string][]string{
		"the comparison": comparisonWords(c),
		"jsonl":          jsonlWords(t, c),
		"text":           textWords(t, c),
		"markdown":       markdownWords(c),
		"html":           htmlWords(t, c),
	} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", format, diff)
		}
	}
}

// expectedOf is expected and any other task that the machine's load made
// slower (the rule holds for it: the comparison reports what the runs
// measured); only "Wait for the cache" is slowed on purpose.
func expectedOf(t *testing.T, c *compare.Comparison) []string {
	want := slices.Clone(expected)
	for _, s := range c.Slower {
		if s.Task.Name != "Wait for the cache" {
			t.Logf("also slower, by the machine's load: %s (%v → %v)", s.Task.Name, s.Before, s.After)
			want = append(want, "slower "+s.Task.Name)
		}
	}
	slices.Sort(want)
	return want
}

func comparisonWords(c *compare.Comparison) []string {
	var out []string
	for _, l := range []struct {
		kind string
		fs   []compare.Finding
	}{{"new_failure", c.NewFailures}, {"fixed", c.Fixed}, {"still_failing", c.StillFailing}, {"not_idempotent", c.NotIdempotent}} {
		for _, f := range l.fs {
			out = append(out, l.kind+" "+f.Task.Name+"/"+f.Host)
		}
	}
	for _, s := range c.Slower {
		out = append(out, "slower "+s.Task.Name)
	}
	for _, h := range c.HostsAdded {
		out = append(out, "host_added "+h)
	}
	for _, h := range c.HostsRemoved {
		out = append(out, "host_removed "+h)
	}
	for _, task := range c.TasksAdded {
		out = append(out, "task_added "+task.Name)
	}
	for _, task := range c.TasksRemoved {
		out = append(out, "task_removed "+task.Name)
	}
	slices.Sort(out)
	return out
}

// jsonlWords reads the JSON lines back.
func jsonlWords(t *testing.T, c *compare.Comparison) []string {
	var b bytes.Buffer
	if err := render.WriteComparisonJSONL(&b, c); err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		var r struct{ Type, Task, Host string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		switch r.Type {
		case "recap", "summary":
		case "slower", "task_added", "task_removed":
			out = append(out, r.Type+" "+r.Task)
		case "host_added", "host_removed":
			out = append(out, r.Type+" "+r.Host)
		default:
			out = append(out, r.Type+" "+r.Task+"/"+r.Host)
		}
	}
	slices.Sort(out)
	return out
}

// textTitles are the titles of the text's lists, by kind.
var textTitles = map[string]string{
	"New failures": "new_failure", "Fixed": "fixed", "Still failing": "still_failing", "Changed, ok before": "not_idempotent",
	"Slower tasks": "slower", "Tasks added": "task_added", "Tasks removed": "task_removed",
}

var (
	textTitle = regexp.MustCompile(`^([A-Z][a-z, ]+) \(\d+\):(.*)$`)
	textTask  = regexp.MustCompile(`^(.*?) \(/[^)]*\)`)
)

// textWords reads the text as a person would: a list's title, then its
// lines, each with its hosts and its task.
func textWords(t *testing.T, c *compare.Comparison) []string {
	var b bytes.Buffer
	if err := render.WriteComparison(&b, c, render.ComparisonOptions{Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var out []string
	kind := ""
	for _, line := range strings.Split(b.String(), "\n") {
		if m := textTitle.FindStringSubmatch(line); m != nil {
			kind = textTitles[m[1]]
			for _, h := range strings.Split(strings.TrimSpace(m[2]), ", ") {
				switch m[1] {
				case "Hosts added":
					out = append(out, "host_added "+h)
				case "Hosts removed":
					out = append(out, "host_removed "+h)
				}
			}
			continue
		}
		if kind == "" || !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "      ") {
			if !strings.HasPrefix(line, "  ") {
				kind = ""
			}
			continue
		}
		line = strings.TrimSpace(line)
		switch kind {
		case "slower": // "0.2s → 2.5s (12.4x)  Task (path)"
			_, rest, _ := strings.Cut(line, "  ")
			out = append(out, kind+" "+textTask.FindStringSubmatch(rest)[1])
		case "task_added", "task_removed":
			out = append(out, kind+" "+textTask.FindStringSubmatch(line)[1])
		default: // "web1, web2  Task (path)  detail"
			hosts, rest, _ := strings.Cut(line, "  ")
			for _, h := range strings.Split(hosts, ", ") {
				out = append(out, kind+" "+textTask.FindStringSubmatch(rest)[1]+"/"+h)
			}
		}
	}
	slices.Sort(out)
	return out
}

// markdownWords reads the Markdown's tables: each section's title, then
// its rows' task (before the line break) and hosts.
func markdownWords(c *compare.Comparison) []string {
	md := string(report.RenderComparisonMarkdown(c, report.ComparisonOptions{Now: time.Now()}))
	titles := map[string]string{
		"❌ New failures": "new_failure", "✅ Fixed": "fixed", "Still failing": "still_failing",
		"⚠️ Changed, ok before": "not_idempotent", "Slower tasks": "slower", "Tasks added": "task_added", "Tasks removed": "task_removed",
	}
	var out []string
	kind := ""
	for _, line := range strings.Split(md, "\n") {
		if title, ok := strings.CutPrefix(line, "### "); ok {
			title, _, _ = strings.Cut(title, " (")
			kind = titles[title]
			continue
		}
		if removed, ok := strings.CutPrefix(line, "- **Removed ("); ok {
			_, hosts, _ := strings.Cut(removed, ":** ")
			for _, h := range strings.Split(hosts, ", ") {
				out = append(out, "host_removed "+h)
			}
		}
		if kind == "" || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Task |") {
			continue
		}
		cells := strings.Split(line, " | ")
		task, _, _ := strings.Cut(strings.TrimPrefix(cells[0], "| "), "<br>")
		switch kind {
		case "slower", "task_added", "task_removed":
			out = append(out, kind+" "+task)
		default:
			for _, h := range strings.Split(cells[1], ", ") {
				out = append(out, kind+" "+task+"/"+strings.TrimSuffix(h, " |"))
			}
		}
	}
	slices.Sort(out)
	return out
}

var (
	htmlSection = regexp.MustCompile(`(?s)<section id="([a-z-]+)"[^>]*>(.*?)</section>`)
	htmlFinding = regexp.MustCompile(`(?s)<article class="finding".*?<h3>(.*?)</h3>.*?<span class="hosts" data-hosts>(.*?)</span>`)
	htmlRowTask = regexp.MustCompile(`(?s)<tr data-f>(?:<td><span class="tag [^"]*">(added|removed)</span></td>)?<th scope="row">(.*?)(?:<br>|</th>)`)
	htmlHost    = regexp.MustCompile(`<li data-f data-host="[^"]*"><span class="tag [^"]*">(added|removed)</span> <code>(.*?)</code>`)
)

// htmlWords reads the HTML page's sections: the findings' tasks and
// hosts, the slower tasks' rows, the hosts and tasks added and removed.
func htmlWords(t *testing.T, c *compare.Comparison) []string {
	page, err := report.RenderComparisonHTML(c, report.ComparisonOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{"new-failures": "new_failure", "fixed": "fixed", "still-failing": "still_failing", "changed": "not_idempotent"}
	var out []string
	for _, s := range htmlSection.FindAllStringSubmatch(string(page), -1) {
		id, body := s[1], s[2]
		switch {
		case kinds[id] != "":
			for _, f := range htmlFinding.FindAllStringSubmatch(body, -1) {
				for _, h := range strings.Split(f[2], ", ") {
					out = append(out, kinds[id]+" "+html.UnescapeString(f[1])+"/"+h)
				}
			}
		case id == "slower" || id == "tasks":
			for _, r := range htmlRowTask.FindAllStringSubmatch(body, -1) {
				kind := "slower"
				if r[1] != "" {
					kind = "task_" + r[1]
				}
				out = append(out, kind+" "+html.UnescapeString(r[2]))
			}
		case id == "hosts":
			for _, h := range htmlHost.FindAllStringSubmatch(body, -1) {
				out = append(out, fmt.Sprintf("host_%s %s", h[1], h[2]))
			}
		}
	}
	slices.Sort(out)
	return out
}
