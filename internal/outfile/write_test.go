package outfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

func TestWriteReplacesARegularFile(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "junit.xml")
	for _, content := range []string{"first version, the longer one\n", "second\n"} {
		if err := WriteBytes(path, Private, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if got := readTestFile(t, path); got != content {
			t.Errorf("the file holds %q, want %q", got, content)
		}
		if got := testio.Perm(t, path); got != Mode(Private) {
			t.Errorf("mode %v, want %v", got, Mode(Private))
		}
	}
	writeTestFile(t, path, "old", 0o644) // a file of an older version, readable by all
	if err := WriteBytes(path, Private, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := testio.Perm(t, path); got != Mode(Private) {
		t.Errorf("replacing a 0644 file left mode %v, want %v", got, Mode(Private))
	}
	if diff := cmp.Diff([]string{"junit.xml"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("temporary files left behind (-want +got):\n%s", diff)
	}
}

// A writer that fails halfway leaves the old file byte for byte, and no
// temporary file: a writer that wrote in place would have emptied it.
func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "report.html")
	old := strings.Repeat("the old report, whole\n", 1000)
	writeTestFile(t, path, old, 0o600)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	err = Write(path, Private, func(w io.Writer) error {
		// More than the buffer holds: part of it reaches a file.
		if _, err := w.Write(bytes.Repeat([]byte("new half "), 20000)); err != nil {
			return err
		}
		return errWriter
	})
	if !errors.Is(err, errWriter) {
		t.Fatalf("err %v, want the writer's", err)
	}
	var oe *Error
	if !errors.As(err, &oe) || oe.Path != path {
		t.Errorf("the error %q does not name %s", err, path)
	}
	if got := readTestFile(t, path); got != old {
		t.Errorf("the old file changed: %d bytes, %.40q…", len(got), got)
	}
	if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) {
		t.Errorf("the old file was replaced")
	}
	if diff := cmp.Diff([]string{"report.html"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}

	// A new file that fails is not created at all.
	if err := Write(join(dir, "new.xml"), Private, func(io.Writer) error { return errWriter }); !errors.Is(err, errWriter) {
		t.Fatalf("err %v", err)
	}
	if diff := cmp.Diff([]string{"report.html"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
}

func TestWriteRefusesADirectoryAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "is-a-dir")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(path, Private, []byte("x")); !errors.Is(err, ErrIsDirectory) {
		t.Fatalf("err %v, want ErrIsDirectory", err)
	}
	if diff := cmp.Diff([]string{"is-a-dir"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
	if got := testio.DirEntries(t, path); len(got) != 0 {
		t.Errorf("the directory holds %v", got)
	}
}

// A symlink is followed: its target is replaced and the link stays, also
// through a chain of links, a relative link and a link to a directory.
func TestWriteFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	data := join(dir, "data")
	os.Mkdir(data, 0o755)
	os.Symlink("data", join(dir, "data-link")) // a directory reached through a link
	target := join(data, "report.xml")
	writeTestFile(t, target, "old target\n", 0o644)

	links := map[string]string{
		"absolute":         target,
		"relative":         "data/report.xml",
		"through a dir":    "data-link/report.xml",
		"a link to a link": "absolute",
	}
	for _, name := range []string{"absolute", "relative", "through a dir", "a link to a link"} {
		if err := os.Symlink(links[name], join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for name, dest := range links {
		t.Run(name, func(t *testing.T) {
			link := join(dir, name)
			content := "written through " + name + "\n"
			if err := WriteBytes(link, Private, []byte(content)); err != nil {
				t.Fatal(err)
			}
			if got, err := os.Readlink(link); err != nil || got != dest {
				t.Errorf("the link now reads %q (%v), want %q", got, err, dest)
			}
			if got := readTestFile(t, target); got != content {
				t.Errorf("the target holds %q, want %q", got, content)
			}
			if got := testio.Perm(t, target); got != Mode(Private) {
				t.Errorf("the target's mode %v, want %v", got, Mode(Private))
			}
		})
	}
	if diff := cmp.Diff([]string{"report.xml"}, testio.DirEntries(t, data)); diff != "" {
		t.Errorf("files beside the target (-want +got):\n%s", diff)
	}
}

// A dangling symlink: the file is created where it points.
func TestWriteThroughADanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(join(dir, "out"), 0o755)
	link := join(dir, "report.html")
	if err := os.Symlink("out/new.html", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(link, Shared, []byte("<html>")); err != nil {
		t.Fatal(err)
	}
	if got := readTestFile(t, join(dir, "out", "new.html")); got != "<html>" {
		t.Errorf("the file pointed to holds %q", got)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v", err)
	}
	if got := testio.Perm(t, join(dir, "out", "new.html")); got != Mode(Shared) {
		t.Errorf("mode %v, want %v", got, Mode(Shared))
	}
}

func TestWriteIntoAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := join(dir, "fifo")
	read := testio.FIFOReader(t, fifo)
	if err := WriteBytes(fifo, Private, []byte("through the pipe\n")); err != nil {
		t.Fatal(err)
	}
	if got := string(read()); got != "through the pipe\n" {
		t.Errorf("the reader got %q", got)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if diff := cmp.Diff([]string{"fifo"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
}

// A FIFO that nobody reads is an error at once, never a wait.
func TestWriteIntoAFIFOWithoutReader(t *testing.T) {
	fifo := join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteBytes(fifo, Private, []byte("x"))
	if !errors.Is(err, ErrNoReader) {
		t.Fatalf("err %v, want ErrNoReader", err)
	}
	if want := fifo + ": no process is reading this FIFO"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}

// Character devices are written into; one like /dev/full fails with the
// device's error, and both stay devices.
func TestWriteIntoCharacterDevices(t *testing.T) {
	testio.RequireRoot(t)
	dir := t.TempDir()
	null, full := join(dir, "null"), join(dir, "full")
	testio.MknodLike(t, null, "/dev/null")
	testio.MknodLike(t, full, "/dev/full")
	if err := WriteBytes(null, Private, []byte("gone")); err != nil {
		t.Errorf("writing into a null device: %v", err)
	}
	err := WriteBytes(full, Private, []byte("no room"))
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("writing into a full device: %v, want ENOSPC", err)
	}
	if want := full + ": writing: no space left on device"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	for _, dev := range []string{null, full} {
		if fi, err := os.Lstat(dev); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Errorf("%s is no longer a character device: %v %v", dev, fi.Mode(), err)
		}
	}
	if diff := cmp.Diff([]string{"full", "null"}, testio.DirEntries(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
}

// A path on /proc names a file the process has open, as /dev/stdout does:
// it is written through that descriptor, never replaced. Writes to the
// descriptor itself, before and after, keep their order and none is lost,
// also when it is a regular file (ansible-tap ... > out.txt).
func TestWriteIntoAnOpenFile(t *testing.T) {
	dir := t.TempDir()
	out := join(dir, "stdout.txt")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("what the run printed\n")
	link := join(dir, "stdout")
	os.Symlink(filepath.Join("/proc/self/fd", itoa(f.Fd())), link) // as /dev/stdout is
	if err := WriteBytes(link, Private, []byte("the report\n")); err != nil {
		t.Fatal(err)
	}
	f.WriteString("and what it printed after\n")
	if got := readTestFile(t, out); got != "what the run printed\nthe report\nand what it printed after\n" {
		t.Errorf("the open file holds %q", got)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = WriteBytes("/dev/fd/"+itoa(w.Fd()), Private, []byte("into the pipe\n"))
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(r); string(got) != "into the pipe\n" {
		t.Errorf("the pipe carried %q", got)
	}
}

func itoa(fd uintptr) string { return strconv.Itoa(int(fd)) }

func TestAppend(t *testing.T) {
	for _, c := range []struct {
		name, before, want string
		exists             bool
	}{
		{"missing file", "", "## run\n", false},
		{"empty file", "", "## run\n", true},
		{"earlier steps", "# build\nok\n", "# build\nok\n\n## run\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := join(t.TempDir(), "step_summary")
			if c.exists {
				writeTestFile(t, path, c.before, 0o644)
			}
			if err := Append(path, Private, []byte("## run\n"), []byte("\n")); err != nil {
				t.Fatal(err)
			}
			if got := readTestFile(t, path); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			want := os.FileMode(0o644) // the file's own mode is kept
			if !c.exists {
				want = Mode(Private)
			}
			if got := testio.Perm(t, path); got != want {
				t.Errorf("mode %v, want %v", got, want)
			}
		})
	}
	fifo := join(t.TempDir(), "fifo")
	read := testio.FIFOReader(t, fifo)
	if err := Append(fifo, Private, []byte("## run\n"), []byte("\n")); err != nil {
		t.Fatal(err)
	}
	if got := string(read()); got != "## run\n" {
		t.Errorf("the FIFO carried %q", got)
	}
	if err := Append(join(t.TempDir(), "missing", "summary.md"), Private, []byte("x"), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("appending in a missing directory: %v", err)
	}
}

func TestTempDir(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(join(dir, "out"), 0o755)
	os.Symlink("out/junit.xml", join(dir, "link"))
	fifo := join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	for path, want := range map[string]string{
		join(dir, "junit.xml"): dir,
		join(dir, "link"):      join(dir, "out"),
		fifo:                   os.TempDir(),
		"/dev/stdout":          os.TempDir(),
	} {
		if got := TempDir(path); got != want {
			t.Errorf("TempDir(%s) = %s, want %s", path, got, want)
		}
	}
}

func TestSame(t *testing.T) {
	dir := t.TempDir()
	a := join(dir, "a.xml")
	writeTestFile(t, a, "", 0o600)
	os.Symlink("a.xml", join(dir, "link-a"))
	os.Symlink("new.xml", join(dir, "link-new"))
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{a, a, true},
		{a, join(dir, "link-a"), true},
		{join(dir, "new.xml"), join(dir, "link-new"), true},
		{join(dir, "new.xml"), join(dir, ".", "new.xml"), true},
		{a, join(dir, "new.xml"), false},
		{a, join(dir, "b.xml"), false},
	} {
		if got := Same(tc.a, tc.b); got != tc.want {
			t.Errorf("Same(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// A directory that went missing is never created: the write fails and
// names it.
func TestWriteCreatesNoDirectory(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "reports", "junit.xml")
	err := WriteBytes(path, Private, []byte("x"))
	if want := path + ": its directory " + join(dir, "reports") + " does not exist"; err == nil || err.Error() != want {
		t.Errorf("err %v, want %s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err %v is not ErrNotExist", err)
	}
	if got := testio.DirEntries(t, dir); len(got) != 0 {
		t.Errorf("the directory holds %v", got)
	}
}
