package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// index is the run index in SQL, the same tables and queries for SQLite
// and PostgreSQL. Queries are written with ? placeholders; rebind turns
// them into PostgreSQL's $1, $2.
type index struct {
	db       *sql.DB
	postgres bool
	// location names the store in messages: its directory, or its URL
	// without the password.
	location string
}

// Location names the store for messages.
func (x *index) Location() string { return x.location }

// Close releases the store's database.
func (x *index) Close() error { return x.db.Close() }

// List returns the runs that match f, newest first.
func (x *index) List(ctx context.Context, f Filter) ([]Run, error) {
	runs, err := x.list(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", x.location, err)
	}
	return runs, nil
}

// Get returns the whole record of the run with that id, or ErrNotFound.
func (x *index) Get(ctx context.Context, id string) (*Run, error) {
	run, err := x.get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return run, nil
}

// Resolve finds the id of the run that ref names.
func (x *index) Resolve(ctx context.Context, ref string) (string, error) {
	id, err := x.resolve(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	return id, nil
}

// rebind returns query with the placeholders of the store's dialect.
func (x *index) rebind(query string) string {
	if !x.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxParams is the most parameters one statement binds: below the limits
// of SQLite (32,766) and PostgreSQL (65,535), and small enough that a
// statement's text stays short.
const maxParams = 999

// insertRows inserts n rows of columns into table, as many rows a statement
// as maxParams allows; row returns the values of the ith.
func (x *index) insertRows(ctx context.Context, tx *sql.Tx, table string, columns []string, n int, row func(i int) []any) error {
	perStatement := maxParams / len(columns)
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	for start := 0; start < n; start += perStatement {
		end := min(start+perStatement, n)
		var q strings.Builder
		fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", table, strings.Join(columns, ", "))
		args := make([]any, 0, (end-start)*len(columns))
		for i := start; i < end; i++ {
			if i > start {
				q.WriteByte(',')
			}
			q.WriteString(tuple)
			args = append(args, row(i)...)
		}
		if _, err := tx.ExecContext(ctx, x.rebind(q.String()), args...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table, err)
		}
	}
	return nil
}

// runColumns are the columns of the runs table that List reads, in the
// order scanRun scans them.
var runColumns = []string{
	"id", "started_us", "ended_us", "duration_ms", "exit_code", "outcome", "interrupted", "events",
	"playbooks", "inventories", "host_limit", "tags", "skip_tags", "check_mode",
	"ansible_version", "username", "controller", "workdir", "git_commit", "git_dirty", "ci_system", "ci_url",
	"labels", "hosts_ok", "hosts_changed", "hosts_failed", "hosts_unreachable", "stream_bytes", "raw_bytes",
}

// insertRun adds a run's index record: its row and its rows in the tables
// that the filters read. It inserts nothing and returns false when a run
// with that id exists.
func (x *index) insertRun(ctx context.Context, tx *sql.Tx, run *Run) (bool, error) {
	values := []any{
		run.ID, run.Start.UnixMicro(), run.End.UnixMicro(), run.Duration.Milliseconds(), run.ExitCode, string(run.Outcome),
		run.Interrupted, run.Events,
		jsonText(run.Playbooks, "[]"), jsonText(run.Inventories, "[]"), run.Limit, jsonText(run.Tags, "[]"),
		jsonText(run.SkipTags, "[]"), run.Check,
		run.AnsibleVersion, run.User, run.Controller, run.Dir, run.Git.Commit, run.Git.Dirty, run.CI.System, run.CI.URL,
		jsonText(run.Labels, "{}"), run.HostStates.OK, run.HostStates.Changed, run.HostStates.Failed,
		run.HostStates.Unreachable, run.StreamBytes, run.RawBytes,
	}
	q := fmt.Sprintf("INSERT INTO runs (%s, recorded_us) VALUES (%s?) ON CONFLICT (id) DO NOTHING",
		strings.Join(runColumns, ", "), strings.Repeat("?, ", len(runColumns)))
	res, err := tx.ExecContext(ctx, x.rebind(q), append(values, time.Now().UnixMicro())...)
	if err != nil {
		return false, fmt.Errorf("inserting the run: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	err = x.insertRows(ctx, tx, "run_playbooks", []string{"run_id", "position", "path", "name"}, len(run.Playbooks),
		func(i int) []any { return []any{run.ID, i, run.Playbooks[i], filepath.Base(run.Playbooks[i])} })
	if err != nil {
		return false, err
	}
	labels := sortedKeys(run.Labels)
	err = x.insertRows(ctx, tx, "run_labels", []string{"run_id", "key", "value"}, len(labels),
		func(i int) []any { return []any{run.ID, labels[i], run.Labels[labels[i]]} })
	if err != nil {
		return false, err
	}
	hosts := sortedKeys(run.Hosts)
	err = x.insertRows(ctx, tx, "run_hosts",
		[]string{"run_id", "host", "ok", "changed", "unreachable", "failures", "skipped", "rescued", "ignored"}, len(hosts),
		func(i int) []any {
			c := run.Hosts[hosts[i]]
			return []any{run.ID, hosts[i], c.OK, c.Changed, c.Unreachable, c.Failures, c.Skipped, c.Rescued, c.Ignored}
		})
	if err != nil {
		return false, err
	}
	err = x.insertRows(ctx, tx, "run_failed_tasks",
		[]string{"run_id", "position", "play", "task", "task_path", "host", "disposition"}, len(run.FailedTasks),
		func(i int) []any {
			f := run.FailedTasks[i]
			return []any{run.ID, i, f.Play, f.Task, f.TaskPath, f.Host, string(f.Disposition)}
		})
	return err == nil, err
}

// insertRecorded adds the index record of r's run, as insertRun does. When
// another run took r's id meanwhile, it gives r and run a new one, a few
// times at most.
func (x *index) insertRecorded(ctx context.Context, tx *sql.Tx, r *recording, run *Run) error {
	for attempt := 0; ; attempt++ {
		inserted, err := x.insertRun(ctx, tx, run)
		if err != nil {
			return err
		}
		if inserted {
			return nil
		}
		if attempt == 5 {
			return fmt.Errorf("no free run id after %d tries", attempt+1)
		}
		r.id = newID(r.began)
		run.ID = r.id
	}
}

// jsonText is v as JSON, or empty for a nil or empty v.
func jsonText[T any](v T, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// list returns the runs that match f, newest first.
func (x *index) list(ctx context.Context, f Filter) ([]Run, error) {
	var where []string
	var args []any
	if f.Playbook != "" {
		if strings.ContainsRune(f.Playbook, filepath.Separator) {
			path, err := filepath.Abs(f.Playbook)
			if err != nil {
				return nil, err
			}
			where = append(where, "EXISTS (SELECT 1 FROM run_playbooks p WHERE p.run_id = runs.id AND p.path = ?)")
			args = append(args, path)
		} else {
			where = append(where, "EXISTS (SELECT 1 FROM run_playbooks p WHERE p.run_id = runs.id AND p.name = ?)")
			args = append(args, f.Playbook)
		}
	}
	for _, k := range sortedKeys(f.Labels) {
		where = append(where, "EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = runs.id AND l.key = ? AND l.value = ?)")
		args = append(args, k, f.Labels[k])
	}
	if f.Outcome != "" {
		where = append(where, "outcome = ?")
		args = append(args, string(f.Outcome))
	}
	if f.Host != "" {
		where = append(where, "EXISTS (SELECT 1 FROM run_hosts h WHERE h.run_id = runs.id AND h.host = ?)")
		args = append(args, f.Host)
	}
	if !f.Since.IsZero() {
		where = append(where, "started_us >= ?")
		args = append(args, f.Since.UnixMicro())
	}
	if !f.Before.IsZero() {
		where = append(where, "started_us < ?")
		args = append(args, f.Before.UnixMicro())
	}
	if sc := f.Scope; sc != nil {
		if len(sc.Playbooks) > 0 {
			// Through the index of playbook paths: the other columns
			// are compared in the few runs of the first playbook.
			where = append(where, "EXISTS (SELECT 1 FROM run_playbooks p WHERE p.run_id = runs.id AND p.position = 0 AND p.path = ?)")
			args = append(args, sc.Playbooks[0])
		}
		// The lists are compared as the JSON that insertRun wrote.
		where = append(where, "playbooks = ?", "inventories = ?", "host_limit = ?", "check_mode = ?")
		args = append(args, jsonText(sc.Playbooks, "[]"), jsonText(sc.Inventories, "[]"), sc.Limit, sc.Check)
	}
	q := "SELECT " + strings.Join(runColumns, ", ") + " FROM runs"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY started_us DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	runs, err := x.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	return runs, nil
}

// query returns the runs that a query of runColumns selects.
func (x *index) query(ctx context.Context, q string, args ...any) ([]Run, error) {
	rows, err := x.db.QueryContext(ctx, x.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		run, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
	}
	return runs, rows.Err()
}

// scanRun reads a row of runColumns.
func scanRun(row *sql.Rows) (Run, error) {
	var (
		r                                              Run
		started, ended, durationMS                     int64
		playbooks, inventories, tags, skipTags, labels sql.RawBytes
	)
	err := row.Scan(&r.ID, &started, &ended, &durationMS, &r.ExitCode, &r.Outcome, &r.Interrupted, &r.Events,
		&playbooks, &inventories, &r.Limit, &tags, &skipTags, &r.Check,
		&r.AnsibleVersion, &r.User, &r.Controller, &r.Dir, &r.Git.Commit, &r.Git.Dirty, &r.CI.System, &r.CI.URL,
		&labels, &r.HostStates.OK, &r.HostStates.Changed, &r.HostStates.Failed, &r.HostStates.Unreachable,
		&r.StreamBytes, &r.RawBytes)
	if err != nil {
		return Run{}, err
	}
	r.Start = time.UnixMicro(started).UTC()
	r.End = time.UnixMicro(ended).UTC()
	r.Duration = time.Duration(durationMS) * time.Millisecond
	for _, f := range []struct {
		text []byte
		v    *[]string
	}{{playbooks, &r.Playbooks}, {inventories, &r.Inventories}, {tags, &r.Tags}, {skipTags, &r.SkipTags}} {
		if *f.v, err = decodeStrings(f.text); err != nil {
			return Run{}, fmt.Errorf("run %s: a malformed column: %w", r.ID, err)
		}
	}
	if r.Labels, err = decodeLabels(labels); err != nil {
		return Run{}, fmt.Errorf("run %s: a malformed column: %w", r.ID, err)
	}
	return r, nil
}

// get returns a run's whole record.
func (x *index) get(ctx context.Context, id string) (*Run, error) {
	runs, err := x.query(ctx, "SELECT "+strings.Join(runColumns, ", ")+" FROM runs WHERE id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	run := runs[0]
	rows, err := x.db.QueryContext(ctx, x.rebind(
		"SELECT host, ok, changed, unreachable, failures, skipped, rescued, ignored FROM run_hosts WHERE run_id = ?"), id)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var host string
		var c HostCounts
		if err := rows.Scan(&host, &c.OK, &c.Changed, &c.Unreachable, &c.Failures, &c.Skipped, &c.Rescued, &c.Ignored); err != nil {
			return nil, err
		}
		if run.Hosts == nil {
			run.Hosts = make(map[string]HostCounts)
		}
		run.Hosts[host] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if run.FailedTasks, err = x.failedTasks(ctx, id); err != nil {
		return nil, err
	}
	return &run, nil
}

// failedTasks returns a run's failed tasks, in order, in one query that
// reads nothing else of the run; ErrNotFound when there is no such run.
func (x *index) failedTasks(ctx context.Context, id string) ([]FailedTask, error) {
	// The run's row comes back alone, its columns NULL, when it has no
	// failed task.
	rows, err := x.db.QueryContext(ctx, x.rebind(
		"SELECT f.play, f.task, f.task_path, f.host, f.disposition FROM runs LEFT JOIN run_failed_tasks f"+
			" ON f.run_id = runs.id WHERE runs.id = ? ORDER BY f.position"), id)
	if err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	defer rows.Close()
	found := false
	var tasks []FailedTask
	for rows.Next() {
		found = true
		var play, task, path, host, disposition *string
		if err := rows.Scan(&play, &task, &path, &host, &disposition); err != nil {
			return nil, err
		}
		if task != nil {
			tasks = append(tasks, FailedTask{Play: *play, Task: *task, TaskPath: *path, Host: *host,
				Disposition: event.Disposition(*disposition)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading run %s: %w", id, err)
	}
	if !found {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return tasks, nil
}

// resolve finds the id that a reference names.
func (x *index) resolve(ctx context.Context, s string) (string, error) {
	r, err := parseRef(s)
	if err != nil {
		return "", err
	}
	var rows *sql.Rows
	if r.prefix == "" {
		rows, err = x.db.QueryContext(ctx, x.rebind("SELECT id FROM runs ORDER BY started_us DESC, id DESC LIMIT 1 OFFSET ?"), r.back)
	} else {
		// Ids hold only [0-9a-z]: every id with the prefix sorts below the
		// prefix followed by '~'.
		rows, err = x.db.QueryContext(ctx, x.rebind("SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 5"), r.prefix, r.prefix+"~")
	}
	if err != nil {
		return "", fmt.Errorf("finding run %s: %w", s, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("finding run %s: %w", s, err)
	}
	switch {
	case len(ids) == 0:
		return "", fmt.Errorf("%w: %s", ErrNotFound, s)
	case len(ids) > 1 && ids[0] != r.prefix:
		return "", &AmbiguousError{Prefix: s, IDs: ids}
	}
	return ids[0], nil
}

// victim is a run that retention deletes.
type victim struct {
	id    string
	bytes int64
}

// victims returns the runs that retention does not keep, reading the index
// in tx.
func (x *index) victims(ctx context.Context, tx *sql.Tx, keep Retention, now time.Time) ([]victim, error) {
	if keep == (Retention{}) {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, started_us, stream_bytes FROM runs ORDER BY started_us DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("reading the runs to prune: %w", err)
	}
	defer rows.Close()
	var out []victim
	var total int64
	for n := 0; rows.Next(); n++ {
		var v victim
		var started int64
		if err := rows.Scan(&v.id, &started, &v.bytes); err != nil {
			return nil, err
		}
		total += v.bytes
		if keep.Keep > 0 && n >= keep.Keep ||
			keep.MaxBytes > 0 && total > keep.MaxBytes ||
			keep.OlderThan > 0 && time.UnixMicro(started).Before(now.Add(-keep.OlderThan)) {
			out = append(out, v)
		}
	}
	return out, rows.Err()
}

// deleteRuns deletes runs from the index, with their rows in every table.
func (x *index) deleteRuns(ctx context.Context, tx *sql.Tx, victims []victim) error {
	const perStatement = 500
	for start := 0; start < len(victims); start += perStatement {
		batch := victims[start:min(start+perStatement, len(victims))]
		args := make([]any, len(batch))
		for i, v := range batch {
			args[i] = v.id
		}
		in := strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")
		// The tables that name a run delete their rows with it (ON DELETE
		// CASCADE).
		if _, err := tx.ExecContext(ctx, x.rebind("DELETE FROM runs WHERE id IN ("+in+")"), args...); err != nil {
			return fmt.Errorf("deleting runs: %w", err)
		}
	}
	return nil
}
