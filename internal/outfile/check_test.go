package outfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := join(dir, "file")
	writeTestFile(t, file, "", 0o644)
	os.Mkdir(join(dir, "sub"), 0o755)
	os.Symlink("missing/report.xml", join(dir, "dangling-into-nowhere"))
	os.Symlink("loop", join(dir, "loop"))
	fifo := join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	sock := join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	for _, tc := range []struct {
		name, path string
		want       string // "" when the path is fine
		is         error
	}{
		{"new file", join(dir, "new.xml"), "", nil},
		{"existing file", file, "", nil},
		{"FIFO without reader", fifo, "", nil},
		{"device", "/dev/null", "", nil},
		{"stdout", "/dev/stdout", "", nil},
		{"missing directory", join(dir, "missing", "x.xml"), join(dir, "missing", "x.xml") + ": its directory " + join(dir, "missing") + " does not exist", fs.ErrNotExist},
		{"missing directories", join(dir, "a", "b", "x.xml"), join(dir, "a", "b", "x.xml") + ": its directory " + join(dir, "a", "b") + " does not exist", fs.ErrNotExist},
		{"a file as directory", join(file, "x.prom"), join(file, "x.prom") + ": " + file + " is not a directory", syscall.ENOTDIR},
		{"a file deeper", join(file, "a", "x.prom"), join(file, "a", "x.prom") + ": " + file + " is not a directory", syscall.ENOTDIR},
		{"/dev/null as directory", "/dev/null/x", "/dev/null/x: /dev/null is not a directory", syscall.ENOTDIR},
		{"directory", join(dir, "sub"), join(dir, "sub") + ": is a directory", ErrIsDirectory},
		{"dangling symlink into nowhere", join(dir, "dangling-into-nowhere"),
			join(dir, "dangling-into-nowhere") + " (a link to " + join(dir, "missing", "report.xml") + "): its directory " + join(dir, "missing") + " does not exist", fs.ErrNotExist},
		{"symlink loop", join(dir, "loop"), join(dir, "loop") + ": too many levels of symbolic links", syscall.ELOOP},
		{"socket", sock, sock + ": is a socket; ansible-tap writes only regular files, FIFOs and character devices", ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.path)
			if tc.want == "" {
				if err != nil {
					t.Errorf("Check: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("Check: %v\nwant %s", err, tc.want)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("Check: %v is not %v", err, tc.is)
			}
		})
	}
	if _, err := os.Stat(join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a directory was created: %v", err)
	}
}

func TestCheckRefusesABlockDevice(t *testing.T) {
	testio.RequireRoot(t)
	dev := join(t.TempDir(), "disk")
	if err := unix.Mknod(dev, unix.S_IFBLK|0o600, int(unix.Mkdev(7, 0))); err != nil {
		t.Fatal(err)
	}
	if err := Check(dev); !errors.Is(err, ErrUnsupported) || err.Error() != dev+": is a block device; ansible-tap writes only regular files, FIFOs and character devices" {
		t.Errorf("Check: %v", err)
	}
	if err := WriteBytes(dev, Private, []byte("x")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Write: %v", err)
	}
}
