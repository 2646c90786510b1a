package pgtest

import "syscall"

// sysProcAttr runs the server as cred, and kills it with an immediate
// shutdown if the test binary dies first.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
}
