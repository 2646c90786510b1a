package main

import (
	"os"
	"testing"
)

// TestMain turns the history off for the tests that do not ask for it: a
// test's runs are recorded only into the store it names (--history), never
// into the user's own.
func TestMain(m *testing.M) {
	os.Setenv("ANSIBLE_TAP_HISTORY", historyOff)
	os.Exit(m.Run())
}
