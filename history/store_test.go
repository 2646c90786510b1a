package history

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// record records a run whose stream is stream and returns its record as
// committed.
func record(t testing.TB, s Store, run *Run, stream []byte) *Run {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Written in pieces, as a live run writes its events file.
	for len(stream) > 0 {
		n := min(len(stream), 3000)
		if _, err := rec.Write(stream[:n]); err != nil {
			t.Fatal(err)
		}
		stream = stream[n:]
	}
	if err := rec.Commit(ctx, run); err != nil {
		t.Fatal(err)
	}
	return run
}

// readStream returns a stored run's stream.
func readStream(t testing.TB, s Store, id string) []byte {
	t.Helper()
	r, err := s.Stream(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRecordGetAndStream(t *testing.T) {
	var stream bytes.Buffer
	if err := fleet(t).Write(&stream, 20_000); err != nil {
		t.Fatal(err)
	}
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		hosts := map[string]HostCounts{
			"web1": {OK: 10, Changed: 2, Ignored: 1},
			"web2": {OK: 3, Failures: 1, Skipped: 4},
			"db1":  {Unreachable: 1},
			"db2":  {OK: 12, Rescued: 1},
		}
		want := sampleRun(at(0), "/home/deploy/infra/site.yml", "failed", map[string]string{"env": "prod", "ticket": "OPS-1"}, hosts)
		got := record(t, s, want, stream.Bytes())
		if len(got.ID) != IDLength || !isIDPrefix(got.ID) {
			t.Errorf("id %q is not %d characters of the id alphabet", got.ID, IDLength)
		}
		if got.RawBytes != int64(stream.Len()) {
			t.Errorf("RawBytes = %d, want the %d bytes written", got.RawBytes, stream.Len())
		}
		if got.StreamBytes <= 0 || got.StreamBytes*5 > got.RawBytes {
			t.Errorf("StreamBytes = %d for %d bytes written: not compressed", got.StreamBytes, got.RawBytes)
		}
		wantStates := HostStates{OK: 1, Changed: 1, Failed: 1, Unreachable: 1}
		if got.HostStates != wantStates {
			t.Errorf("HostStates = %+v, want %+v", got.HostStates, wantStates)
		}

		stored, err := s.Get(ctx, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, stored); diff != "" {
			t.Errorf("Get differs from what was committed (-committed +got):\n%s", diff)
		}
		if !bytes.Equal(readStream(t, s, got.ID), stream.Bytes()) {
			t.Error("the stored stream differs from what was written")
		}

		listed, err := s.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		summary := *got
		summary.Hosts, summary.FailedTasks = nil, nil
		if diff := cmp.Diff([]Run{summary}, listed); diff != "" {
			t.Errorf("List (-want +got):\n%s", diff)
		}
	})
}

// TestRecordEmptyRun records a run that wrote nothing (ansible-playbook
// that could not start) and whose record is nearly empty.
func TestRecordEmptyRun(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		before := time.Now()
		run := record(t, s, &Run{ExitCode: 127, Outcome: "failed"}, nil)
		got, err := s.Get(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Start.Before(before.Truncate(time.Microsecond)) || got.End.Before(got.Start) || got.ExitCode != 127 {
			t.Errorf("record %+v: want its start and end filled in, exit code 127", got)
		}
		if b := readStream(t, s, run.ID); len(b) != 0 {
			t.Errorf("stream %q, want empty", b)
		}
	})
}

func TestAbortLeavesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		rec, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rec.Write([]byte(`{"_event":"v2_playbook_on_start"}` + "\n"))
		if err := rec.Abort(); err != nil {
			t.Fatal(err)
		}
		if err := rec.Commit(ctx, &Run{}); err == nil {
			t.Error("Commit after Abort succeeded")
		}
		runs, err := s.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 0 {
			t.Errorf("an aborted recording is listed: %+v", runs)
		}
		assertRemoved(t, rec)
	})
}

// TestCommitTakesAnotherIDWhenTaken commits a recording whose id another
// run took meanwhile: it is stored under a new id, and the other run is
// untouched.
func TestCommitTakesAnotherIDWhenTaken(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		rec, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rec.Write([]byte("mine\n"))
		taken := rec.ID()
		x := indexOf(s)
		tx, err := x.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		other := sampleRun(at(0), "/other.yml", "ok", nil, nil)
		other.ID = taken
		if _, err := x.insertRun(ctx, tx, other); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		run := sampleRun(at(1), "/mine.yml", "ok", nil, nil)
		if err := rec.Commit(ctx, run); err != nil {
			t.Fatal(err)
		}
		if run.ID == taken || rec.ID() != run.ID {
			t.Fatalf("committed as %s (recording says %s), the id %s was taken", run.ID, rec.ID(), taken)
		}
		if got := readStream(t, s, run.ID); string(got) != "mine\n" {
			t.Errorf("stream %q, want %q", got, "mine\n")
		}
		if got, err := s.Get(ctx, taken); err != nil || got.Playbooks[0] != "/other.yml" {
			t.Errorf("the other run: %+v, %v", got, err)
		}
	})
}

func TestListFilters(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, Options{})
		web := map[string]HostCounts{"web1": {OK: 3}, "web2": {OK: 3, Changed: 1}}
		db := map[string]HostCounts{"db1": {OK: 3}}
		runs := map[string]*Run{
			"site-prod-old": sampleRun(at(0), "/infra/site.yml", "changed", map[string]string{"env": "prod"}, web),
			"site-stage":    sampleRun(at(10), "/infra/site.yml", "failed", map[string]string{"env": "stage", "team": "web"}, web),
			"db-prod":       sampleRun(at(20), "/infra/db.yml", "ok", map[string]string{"env": "prod", "team": "db"}, db),
			"other-site":    sampleRun(at(30), "/elsewhere/site.yml", "interrupted", nil, db),
			"site-prod-new": sampleRun(at(40), "/infra/site.yml", "ok", map[string]string{"env": "prod", "team": "web"}, web),
		}
		names := make(map[string]string) // id → name
		for _, name := range []string{"site-prod-old", "site-stage", "db-prod", "other-site", "site-prod-new"} {
			names[record(t, s, runs[name], []byte(name+"\n")).ID] = name
		}
		for _, tc := range []struct {
			name   string
			filter Filter
			want   []string
		}{
			{"all, newest first", Filter{}, []string{"site-prod-new", "other-site", "db-prod", "site-stage", "site-prod-old"}},
			{"limit", Filter{Limit: 2}, []string{"site-prod-new", "other-site"}},
			{"playbook by name", Filter{Playbook: "site.yml"}, []string{"site-prod-new", "other-site", "site-stage", "site-prod-old"}},
			{"playbook by path", Filter{Playbook: "/infra/site.yml"}, []string{"site-prod-new", "site-stage", "site-prod-old"}},
			{"playbook unknown", Filter{Playbook: "nope.yml"}, nil},
			{"label", Filter{Labels: map[string]string{"env": "prod"}}, []string{"site-prod-new", "db-prod", "site-prod-old"}},
			{"two labels", Filter{Labels: map[string]string{"env": "prod", "team": "web"}}, []string{"site-prod-new"}},
			{"label value differs", Filter{Labels: map[string]string{"env": "dev"}}, nil},
			{"outcome", Filter{Outcome: "ok"}, []string{"site-prod-new", "db-prod"}},
			{"host", Filter{Host: "db1"}, []string{"other-site", "db-prod"}},
			{"since", Filter{Since: at(20)}, []string{"site-prod-new", "other-site", "db-prod"}},
			{"everything at once", Filter{Playbook: "site.yml", Labels: map[string]string{"env": "prod"}, Outcome: "ok", Host: "web2", Since: at(1), Limit: 5},
				[]string{"site-prod-new"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, listNames(t, s, tc.filter, names), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}

// listNames lists the runs filter selects, by their names in names.
func listNames(t *testing.T, s Store, filter Filter, names map[string]string) []string {
	t.Helper()
	got, err := s.List(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range got {
		out = append(out, names[r.ID])
	}
	return out
}

func TestResolve(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		if _, err := s.Resolve(ctx, "last"); !errors.Is(err, ErrNotFound) {
			t.Errorf("last of an empty store: %v, want ErrNotFound", err)
		}
		var ids []string // oldest first
		for i := range 3 {
			ids = append(ids, record(t, s, sampleRun(at(i), "/p.yml", "ok", nil, nil), nil).ID)
		}
		shared := commonPrefix(ids)
		unique := uniquePrefix(ids, 0)
		for _, tc := range []struct {
			ref       string
			want      string
			wantErr   error
			ambiguous bool
		}{
			{ref: "last", want: ids[2]},
			{ref: "last~0", want: ids[2]},
			{ref: "last~1", want: ids[1]},
			{ref: "last~2", want: ids[0]},
			{ref: "last~3", wantErr: ErrNotFound},
			{ref: ids[1], want: ids[1]},
			{ref: strings.ToUpper(ids[1]), want: ids[1]},
			{ref: unique, want: ids[0]},
			{ref: shared, ambiguous: true},
			{ref: "zzzzzzzzzzzz", wantErr: ErrNotFound},
		} {
			got, err := s.Resolve(ctx, tc.ref)
			var amb *AmbiguousError
			switch {
			case tc.ambiguous:
				if !errors.As(err, &amb) || len(amb.IDs) != 3 {
					t.Errorf("Resolve(%q) = %q, %v; want an AmbiguousError naming the three runs", tc.ref, got, err)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("Resolve(%q) = %q, %v; want %v", tc.ref, got, err, tc.wantErr)
				}
			case err != nil || got != tc.want:
				t.Errorf("Resolve(%q) = %q, %v; want %q", tc.ref, got, err, tc.want)
			}
		}
		for _, bad := range []string{"last~x", "last~-1", "../../etc/passwd", "", "0123456789abc"} {
			if id, err := s.Resolve(ctx, bad); err == nil {
				t.Errorf("Resolve(%q) = %q, want an error", bad, id)
			}
		}
		if _, err := s.Stream(ctx, "../index.db"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stream of a path: %v, want ErrNotFound", err)
		}
		if _, err := s.Get(ctx, "0000000000zz"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get of an unknown id: %v, want ErrNotFound", err)
		}
	})
}

// commonPrefix is the longest prefix that all of ids share.
func commonPrefix(ids []string) string {
	p := ids[0]
	for _, id := range ids[1:] {
		for !strings.HasPrefix(id, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// uniquePrefix is the shortest prefix of ids[i] that no other id has.
func uniquePrefix(ids []string, i int) string {
	for n := 1; ; n++ {
		p := ids[i][:n]
		unique := true
		for j, id := range ids {
			if j != i && strings.HasPrefix(id, p) {
				unique = false
			}
		}
		if unique {
			return p
		}
	}
}

// assertRemoved checks that a recording's temporary file is gone.
func assertRemoved(t *testing.T, rec Recording) {
	t.Helper()
	name := rec.(*recording).file.Name()
	if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the recording's temporary file %s is still there (%v)", name, err)
	}
}

// indexOf is a store's index.
func indexOf(s Store) *index {
	switch s := s.(type) {
	case *sqliteStore:
		return &s.index
	case *postgresStore:
		return &s.index
	}
	panic("unknown store")
}
