package runner

import "syscall"

// childAttrs makes the kernel kill ansible-playbook when ansible-tap dies,
// however it dies (PR_SET_PDEATHSIG).
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
