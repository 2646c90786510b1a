package history

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPrune(t *testing.T) {
	now := time.Now().UTC()
	for _, tc := range []struct {
		name string
		keep Retention
		// want are the runs kept, newest first, of six runs that started
		// 50, 40, ... 0 days ago, whose streams take 100, 200, ... 600
		// bytes (run 0 is the oldest).
		want []int
	}{
		{"keep 4", Retention{Keep: 4}, []int{5, 4, 3, 2}},
		{"keep more than there are", Retention{Keep: 10}, []int{5, 4, 3, 2, 1, 0}},
		{"older than 25 days", Retention{OlderThan: 25 * 24 * time.Hour}, []int{5, 4, 3}},
		{"at most 1,600 bytes", Retention{MaxBytes: 1600}, []int{5, 4, 3}},
		{"the strictest of all three", Retention{Keep: 4, OlderThan: 15 * 24 * time.Hour, MaxBytes: 1500}, []int{5, 4}},
		{"nothing set", Retention{}, []int{5, 4, 3, 2, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, spec string) {
				ctx := context.Background()
				s := openStore(t, spec, Options{})
				ids := make([]string, 6)
				for i := range ids {
					run := record(t, s, sampleRun(now.Add(time.Duration(i-5)*10*24*time.Hour), "/p.yml", "ok", nil, nil), []byte("x\n"))
					ids[i] = run.ID
					setStreamBytes(t, s, run.ID, int64(100*(i+1)))
				}
				pruned, err := s.Prune(ctx, tc.keep)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				var wantBytes int64
				kept := make(map[int]bool)
				for _, i := range tc.want {
					want = append(want, ids[i])
					kept[i] = true
				}
				for i := range ids {
					if !kept[i] {
						wantBytes += int64(100 * (i + 1))
					}
				}
				if pruned.Runs != len(ids)-len(want) || pruned.Bytes != wantBytes {
					t.Errorf("Prune = %+v, want %d runs and %d bytes", pruned, len(ids)-len(want), wantBytes)
				}
				runs, err := s.List(ctx, Filter{})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range runs {
					got = append(got, r.ID)
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("runs kept (-want +got):\n%s", diff)
				}
				assertStreams(t, s, ids, kept)
			})
		})
	}
}

// setStreamBytes sets the size a run's stream counts for in the index.
func setStreamBytes(t *testing.T, s Store, id string, n int64) {
	t.Helper()
	x := indexOf(s)
	if _, err := x.db.Exec(x.rebind("UPDATE runs SET stream_bytes = ? WHERE id = ?"), n, id); err != nil {
		t.Fatal(err)
	}
}

// assertStreams checks that the streams of the kept runs are there, and
// that nothing of the others is: no file, no chunk, no row in any table.
func assertStreams(t *testing.T, s Store, ids []string, kept map[int]bool) {
	t.Helper()
	x := indexOf(s)
	tables := []string{"run_playbooks", "run_labels", "run_hosts", "run_failed_tasks"}
	if x.postgres {
		tables = append(tables, "run_stream_chunks")
	}
	for i, id := range ids {
		for _, table := range tables {
			var n int
			if err := x.db.QueryRow(x.rebind("SELECT count(*) FROM "+table+" WHERE run_id = ?"), id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if !kept[i] && n > 0 {
				t.Errorf("%s keeps %d rows of pruned run %s", table, n, id)
			}
		}
		if ss, ok := s.(*sqliteStore); ok {
			_, err := os.Stat(ss.streamPath(id))
			if kept[i] && err != nil {
				t.Errorf("kept run %s: %v", id, err)
			}
			if !kept[i] && err == nil {
				t.Errorf("pruned run %s: its stream is still there", id)
			}
		}
	}
}

// TestRetentionAfterCommit commits more runs than the store keeps: each
// commit prunes the oldest.
func TestRetentionAfterCommit(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{Retention: Retention{Keep: 3}})
		var ids []string
		for i := range 5 {
			ids = append(ids, record(t, s, sampleRun(at(i), "/p.yml", "ok", nil, nil), []byte("x\n")).ID)
		}
		runs, err := s.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if diff := cmp.Diff([]string{ids[4], ids[3], ids[2]}, got); diff != "" {
			t.Errorf("runs kept (-want +got):\n%s", diff)
		}
		assertStreams(t, s, ids, map[int]bool{2: true, 3: true, 4: true})
	})
}

// TestPruneRemovesOrphans removes what a recording that died left in the
// store's directory: a stream moved into place by a commit that never
// ended, and an old temporary file; a live recording's file stays.
func TestPruneRemovesOrphans(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, filepath.Join(t.TempDir(), "h"), Options{}).(*sqliteStore)
	kept := record(t, s, sampleRun(at(0), "/p.yml", "ok", nil, nil), []byte("x\n"))
	live, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	orphan := s.streamPath(newID(time.Now()))
	stale := filepath.Join(s.runsDir, ".0000000000ab.tmp-1")
	for _, p := range []string{orphan, stale} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleTemp - time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(ctx, Retention{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	filepath.WalkDir(s.runsDir, func(path string, d fs.DirEntry, err error) error {
		if path != s.runsDir {
			names = append(names, d.Name())
		}
		return nil
	})
	want := []string{filepath.Base(live.(*recording).file.Name()), kept.ID + ".jsonl.zst"}
	if diff := cmp.Diff(want, names, cmpopts.SortSlices(func(a, b string) bool { return strings.Compare(a, b) < 0 })); diff != "" {
		t.Errorf("files left (-want +got):\n%s", diff)
	}
}
