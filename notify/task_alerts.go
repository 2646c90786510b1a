package notify

import (
	"sync"
	"time"
)

// DefaultAlertMaxWait is how long the alerts of a task that runs on and on
// wait before they are posted all the same: 2 minutes after the first.
const DefaultAlertMaxWait = 2 * time.Minute

// taskAlerts gathers the alerts of the running task, so that a failure
// storm at one task is one message however slowly its hosts fail. The
// batch is flushed when the task ends (end is called when the next task
// or play starts and when the run ends), or maxWait after its first alert
// for a task that runs long; later alerts then start a new batch.
type taskAlerts struct {
	maxWait time.Duration
	flush   func([]alert) // called with the lock held; must not block

	mu      sync.Mutex
	pending []alert
	timer   *time.Timer
	batch   int // numbers the batches, so that a stale timer flushes nothing
}

// add gathers a; it never blocks on the flush.
func (t *taskAlerts) add(a alert) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = append(t.pending, a)
	if t.timer == nil {
		batch := t.batch
		t.timer = time.AfterFunc(t.maxWait, func() { t.flushBatch(batch) })
	}
}

// end flushes what is pending: the task ended.
func (t *taskAlerts) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
}

// flushBatch flushes the pending alerts if they are still the given batch.
func (t *taskAlerts) flushBatch(batch int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if batch == t.batch {
		t.flushLocked()
	}
}

// flushLocked posts the pending alerts, under t.mu: a flush by the timer
// never overtakes one by end.
func (t *taskAlerts) flushLocked() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.batch++
	if len(t.pending) > 0 {
		t.flush(t.pending)
		t.pending = nil
	}
}
