package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: release builds stay CGO_ENABLED=0
)

// sqliteStore is the embedded store: a directory (0700) holding the index,
// index.db (SQLite in WAL mode, 0600), and each run's stream compressed
// with zstd as runs/ID.jsonl.zst (0600), which `zstdcat` reads too.
// Processes share it through SQLite's locks: every write transaction is
// BEGIN IMMEDIATE, and a stream file is moved into place inside the
// transaction that adds its run, so that a stream file without a run is
// an orphan whenever the write lock is held.
type sqliteStore struct {
	index
	runsDir string
	opts    Options
}

// staleTemp is the age past which Prune removes a recording's temporary
// file: that of a run that died without aborting it. A live recording
// writes to it as the run goes.
const staleTemp = 7 * 24 * time.Hour

func openSQLite(ctx context.Context, dir string, opts Options) (*sqliteStore, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	s := &sqliteStore{index: index{location: dir}, runsDir: filepath.Join(dir, "runs"), opts: opts}
	if err := os.MkdirAll(s.runsDir, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	path := filepath.Join(dir, "index.db")
	// SQLite creates its files 0644; creating the database first makes it
	// private, and its -wal and -shm files take its mode.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("history: %w", err)
		}
		if err == nil {
			f.Close()
		}
	}
	query := url.Values{
		"_pragma": {
			fmt.Sprintf("busy_timeout(%d)", opts.timeout().Milliseconds()),
			"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)",
		},
		"_txlock": {"immediate"},
	}
	s.db, err = sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+query.Encode())
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", path, err)
	}
	current, err := s.upToDate(ctx)
	if err == nil && !current {
		err = s.withTx(ctx, s.migrate)
	}
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("history: %s: %w", path, err)
	}
	return s, nil
}

// withTx runs f in a write transaction (BEGIN IMMEDIATE: it holds the
// store's write lock from its start) and commits it.
func (s *sqliteStore) withTx(ctx context.Context, f func(context.Context, *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// streamPath is where a run's stream is kept.
func (s *sqliteStore) streamPath(id string) string {
	return filepath.Join(s.runsDir, id+".jsonl.zst")
}

func (s *sqliteStore) Begin(context.Context) (Recording, error) { return begin(s.runsDir, s) }

// commit adds the run to the index and moves its stream into place, in
// one transaction, then prunes the store.
func (s *sqliteStore) commit(ctx context.Context, r *recording, run *Run) error {
	moved := false
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.insertRecorded(ctx, tx, r, run); err != nil {
			return err
		}
		if err := os.Rename(r.file.Name(), s.streamPath(run.ID)); err != nil {
			return err
		}
		moved = true
		return nil
	})
	if err != nil {
		if moved { // but the transaction failed
			os.Remove(s.streamPath(run.ID))
		}
		return fmt.Errorf("history: %s: %w", s.location, err)
	}
	syncDir(s.runsDir)
	return pruneAfterCommit(ctx, s, s.opts.Retention)
}

func (s *sqliteStore) Stream(ctx context.Context, id string) (io.ReadCloser, error) {
	if len(id) != IDLength || !isIDPrefix(id) {
		return nil, fmt.Errorf("history: %w: %q", ErrNotFound, id)
	}
	f, err := os.Open(s.streamPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := s.Get(ctx, id); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("history: run %s: %w", id, errStreamMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return newStreamReader(f, f.Close)
}

func (s *sqliteStore) Prune(ctx context.Context, keep Retention) (Pruned, error) {
	return pruneStore(ctx, s, keep)
}

// prune deletes the runs that keep does not keep; its error names no
// store.
func (s *sqliteStore) prune(ctx context.Context, keep Retention) (Pruned, error) {
	var p Pruned
	var victims []victim
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if victims, err = s.victims(ctx, tx, keep, time.Now()); err != nil {
			return err
		}
		if err := s.deleteRuns(ctx, tx, victims); err != nil {
			return err
		}
		return s.removeOrphans(ctx, tx)
	})
	if err != nil {
		return p, err
	}
	for _, v := range victims {
		if err := os.Remove(s.streamPath(v.id)); err == nil || errors.Is(err, fs.ErrNotExist) {
			p.Runs++
			p.Bytes += v.bytes
		}
	}
	return p, nil
}

// removeOrphans removes the stream files that no run names, and the
// temporary files of recordings that died long ago. It runs in a write
// transaction: a commit moves its stream into place only while it holds
// the write lock, so no stream being committed is seen as an orphan.
func (s *sqliteStore) removeOrphans(ctx context.Context, tx *sql.Tx) error {
	entries, err := os.ReadDir(s.runsDir)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, "SELECT id FROM runs")
	if err != nil {
		return err
	}
	defer rows.Close()
	known := make(map[string]bool)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		known[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(s.runsDir, name)
		if id, ok := strings.CutSuffix(name, ".jsonl.zst"); ok && !known[id] {
			os.Remove(path)
			continue
		}
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
				os.Remove(path)
			}
		}
	}
	return nil
}

// syncDir makes a rename in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
