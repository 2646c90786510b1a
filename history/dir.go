package history

import (
	"errors"
	"os"
	"path/filepath"
)

// DefaultDir is the default store's directory: ansible-tap under the XDG
// state directory, $XDG_STATE_HOME/ansible-tap, or
// ~/.local/state/ansible-tap when XDG_STATE_HOME is unset or not an
// absolute path (as the XDG base directory specification says to ignore).
func DefaultDir() (string, error) {
	if state := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(state) {
		return filepath.Join(state, "ansible-tap"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("history: no home directory for the default store (set XDG_STATE_HOME or --history)")
	}
	return filepath.Join(home, ".local", "state", "ansible-tap"), nil
}
