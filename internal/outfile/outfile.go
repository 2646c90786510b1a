// Package outfile writes ansible-tap's output files: the reports, the
// Prometheus textfile and the events file. Every one of them goes where its
// path says, the same way:
//
//   - a symlink is followed, also a dangling one (the file is created where
//     it points), and the link is kept;
//   - a FIFO, a character device and an open file named by /proc (such as
//     /dev/stdout and /dev/stderr) are written into directly;
//   - a regular file, or a new one, is replaced atomically: a temporary file
//     in the same directory is written, synced and renamed over it, so that
//     a reader sees the old file or the new one, never half of one, and a
//     failed write leaves the old file whole and no temporary file behind;
//   - a directory, a block device or a socket is refused, and no directory
//     is ever created.
//
// Files that ansible-tap creates honour the umask: they get their
// permissions (Private or Shared) less the process's umask.
package outfile

import "os"

// Permissions of the files ansible-tap creates, before the umask is taken
// from them.
const (
	// Private is for files that hold results or Ansible's console output:
	// the events file and the reports. Read and written by their owner only.
	Private os.FileMode = 0o600
	// Shared is for files that other users' programs read, such as
	// node_exporter the Prometheus textfile: 0644 under the usual umask 022.
	Shared os.FileMode = 0o666
)
