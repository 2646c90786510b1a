//go:build !linux

package runner

import (
	"os"
	"syscall"

	"github.com/rs/zerolog"
)

// childAttrs has nothing to add outside Linux: there is no parent-death
// signal, so a child outlives an ansible-tap killed with SIGKILL. Every
// other end of ansible-tap (a forwarded signal, the child's own exit) is
// handled the same everywhere.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}

// keepNewlines leaves the pseudo-terminal as it is outside Linux: the
// events file then records "\r\n" where Ansible wrote "\n".
func keepNewlines(*os.File, zerolog.Logger) {}
