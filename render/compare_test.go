package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

func init() {
	time.Local = time.UTC // the text shows local times; golden files are in UTC
}

// comparisonNow is the time the golden files tell the baseline's age from.
func comparisonNow(c *compare.Comparison) time.Time {
	return c.Base.Start.Add(2*time.Hour + 5*time.Minute)
}

// TestComparisonGolden writes the comparison of the scenario's recorded
// runs (compare/testdata) as text, with and without colour, and as JSON
// lines, and its headline alone (the line a live run's tail ends with),
// and compares each with testdata/compare.*.golden.
func TestComparisonGolden(t *testing.T) {
	c := comparetest.Scenario(t, "..")
	same := compare.Compare(mustTable(t, "base"), mustTable(t, "base"))
	for _, tc := range []struct {
		name  string
		c     *compare.Comparison
		write func(*bytes.Buffer, *compare.Comparison) error
	}{
		{"compare.text", c, func(b *bytes.Buffer, c *compare.Comparison) error {
			return WriteComparison(b, c, ComparisonOptions{Now: comparisonNow(c)})
		}},
		{"compare.color", c, func(b *bytes.Buffer, c *compare.Comparison) error {
			return WriteComparison(b, c, ComparisonOptions{Now: comparisonNow(c), Color: true})
		}},
		{"compare.jsonl", c, func(b *bytes.Buffer, c *compare.Comparison) error { return WriteComparisonJSONL(b, c) }},
		{"compare.line", c, func(b *bytes.Buffer, c *compare.Comparison) error {
			writeHeadline(b, c, comparisonNow(c), newPalette(false))
			writeHeadline(b, c, comparisonNow(c), newPalette(true))
			return nil
		}},
		{"compare-same.text", same, func(b *bytes.Buffer, c *compare.Comparison) error {
			return WriteComparison(b, c, ComparisonOptions{Now: comparisonNow(c)})
		}},
		{"compare-same.jsonl", same, func(b *bytes.Buffer, c *compare.Comparison) error { return WriteComparisonJSONL(b, c) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, tc.c); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), b.Bytes())
		})
	}
}

func mustTable(t *testing.T, name string) *compare.Table {
	t.Helper()
	table, err := compare.ReadTable(bytes.NewReader(comparetest.Recording(t, "..", name)))
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// TestComparisonJSONLSchema reads the comparison's JSON lines back: each
// is an object with schema_version 1 and a known type, findings come as
// many as the comparison has, each with its fields, and the summary comes
// last with the counts.
func TestComparisonJSONLSchema(t *testing.T) {
	c := comparetest.Scenario(t, "..")
	var b bytes.Buffer
	if err := WriteComparisonJSONL(&b, c); err != nil {
		t.Fatal(err)
	}
	// The fields each type must have (beside schema_version and type).
	required := map[string][]string{
		"new_failure":    {"task", "task_path", "play", "host", "before", "after", "message"},
		"fixed":          {"task", "task_path", "play", "host", "before", "after", "message"},
		"still_failing":  {"task", "task_path", "play", "host", "before", "after", "message", "since"},
		"not_idempotent": {"task", "task_path", "play", "host", "before", "after"},
		"slower":         {"task", "task_path", "play", "before_seconds", "after_seconds", "ratio"},
		"host_added":     {"host"},
		"host_removed":   {"host"},
		"task_added":     {"task", "task_path", "play"},
		"task_removed":   {"task", "task_path", "play"},
		"recap":          {"host", "before", "after"},
		"summary":        {"baseline", "run", "counts", "regressions", "exit_code", "matched_tasks", "moved_tasks", "totals"},
	}
	types := map[string]int{}
	var last map[string]any
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		if rec["schema_version"] != float64(ComparisonSchemaVersion) {
			t.Errorf("schema_version %v: %s", rec["schema_version"], sc.Text())
		}
		typ, _ := rec["type"].(string)
		fields, ok := required[typ]
		if !ok {
			t.Fatalf("unknown type %q: %s", typ, sc.Text())
		}
		for _, f := range fields {
			if _, ok := rec[f]; !ok {
				t.Errorf("a %s record has no %s: %s", typ, f, sc.Text())
			}
		}
		types[typ]++
		last = rec
	}
	n := c.Counts()
	want := map[string]int{
		"new_failure": n.NewFailures, "fixed": n.Fixed, "still_failing": n.StillFailing, "not_idempotent": n.NotIdempotent,
		"slower": n.Slower, "host_added": n.HostsAdded, "host_removed": n.HostsRemoved,
		"task_added": n.TasksAdded, "task_removed": n.TasksRemoved, "recap": len(c.Recap), "summary": 1,
	}
	for typ, count := range want {
		if types[typ] != count {
			t.Errorf("%d %s records, the comparison has %d", types[typ], typ, count)
		}
	}
	if last["type"] != "summary" {
		t.Fatalf("the last record is a %v", last["type"])
	}
	counts := last["counts"].(map[string]any)
	if counts["new_failures"] != float64(n.NewFailures) || counts["not_idempotent"] != float64(n.NotIdempotent) ||
		last["regressions"] != float64(c.Regressions()) || last["exit_code"] != float64(c.ExitCode()) {
		t.Errorf("the summary says %v, regressions %v, exit code %v; the comparison %+v, %d, %d",
			counts, last["regressions"], last["exit_code"], n, c.Regressions(), c.ExitCode())
	}
}
