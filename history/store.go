package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// Store is a run history: the index of the recorded runs and each run's
// stream. Its methods are safe for concurrent use, and several processes
// (or machines, for PostgreSQL) may use one store at once.
type Store interface {
	// Begin starts recording a run: the live run writes its events file's
	// bytes into the Recording as it writes them, then commits or aborts it.
	Begin(ctx context.Context) (Recording, error)
	// List returns the runs that match filter, newest first. Their Hosts
	// and FailedTasks are left out.
	List(ctx context.Context, filter Filter) ([]Run, error)
	// Get returns the whole record of the run with that id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Run, error)
	// Resolve finds the id of a run named by ref: "last" (the newest run),
	// "last~N" (the Nth before it), a whole id or a unique prefix of one.
	// It returns ErrNotFound, or an *AmbiguousError for a prefix that
	// several runs share.
	Resolve(ctx context.Context, ref string) (string, error)
	// Stream opens the run's stream, decompressed: the events file as it
	// was written.
	Stream(ctx context.Context, id string) (io.ReadCloser, error)
	// Prune deletes the runs that retention does not keep.
	Prune(ctx context.Context, retention Retention) (Pruned, error)
	// Location names the store for messages: its directory, or its URL
	// without the password.
	Location() string
	// Close releases the store.
	Close() error
}

// Recording is a run being recorded. Write never fails and never blocks on
// anything but the local disk: the stream is compressed as it is written,
// into a private temporary file, and the first error ends the recording
// (Err reports it, Commit returns it), never the run.
type Recording interface {
	io.Writer
	// ID is the id the run will have in the store. Commit may change it
	// in the rare case that another run took it meanwhile.
	ID() string
	// Err is the first error that ended the recording, or nil.
	Err() error
	// Commit stores the stream with its index record, whose ID,
	// StreamBytes and RawBytes it sets, then prunes the store to its
	// retention. A recording that failed is discarded and its error
	// returned. Its context bounds the time it may take.
	Commit(ctx context.Context, run *Run) error
	// Abort discards the recording. It may follow Commit, and then does
	// nothing.
	Abort() error
}

// Filter selects runs for List. A zero field selects every run.
type Filter struct {
	// Playbook is a playbook's path (made absolute) or, without a slash,
	// its file name in any directory.
	Playbook string
	// Labels must all be set on the run, with these values.
	Labels map[string]string
	// Outcome is the run's outcome: ok, changed, failed or interrupted.
	Outcome event.Outcome
	// Host is a host that took part in the run.
	Host string
	// Since is the earliest start.
	Since time.Time
	// Before selects the runs that started earlier than it.
	Before time.Time
	// Scope, when set, selects the runs of exactly that scope: the same
	// playbooks, inventories, --limit and check mode, the runs that can
	// be compared with each other.
	Scope *Scope
	// Limit is the most runs returned, the newest ones.
	Limit int
}

// Retention is what a store keeps. A zero field sets no limit.
type Retention struct {
	// Keep is the number of newest runs kept.
	Keep int
	// MaxBytes is the most bytes of streams kept, newest first.
	MaxBytes int64
	// OlderThan deletes the runs that started longer ago than this.
	OlderThan time.Duration
}

// DefaultRetention is the retention of a live run's store unless the user
// sets another: the newest 500 runs, and at most 2 GiB of streams.
var DefaultRetention = Retention{Keep: 500, MaxBytes: 2 << 30}

// Pruned tells what Prune deleted.
type Pruned struct {
	Runs  int
	Bytes int64 // the deleted streams' stored size
}

// Options configures a store.
type Options struct {
	// Retention is applied after each commit; the zero Retention prunes
	// nothing. Live runs use DefaultRetention unless the user sets another.
	Retention Retention
	// Timeout bounds the wait for the store: SQLite's busy timeout (how
	// long a writer waits for another process's write to end) and the
	// PostgreSQL connect timeout. Zero means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is the wait for a busy or remote store when Options sets
// none: short, since a run must never wait long for its history.
const DefaultTimeout = 5 * time.Second

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// ErrNotFound is returned for a run that is not in the store.
var ErrNotFound = errors.New("no such run in the history")

// AmbiguousError is returned by Resolve for an id prefix that several runs
// share.
type AmbiguousError struct {
	Prefix string
	IDs    []string // some of the runs it names
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q names several runs (%s): give more of the id", e.Prefix, strings.Join(e.IDs, ", "))
}

// Open opens the store that spec names, creating it (and migrating its
// schema) as needed: "" is the default directory under the XDG state
// directory (DefaultDir), a postgres:// or postgresql:// URL a PostgreSQL
// database, and anything else a directory. Other URLs are an error.
func Open(ctx context.Context, spec string, opts Options) (Store, error) {
	kind, where, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	var s Store
	if kind == postgresKind {
		s, err = openPostgres(ctx, where, opts)
	} else {
		s, err = openSQLite(ctx, where, opts)
	}
	if err != nil {
		return nil, err // no Store holding a nil store
	}
	return s, nil
}

// The kinds of store.
const (
	sqliteKind = iota
	postgresKind
)

// parseSpec tells which store a spec names, and where: the embedded
// store's directory ("" is the default one) or the PostgreSQL URL.
func parseSpec(spec string) (kind int, where string, err error) {
	if spec == "" {
		dir, err := DefaultDir()
		return sqliteKind, dir, err
	}
	if scheme, _, ok := strings.Cut(spec, "://"); ok {
		switch strings.ToLower(scheme) {
		case "postgres", "postgresql":
			return postgresKind, spec, nil
		}
		return 0, "", fmt.Errorf("history: unsupported store %s:// (a directory, or a postgres:// URL)", scheme)
	}
	return sqliteKind, spec, nil
}
