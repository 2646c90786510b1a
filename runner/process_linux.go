package runner

import (
	"os"
	"syscall"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// childAttrs makes the kernel kill ansible-playbook when ansible-tap dies,
// however it dies (PR_SET_PDEATHSIG).
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// keepNewlines turns off the pseudo-terminal's translation of "\n" into
// "\r\n", so that the events file records the bytes Ansible wrote; the
// user's terminal translates them when they are shown.
func keepNewlines(tty *os.File, log zerolog.Logger) {
	t, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		log.Debug().Err(err).Msg("reading the pseudo-terminal's settings")
		return
	}
	t.Oflag &^= unix.ONLCR
	if err := unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, t); err != nil {
		log.Debug().Err(err).Msg("setting the pseudo-terminal's settings")
	}
}
