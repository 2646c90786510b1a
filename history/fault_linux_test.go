package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/pgtest"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// The faults of a store's filesystem are real ones: the test binary runs
// again in a user and mount namespace of its own, where it mounts a small
// tmpfs (a full filesystem) or makes one read-only, as an unprivileged
// user can on Linux.

// TestStoreOnAFullFilesystem records into stores on a filesystem that
// fills up: the recording fails with an error, never a panic or a hang,
// leaves no partial file, and the store stays readable.
func TestStoreOnAFullFilesystem(t *testing.T) {
	for _, scenario := range []string{"full-stream", "full-from-start", "full-at-commit"} {
		t.Run(scenario, func(t *testing.T) { runInNamespace(t, scenario, "") })
	}
	t.Run("postgres-temp-full", func(t *testing.T) { runInNamespace(t, "full-postgres-temp", pgtest.Database(t)) })
}

// TestStoreOnAReadOnlyFilesystem records into a store whose filesystem was
// made read-only: an error, and the runs already there are intact.
func TestStoreOnAReadOnlyFilesystem(t *testing.T) {
	runInNamespace(t, "read-only", "")
}

// runInNamespace runs a helper scenario in new user and mount namespaces.
func runInNamespace(t *testing.T, scenario, pgURL string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+scenario, "HISTORY_TEST_DIR="+t.TempDir(), "HISTORY_TEST_PG="+pgURL)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		testio.Missing(t, fmt.Sprintf("%v: %v", errNoNamespaces, err))
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Logf("%s", out.String())
		if err != nil {
			t.Fatalf("%s: %v", scenario, err)
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s hung (killed after 2 minutes):\n%s", scenario, out.String())
	}
}

// runNamespaceHelper runs a scenario inside the namespaces: it mounts a
// 512 KiB tmpfs on HISTORY_TEST_DIR and checks what it must there.
func runNamespaceHelper(scenario string) error {
	dir := os.Getenv("HISTORY_TEST_DIR")
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=512k,mode=0700"); err != nil {
		return fmt.Errorf("mounting a tmpfs: %w", err)
	}
	store := filepath.Join(dir, "history")
	switch scenario {
	case "full-stream":
		// The stream outgrows the filesystem while the run goes on: the
		// recording fails then, its file is removed at once, and the
		// commit returns the error.
		ctx := context.Background()
		s, err := Open(ctx, store, Options{})
		if err != nil {
			return err
		}
		defer s.Close()
		rec, err := s.Begin(ctx)
		if err != nil {
			return err
		}
		for i := 0; i < 16 && rec.Err() == nil; i++ {
			chunk := incompressibleLines(1 << 20)
			if n, err := rec.Write(chunk); n != len(chunk) || err != nil {
				return fmt.Errorf("Write returned %d, %v: it must always report success", n, err)
			}
		}
		if rec.Err() == nil {
			return errors.New("16 MiB written to a 512 KiB filesystem, and the recording reports no error")
		}
		if _, err := os.Stat(rec.(*recording).file.Name()); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the failed recording's file is still there: %v", err)
		}
		err = rec.Commit(ctx, sampleRun(time.Now().UTC(), "/infra/site.yml", "ok", nil, nil))
		return wantRecordingError(err, store, 0)
	case "full-from-start":
		if err := fill(dir); err != nil {
			return err
		}
		return wantRecordingError(recordRun(store, []byte("a line\n")), "", 0)
	case "full-at-commit":
		// A store with a run; another run records, and the disk fills up
		// before it ends: its commit fails (SQLite cannot grow its log), and
		// the stream it had moved into place is removed.
		if err := recordRun(store, []byte("the first run\n")); err != nil {
			return err
		}
		ctx := context.Background()
		s, err := Open(ctx, store, Options{})
		if err != nil {
			return err
		}
		rec, err := s.Begin(ctx)
		if err != nil {
			return err
		}
		rec.Write(incompressibleLines(16 << 10))
		// 64 KiB are left free when the run ends: room for the stream's
		// last bytes, not for the index record of a run of 2,000 hosts.
		reserve := filepath.Join(dir, "reserve")
		if err := os.WriteFile(reserve, make([]byte, 64<<10), 0o600); err != nil {
			return err
		}
		if err := fill(dir); err != nil {
			return err
		}
		os.Remove(reserve)
		hosts := make(map[string]HostCounts)
		for i := range 2000 {
			hosts[fmt.Sprintf("host%04d.example.org", i)] = HostCounts{OK: 10, Changed: 1}
		}
		err = rec.Commit(ctx, sampleRun(time.Now().UTC(), "/infra/site.yml", "ok", nil, hosts))
		s.Close()
		if err := wantRecordingError(err, "", 0); err != nil {
			return err
		}
		os.Remove(filepath.Join(dir, "filler"))
		return checkConsistent(store, 1)
	case "full-postgres-temp":
		if err := fill(dir); err != nil {
			return err
		}
		os.Setenv("TMPDIR", dir)
		err := recordRun(os.Getenv("HISTORY_TEST_PG"), incompressibleLines(64<<10))
		return wantRecordingError(err, os.Getenv("HISTORY_TEST_PG"), 0)
	case "read-only":
		if err := recordRun(store, []byte("recorded before\n")); err != nil {
			return err
		}
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("remounting read-only: %w", err)
		}
		if err := wantRecordingError(recordRun(store, []byte("a line\n")), "", 0); err != nil {
			return err
		}
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT, ""); err != nil {
			return fmt.Errorf("remounting read-write: %w", err)
		}
		return checkConsistent(store, 1)
	}
	return fmt.Errorf("unknown helper %q", scenario)
}

// recordRun opens the store and records a run of stream, as a live run
// would, and returns the first error.
func recordRun(spec string, stream []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, spec, Options{Retention: DefaultRetention})
	if err != nil {
		return err
	}
	defer s.Close()
	rec, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	for len(stream) > 0 {
		n := min(len(stream), 4096)
		if w, err := rec.Write(stream[:n]); w != n || err != nil {
			return fmt.Errorf("Write returned %d, %v: it must always report success", w, err)
		}
		stream = stream[n:]
	}
	return rec.Commit(ctx, sampleRun(time.Now().UTC(), "/infra/site.yml", "ok", nil, nil))
}

// wantRecordingError checks that recording failed with a one-line error,
// and, when spec is given, that the store holds runs runs, each whole.
func wantRecordingError(err error, spec string, runs int) error {
	fmt.Println("recording:", err)
	if err == nil {
		return errors.New("recording on a full or read-only filesystem succeeded")
	}
	if strings.Contains(err.Error(), "\n") {
		return fmt.Errorf("the error is not one line: %q", err)
	}
	if spec == "" {
		return nil
	}
	return checkConsistent(spec, runs)
}

// checkConsistent checks that a store lists at least min runs, that each
// has its stream, and that no recording left a temporary file.
func checkConsistent(spec string, min int) error {
	ctx := context.Background()
	s, err := Open(ctx, spec, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	runs, err := s.List(ctx, Filter{})
	if err != nil {
		return err
	}
	if len(runs) < min {
		return fmt.Errorf("%d runs listed, want at least %d", len(runs), min)
	}
	for _, run := range runs {
		r, err := s.Stream(ctx, run.ID)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		_, err = b.ReadFrom(r)
		r.Close()
		if err != nil || int64(b.Len()) != run.RawBytes {
			return fmt.Errorf("run %s: %d bytes of %d read back, %v", run.ID, b.Len(), run.RawBytes, err)
		}
	}
	if ss, ok := s.(*sqliteStore); ok {
		entries, err := os.ReadDir(ss.runsDir)
		if err != nil {
			return err
		}
		if len(entries) != len(runs) {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			return fmt.Errorf("%d runs, but these files: %s", len(runs), strings.Join(names, " "))
		}
	}
	fmt.Printf("consistent: %d runs\n", len(runs))
	return nil
}

// fill fills dir's filesystem.
func fill(dir string) error {
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		return err
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
	}
}
