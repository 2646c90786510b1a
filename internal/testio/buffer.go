// Package testio holds what the tests of several packages need to capture
// output that more than one goroutine writes, and to give outputs the
// files that are not regular ones: a FIFO with its reader, a device node;
// and to skip a test this machine cannot run, except under CI, where it
// fails. Only tests import it.
package testio

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that several goroutines may write to while
// another reads it: ansible-tap and its child writing to one stdout, a
// status line's clock, a logger of concurrent workers.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of what was written.
func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// String returns what was written.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
