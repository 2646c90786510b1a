package history

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestStoreIsPrivate checks the modes of the store's directory (0700) and
// files (0600), the database's journal files included, whatever the umask
// lets through.
func TestStoreIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "ansible-tap")
	s := openStore(t, dir, Options{})
	record(t, s, sampleRun(at(0), "/p.yml", "ok", nil, nil), []byte("x\n"))
	rec, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Abort()
	seen := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.db", "index.db-wal", "index.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// the directory, runs/, the three database files, a stream, a recording
	if seen != 7 {
		t.Errorf("%d files and directories checked, want 7", seen)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	for _, tc := range []struct{ state, want string }{
		{"/var/state", "/var/state/ansible-tap"},
		{"", "/home/someone/.local/state/ansible-tap"},
		{"relative/state", "/home/someone/.local/state/ansible-tap"},
	} {
		t.Setenv("XDG_STATE_HOME", tc.state)
		if got, err := DefaultDir(); err != nil || got != tc.want {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v; want %q", tc.state, got, err, tc.want)
		}
	}
}

// TestOpenEmptySpecIsTheDefaultDir opens "" and finds the store under
// XDG_STATE_HOME.
func TestOpenEmptySpecIsTheDefaultDir(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	s := openStore(t, "", Options{})
	if want := filepath.Join(state, "ansible-tap"); s.Location() != want {
		t.Errorf("Location() = %q, want %q", s.Location(), want)
	}
	if _, err := os.Stat(filepath.Join(state, "ansible-tap", "index.db")); err != nil {
		t.Error(err)
	}
}

func TestOpenRejectsOtherURLs(t *testing.T) {
	for _, spec := range []string{"mysql://db/history", "https://example.org/x"} {
		if s, err := Open(context.Background(), spec, Options{}); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", spec)
		}
	}
}
