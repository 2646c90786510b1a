package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations are the schema's versions, in order: migrations[i] takes a
// store from version i to version i+1. A store records its version in
// schema_version; a released migration never changes, a new one is added.
// Each returns its statements for SQLite or PostgreSQL.
var migrations = []func(postgres bool) []string{
	schemaV1,
}

// SchemaVersion is the version of the index schema that this ansible-tap
// writes.
var SchemaVersion = len(migrations)

// schemaV1 is the first schema: the runs, and the tables that the filters
// read (playbooks, labels, hosts) or Get adds (failed tasks). Times are
// microseconds since 1970 (UTC), durations milliseconds; lists and label
// maps in runs are JSON, for listing without a join. PostgreSQL keeps the
// streams too, in chunks.
func schemaV1(postgres bool) []string {
	stmts := schemaV1Tables
	if postgres {
		stmts = append(stmts[:len(stmts):len(stmts)], schemaV1Streams)
	}
	return stmts
}

// schemaV1Tables are schemaV1's statements for both stores.
var schemaV1Tables = []string{
	`CREATE TABLE runs (
			id TEXT PRIMARY KEY,
			started_us BIGINT NOT NULL,
			ended_us BIGINT NOT NULL,
			duration_ms BIGINT NOT NULL,
			exit_code INTEGER NOT NULL,
			outcome TEXT NOT NULL,
			interrupted BOOLEAN NOT NULL,
			events BIGINT NOT NULL,
			playbooks TEXT NOT NULL,
			inventories TEXT NOT NULL,
			host_limit TEXT NOT NULL,
			tags TEXT NOT NULL,
			skip_tags TEXT NOT NULL,
			check_mode BOOLEAN NOT NULL,
			ansible_version TEXT NOT NULL,
			username TEXT NOT NULL,
			controller TEXT NOT NULL,
			workdir TEXT NOT NULL,
			git_commit TEXT NOT NULL,
			git_dirty BOOLEAN NOT NULL,
			ci_system TEXT NOT NULL,
			ci_url TEXT NOT NULL,
			labels TEXT NOT NULL,
			hosts_ok INTEGER NOT NULL,
			hosts_changed INTEGER NOT NULL,
			hosts_failed INTEGER NOT NULL,
			hosts_unreachable INTEGER NOT NULL,
			stream_bytes BIGINT NOT NULL,
			raw_bytes BIGINT NOT NULL,
			recorded_us BIGINT NOT NULL
		)`,
	`CREATE INDEX runs_newest ON runs (started_us DESC, id DESC)`,
	`CREATE INDEX runs_outcome ON runs (outcome, started_us DESC)`,
	`CREATE TABLE run_playbooks (
			run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
			position INTEGER NOT NULL,
			path TEXT NOT NULL,
			name TEXT NOT NULL,
			PRIMARY KEY (run_id, position)
		)`,
	`CREATE INDEX run_playbooks_path ON run_playbooks (path)`,
	`CREATE INDEX run_playbooks_name ON run_playbooks (name)`,
	`CREATE TABLE run_labels (
			run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
			key TEXT NOT NULL,
			value TEXT NOT NULL,
			PRIMARY KEY (run_id, key)
		)`,
	`CREATE INDEX run_labels_key_value ON run_labels (key, value)`,
	`CREATE TABLE run_hosts (
			run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
			host TEXT NOT NULL,
			ok INTEGER NOT NULL,
			changed INTEGER NOT NULL,
			unreachable INTEGER NOT NULL,
			failures INTEGER NOT NULL,
			skipped INTEGER NOT NULL,
			rescued INTEGER NOT NULL,
			ignored INTEGER NOT NULL,
			PRIMARY KEY (run_id, host)
		)`,
	`CREATE INDEX run_hosts_host ON run_hosts (host)`,
	`CREATE TABLE run_failed_tasks (
			run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
			position INTEGER NOT NULL,
			play TEXT NOT NULL,
			task TEXT NOT NULL,
			task_path TEXT NOT NULL,
			host TEXT NOT NULL,
			disposition TEXT NOT NULL,
			PRIMARY KEY (run_id, position)
		)`,
}

// schemaV1Streams is the table of schemaV1 in which PostgreSQL keeps the
// streams.
const schemaV1Streams = `CREATE TABLE run_stream_chunks (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (run_id, seq)
)`

// ErrSchemaNewer is returned for a store whose schema a newer ansible-tap
// wrote.
var ErrSchemaNewer = errors.New("the history store's schema is newer than this ansible-tap knows: upgrade ansible-tap")

// migrate brings the schema to SchemaVersion within tx, which holds the
// store's write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory
// lock), so that runs starting at once migrate it once.
func (x *index) migrate(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_version: %w", err)
	}
	var version sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("reading schema_version: %w", err)
	}
	current := int(version.Int64)
	if current > len(migrations) {
		return fmt.Errorf("%w (version %d, this one writes %d)", ErrSchemaNewer, current, len(migrations))
	}
	for v := current; v < len(migrations); v++ {
		for _, stmt := range migrations[v](x.postgres) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
			}
		}
	}
	if current == len(migrations) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, x.rebind(`INSERT INTO schema_version (version) VALUES (?)`), len(migrations))
	return err
}

// version returns the schema version the store records: 0 for a new
// store.
func (x *index) version(ctx context.Context) (int, error) {
	exists := `SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`
	if x.postgres {
		exists = `SELECT to_regclass('schema_version') IS NOT NULL`
	}
	var found bool
	if err := x.db.QueryRowContext(ctx, exists).Scan(&found); err != nil || !found {
		return 0, err
	}
	var version sql.NullInt64
	err := x.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&version)
	return int(version.Int64), err
}

// upToDate reports whether the schema needs no migration, without taking
// the write lock: most opens of a store find it so, and a listing then
// never waits for a run's commit.
func (x *index) upToDate(ctx context.Context) (bool, error) {
	v, err := x.version(ctx)
	if err != nil {
		return false, err
	}
	if v > len(migrations) {
		return false, fmt.Errorf("%w (version %d, this one writes %d)", ErrSchemaNewer, v, len(migrations))
	}
	return v == len(migrations), nil
}
