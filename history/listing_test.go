package history

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// listingRuns are the runs of the listing's golden files, oldest first,
// with fixed ids.
func listingRuns() []*Run {
	web := map[string]HostCounts{"web1": {OK: 5, Changed: 2}, "web2": {OK: 5}, "web3": {OK: 2, Failures: 1}, "web4": {Unreachable: 1}}
	db := map[string]HostCounts{"db1": {OK: 7}, "db2": {OK: 7}}
	runs := []*Run{
		sampleRun(at(0), "/home/deploy/infra/site.yml", "failed", map[string]string{"env": "prod", "ticket": "OPS-1"}, web),
		sampleRun(at(75), "/home/deploy/infra/db.yml", "ok", nil, db),
		sampleRun(at(190), "/home/deploy/infra/site.yml", "changed", map[string]string{"env": "stage"}, web),
		sampleRun(at(300), "/home/deploy/infra/site.yml", "interrupted", map[string]string{"note": "evil\x1b[2Jlabel"}, db),
	}
	runs[1].Playbooks = append(runs[1].Playbooks, "/home/deploy/infra/db-check.yml")
	runs[1].Duration = 850 * time.Millisecond
	runs[1].End = runs[1].Start.Add(runs[1].Duration)
	runs[2].Duration = 74*time.Minute + 5*time.Second
	runs[3].Git, runs[3].CI, runs[3].Check = Git{}, CI{}, false
	runs[3].FailedTasks = nil
	for i, r := range runs {
		r.ID = "06bm00000" + string(idAlphabet[i+10]) + "x" + string(idAlphabet[i])
		r.HostStates = StatesOf(r.Hosts)
		r.StreamBytes, r.RawBytes = int64(1000*(i+1)), int64(20000*(i+1))
	}
	return runs
}

// TestListingGolden lists the same runs from each store, as a table and as
// JSON lines, and compares both with the golden files: the stores keep
// every field the listing shows.
func TestListingGolden(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		x := indexOf(s)
		tx, err := x.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range listingRuns() {
			if _, err := x.insertRun(ctx, tx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		runs, err := s.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var table, jsonl bytes.Buffer
		if err := WriteTable(&table, runs); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "list.table.golden"), table.Bytes())
		if err := WriteJSONL(&jsonl, runs); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "list.jsonl.golden"), jsonl.Bytes())

		// Get's whole records, with hosts and failed tasks, as JSON lines.
		var whole []Run
		for _, r := range runs {
			got, err := s.Get(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			whole = append(whole, *got)
		}
		jsonl.Reset()
		if err := WriteJSONL(&jsonl, whole); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "get.jsonl.golden"), jsonl.Bytes())
	})
}

// TestJSONLRoundTrip reads the listing's lines back into runs: a script
// sees every field.
func TestJSONLRoundTrip(t *testing.T) {
	var want []Run
	for _, r := range listingRuns() {
		want = append(want, *r)
	}
	var b bytes.Buffer
	if err := WriteJSONL(&b, want); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&b)
	for i := range want {
		var line struct {
			SchemaVersion   int     `json:"schema_version"`
			DurationSeconds float64 `json:"duration_seconds"`
			Run
		}
		if err := dec.Decode(&line); err != nil {
			t.Fatal(err)
		}
		line.Run.Duration = time.Duration(line.DurationSeconds * float64(time.Second))
		if line.SchemaVersion != JSONLSchemaVersion {
			t.Errorf("schema_version %d", line.SchemaVersion)
		}
		got, _ := json.Marshal(line.Run)
		exp, _ := json.Marshal(want[i])
		if !bytes.Equal(got, exp) || line.Run.Duration != want[i].Duration {
			t.Errorf("line %d reads back as\n%s\nwant\n%s", i, got, exp)
		}
	}
}
