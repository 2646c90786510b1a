package notify

import (
	"sync"
	"time"
)

// coalescer gathers alerts that arrive close together into one batch: a
// batch is flushed once no alert came for quiet, or maxDelay after its
// first alert, whichever is sooner, so a failure storm gives one message
// per maxDelay and a lone failure is posted after quiet.
type coalescer struct {
	quiet, maxDelay time.Duration
	flush           func([]alert) // called with the lock held; must not block

	mu      sync.Mutex
	pending []alert
	first   time.Time
	last    time.Time
	timer   *time.Timer
}

// add queues a; it never blocks on the flush.
func (c *coalescer) add(a alert) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.last = now
	c.pending = append(c.pending, a)
	if c.timer == nil {
		c.first = now
		c.timer = time.AfterFunc(c.quiet, c.fire)
	}
}

// fire flushes the batch when it is due, else waits again for what is left.
func (c *coalescer) fire() {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.timer = nil
		c.mu.Unlock()
		return
	}
	now := time.Now()
	due := c.last.Add(c.quiet)
	if latest := c.first.Add(c.maxDelay); latest.Before(due) {
		due = latest
	}
	if now.Before(due) {
		c.timer = time.AfterFunc(due.Sub(now), c.fire)
		c.mu.Unlock()
		return
	}
	c.flush(c.take()) // under c.mu: a flush never overtakes flushNow
	c.mu.Unlock()
}

// flushNow flushes whatever is pending at once.
func (c *coalescer) flushNow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if batch := c.take(); len(batch) > 0 {
		c.flush(batch)
	}
}

// take empties the batch; c.mu is held.
func (c *coalescer) take() []alert {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	batch := c.pending
	c.pending = nil
	return batch
}
