package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// requireRoot skips a test that makes device nodes unless the test runs as
// root, as it does in CI, where it must not be skipped.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("this test makes device nodes and must run as root under CI")
		}
		t.Skip("making device nodes needs root")
	}
}

// mknodLike makes a character device node at path with the device numbers
// of the system's device dev (/dev/null, /dev/full).
func mknodLike(t *testing.T, path, dev string) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Fatal(err)
	}
}

// mkfifo makes a FIFO at path and reads it to its end in the background:
// the returned function waits for the reader and returns what it read.
func mkfifoWithReader(t *testing.T, path string) func() []byte {
	t.Helper()
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opening for reading waits for a writer; open read-write first, as a
	// reader already there would be, then read from a read-only copy.
	rw, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []byte, 1)
	go func() {
		data, _ := io.ReadAll(r)
		r.Close()
		done <- data
	}()
	return func() []byte {
		rw.Close() // now the writer's close ends the stream
		return <-done
	}
}

func writeTestFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

func readTestFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// entries lists a directory's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// errWriter is the error of a writer that fails halfway.
var errWriter = errors.New("the writer failed")

func join(dir string, names ...string) string {
	return filepath.Join(append([]string{dir}, names...)...)
}
