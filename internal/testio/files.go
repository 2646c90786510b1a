package testio

import (
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// FIFOReader makes a FIFO at path and reads it to its end in the
// background, as a reader started before ansible-tap would: the returned
// function waits for the writers to close it and returns what was read.
func FIFOReader(t testing.TB, path string) func() []byte {
	t.Helper()
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	// Opening for reading alone would wait for a writer: hold it open for
	// writing too until the caller waits, then read from a read-only copy.
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
		rw.Close() // from now on, the last writer's close ends the stream
		return <-done
	}
}

// MknodLike makes a character device node at path with the numbers of the
// system's device dev (/dev/null, /dev/full), for a test to write into
// without touching the system's own.
func MknodLike(t testing.TB, path, dev string) {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Fatal(err)
	}
}

// DirEntries lists the names in dir, sorted.
func DirEntries(t testing.TB, dir string) []string {
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

// Perm returns the permission bits of the file at path.
func Perm(t testing.TB, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
