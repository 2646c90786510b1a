package main

import (
	"os"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/pgtest"
)

// TestMain turns the history off for the tests that do not ask for it: a
// test's runs are recorded only into the store it names (--history), never
// into the user's own. It stops the PostgreSQL server that the history's
// tests start.
func TestMain(m *testing.M) {
	os.Setenv("ANSIBLE_TAP_HISTORY", historyOff)
	os.Exit(pgtest.Main(m))
}
