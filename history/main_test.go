package history

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
	"github.com/ansible-tap/ansible-tap/internal/pgtest"
)

func TestMain(m *testing.M) {
	if helper := os.Getenv(helperEnv); helper != "" {
		os.Exit(runHelper(helper))
	}
	time.Local = time.UTC // the table shows local times; golden files are in UTC
	code := pgtest.Main(m)
	for _, dir := range benchDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// storeKind opens a fresh store of one kind for a test.
type storeKind struct {
	name string
	// spec returns the spec of a fresh, empty store.
	spec func(t testing.TB) string
}

// storeKinds are the two stores: every history test runs against both.
var storeKinds = []storeKind{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "history") }},
	{"postgres", func(t testing.TB) string { return pgtest.Database(t) }},
}

// forEachStore runs test once for each kind of store.
func forEachStore(t *testing.T, test func(t *testing.T, spec string)) {
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) { test(t, kind.spec(t)) })
	}
}

// openStore opens spec with opts for the test and closes it after.
func openStore(t testing.TB, spec string, opts Options) Store {
	t.Helper()
	s, err := Open(context.Background(), spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fleet is the real recording of a 50-host, 20-task run, split so that
// its tasks can be repeated into a stream of any length.
func fleet(t testing.TB) *fleetstream.Stream {
	t.Helper()
	s, err := loadFleet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadFleet() (*fleetstream.Stream, error) {
	recording, err := os.ReadFile(filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		return nil, err
	}
	return fleetstream.Parse(recording)
}

// sampleRun is a run's record as a live run would fill it, the store's
// fields left to the store. Times have the store's precision.
func sampleRun(start time.Time, playbook string, outcome event.Outcome, labels map[string]string, hosts map[string]HostCounts) *Run {
	return &Run{
		Start:          start,
		End:            start.Add(83 * time.Second),
		Duration:       83 * time.Second,
		ExitCode:       map[event.Outcome]int{"ok": 0, "changed": 0, "failed": 2, "interrupted": 99}[outcome],
		Outcome:        outcome,
		Interrupted:    outcome == "interrupted",
		Events:         1234,
		Playbooks:      []string{playbook},
		Inventories:    []string{"inventory/prod.ini", "web1,web2,"},
		Limit:          "web*",
		Tags:           []string{"deploy", "config"},
		SkipTags:       []string{"slow"},
		Check:          true,
		AnsibleVersion: "2.14.18",
		User:           "deploy",
		Controller:     "ctl1.example.org",
		Dir:            "/home/deploy/infra",
		Git:            Git{Commit: "0123456789abcdef0123456789abcdef01234567", Dirty: true},
		CI:             CI{System: "github-actions", URL: "https://github.com/acme/infra/actions/runs/42"},
		Labels:         labels,
		Hosts:          hosts,
		FailedTasks: []FailedTask{
			{Play: "Web", Task: "Install packages", TaskPath: "/home/deploy/infra/site.yml:14", Host: "web2", Disposition: "fatal"},
			{Play: "Web", Task: "Probe", TaskPath: "/home/deploy/infra/site.yml:30", Host: "web1", Disposition: "ignored"},
		},
	}
}

// at is a fixed time of the tests, plus minutes.
func at(minutes int) time.Time {
	return time.Date(2026, 11, 30, 8, 0, 0, 123456000, time.UTC).Add(time.Duration(minutes) * time.Minute)
}
