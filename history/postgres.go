package history

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresStore is the team store: the same index as the embedded store's,
// and the streams, in a PostgreSQL database, in the schema ansible_tap
// unless the URL names a search_path. A recording is compressed into a
// private temporary file as the run goes, and sent in chunks inside the
// transaction that adds its run: the database sees nothing of a run before
// it ends, and a run whose commit fails leaves nothing behind.
type postgresStore struct {
	index
	opts Options
}

// defaultSchema holds the tables when the URL names no search_path.
const defaultSchema = "ansible_tap"

// migrationLock is the advisory lock that serialises schema migrations, so
// that machines starting at once migrate the schema once.
const migrationLock int64 = 0x616e7369626c6574 // "ansiblet"

// pruneLock is the advisory lock that serialises pruning.
const pruneLock = migrationLock + 1

// chunkSize is the size of the pieces a stream is stored in.
const chunkSize = 1 << 20

func openPostgres(ctx context.Context, spec string, opts Options) (*postgresStore, error) {
	location := safeLocation(spec)
	cfg, err := pgx.ParseConfig(spec)
	if err != nil {
		// pgx's error quotes the URL, masking its password on a best-effort
		// basis only.
		return nil, fmt.Errorf("history: %s: the PostgreSQL URL cannot be read; check its syntax", location)
	}
	schema := ""
	if _, set := cfg.RuntimeParams["search_path"]; !set {
		cfg.RuntimeParams["search_path"] = defaultSchema
		schema = defaultSchema
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = opts.timeout()
	}
	s := &postgresStore{index: index{db: stdlib.OpenDB(*cfg), postgres: true, location: location}, opts: opts}
	s.db.SetMaxOpenConns(4)
	s.db.SetConnMaxIdleTime(time.Minute)
	current, err := s.upToDate(ctx)
	if err == nil && !current {
		err = s.migrateLocked(ctx, schema)
	}
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("history: %s: %w", location, err)
	}
	return s, nil
}

// safeLocation is what of a PostgreSQL URL may be shown: its scheme, user,
// host and database; never its password or its query, which may hold one.
func safeLocation(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		return "postgres://[a URL that cannot be read]"
	}
	out := u.Scheme + "://"
	if name := u.User.Username(); name != "" {
		out += name + "@"
	}
	return out + u.Host + u.Path
}

// migrateLocked creates the schema (when it is ansible-tap's own) and
// migrates the tables under the migration lock.
func (s *postgresStore) migrateLocked(ctx context.Context, schema string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return err
	}
	if schema != "" {
		// CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when
		// the schema exists: look first.
		var exists bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
				return fmt.Errorf("creating schema %s: %w", schema, err)
			}
		}
	}
	if err := s.migrate(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *postgresStore) Begin(context.Context) (Recording, error) { return begin("", s) }

// commit adds the run and its stream in one transaction, then prunes.
func (s *postgresStore) commit(ctx context.Context, r *recording, run *Run) error {
	if _, err := r.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("history: %s: reading the recording: %w", s.location, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: %s: %w", s.location, err)
	}
	defer tx.Rollback()
	if err := s.insertRecorded(ctx, tx, r, run); err != nil {
		return fmt.Errorf("history: %s: %w", s.location, err)
	}
	buf := make([]byte, chunkSize)
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(r.file, buf)
		if n > 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO run_stream_chunks (run_id, seq, data) VALUES ($1, $2, $3)",
				run.ID, seq, buf[:n]); err != nil {
				return fmt.Errorf("history: %s: storing the stream: %w", s.location, err)
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return fmt.Errorf("history: %s: reading the recording: %w", s.location, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: %s: %w", s.location, err)
	}
	return pruneAfterCommit(ctx, s, s.opts.Retention)
}

func (s *postgresStore) Stream(ctx context.Context, id string) (io.ReadCloser, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT data FROM run_stream_chunks WHERE run_id = $1 ORDER BY seq", id)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", s.location, err)
	}
	c := &chunkReader{rows: rows}
	if _, err := c.next(); err != nil {
		rows.Close()
		if err != io.EOF {
			return nil, fmt.Errorf("history: %s: %w", s.location, err)
		}
		if _, err := s.Get(ctx, id); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("history: run %s: %w", id, errStreamMissing)
	}
	return newStreamReader(c, rows.Close)
}

// chunkReader reads a stream's chunks as one.
type chunkReader struct {
	rows *sql.Rows
	cur  []byte
}

// next reads the next chunk into cur.
func (c *chunkReader) next() ([]byte, error) {
	if !c.rows.Next() {
		if err := c.rows.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	if err := c.rows.Scan(&c.cur); err != nil {
		return nil, err
	}
	return c.cur, nil
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.cur) == 0 {
		if _, err := c.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

func (s *postgresStore) Prune(ctx context.Context, keep Retention) (Pruned, error) {
	return pruneStore(ctx, s, keep)
}

// prune deletes the runs that keep does not keep; its error names no
// store.
func (s *postgresStore) prune(ctx context.Context, keep Retention) (Pruned, error) {
	var p Pruned
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return p, err
	}
	defer tx.Rollback()
	// One prune at a time: machines that commit together would otherwise
	// delete the same runs at once, each waiting on the other's rows, and
	// a row-lock order that differs between two plans would deadlock.
	_, err = tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", pruneLock)
	var victims []victim
	if err == nil {
		victims, err = s.victims(ctx, tx, keep, time.Now())
	}
	if err == nil {
		err = s.deleteRuns(ctx, tx, victims)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return p, err
	}
	for _, v := range victims {
		p.Runs++
		p.Bytes += v.bytes
	}
	return p, nil
}
