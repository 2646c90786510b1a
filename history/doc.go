// Package history is ansible-tap's run store: every live run's events file,
// compressed, with an index record to list and filter runs by, so that a
// past run can be listed, replayed and compared.
//
// Two stores sit behind one interface, Store, chosen by Open's spec:
//
//   - the embedded default, a directory (by default $XDG_STATE_HOME/ansible-tap,
//     else ~/.local/state/ansible-tap) holding an SQLite index (index.db,
//     through the pure-Go modernc.org/sqlite, so that builds stay
//     CGO_ENABLED=0) and each run's stream compressed with zstd
//     (runs/ID.jsonl.zst); the directory is 0700 and its files 0600;
//   - a team store in PostgreSQL (a postgres:// or postgresql:// URL),
//     holding the same index and the streams, shared by several
//     controllers and CI runners.
//
// A live run begins a Recording, writes its events file's bytes into it as
// it writes them (they are compressed as they come, into a private
// temporary file, so memory stays flat however long the run), and commits
// it with the run's index record (Run) at the end; the store then prunes
// itself to its Retention. A store that cannot be written never fails the
// run: a Recording's Write always succeeds, and its first error comes back
// from Commit, for the caller to print as one warning. Waits are bounded:
// SQLite's busy timeout, PostgreSQL's connect timeout (Options.Timeout),
// and the contexts given.
//
// The index schema is versioned (schema_version) and migrated by the store
// itself under its write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL
// advisory lock), so that many runs opening a new store at once migrate it
// once.
//
// What a run's record holds that its events do not tell (the arguments'
// inventories, --limit, --tags and --check, the user, controller, working
// directory, the playbook's git commit, the CI job, the labels) comes from
// Describe. WriteTable and WriteJSONL print a listing.
package history
