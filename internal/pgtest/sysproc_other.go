//go:build !linux

package pgtest

import "syscall"

// sysProcAttr runs the server as cred. Without a parent-death signal, a
// test binary that dies leaves the server running.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}
