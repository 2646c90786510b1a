//go:build !linux

package outfile

// onProcfs is false outside Linux, where /dev/fd/N are character devices
// rather than symlinks.
func onProcfs(string) bool { return false }

// ownFD is never needed outside Linux: opening /dev/fd/N there duplicates N.
func ownFD(string) (int, bool) { return 0, false }
