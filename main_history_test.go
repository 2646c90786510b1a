package main

import (
	"os"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/pgtest"
)

// TestMain gives the tests a state directory of their own: every live run
// of a test is recorded, as a user's is by default, into a history that is
// removed with it, never into the user's own. No ANSIBLE_TAP_ variable is
// set for that: the tests check that none reaches a task. It stops the
// PostgreSQL server that the history's tests start.
func TestMain(m *testing.M) {
	state, err := os.MkdirTemp("", "ansible-tap-test-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", state)
	code := pgtest.Main(m)
	os.RemoveAll(state)
	os.Exit(code)
}
