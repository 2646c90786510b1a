package notify

// DefaultQueueBytes bounds what each destination holds waiting for
// delivery: 8 MiB, so that two destinations and the rest of ansible-tap
// stay within 64 MiB however long the run.
const DefaultQueueBytes = 8 << 20

// queue is the messages waiting for a worker, in order, and the messages
// workers took and still hold (being built, posted or waiting to be
// retried), bounded together in bytes. A message that does not fit makes
// room by dropping the oldest waiting messages that may be dropped (all
// but those marked Keep, the summary). Messages in flight are not dropped:
// when they alone fill the bound, the new message is.
type queue struct {
	max   int // bytes
	items []*Message
	bytes int // of the waiting messages
	held  int // of the messages taken and not yet done with
}

// push appends m, dropping older messages to make room. It returns how many
// messages it dropped, m included when m itself could not fit, and whether
// m was queued.
func (q *queue) push(m *Message) (dropped int, queued bool) {
	size := m.size()
	if !m.Keep && size > q.max {
		return 1, false
	}
	dropped = q.makeRoom(size)
	if q.bytes+q.held+size > q.max && !m.Keep {
		return dropped + 1, false
	}
	q.items = append(q.items, m)
	q.bytes += size
	return dropped, true
}

// makeRoom drops the oldest waiting messages that may be dropped until
// size more bytes fit, or none is left to drop; it returns how many it
// dropped.
func (q *queue) makeRoom(size int) (dropped int) {
	for q.bytes+q.held+size > q.max {
		i := q.oldestDroppable()
		if i < 0 {
			break
		}
		q.bytes -= q.items[i].size()
		q.remove(i)
		dropped++
	}
	return dropped
}

// remove takes the ith waiting message out of the queue.
func (q *queue) remove(i int) {
	if i == 0 {
		q.items[0] = nil
		q.items = q.items[1:]
		return
	}
	last := len(q.items) - 1
	copy(q.items[i:], q.items[i+1:])
	q.items[last] = nil
	q.items = q.items[:last]
}

func (q *queue) oldestDroppable() int {
	for i, m := range q.items {
		if !m.Keep {
			return i
		}
	}
	return -1
}

// pop takes up to n messages from the front, at most maxBytes of them
// together (the first is always taken); 0 means no bound in bytes.
func (q *queue) pop(n, maxBytes int) []*Message {
	k, bytes := 0, 0
	for k < len(q.items) && k < n {
		size := q.items[k].size()
		if k > 0 && maxBytes > 0 && bytes+size > maxBytes {
			break
		}
		bytes += size
		k++
	}
	out := append([]*Message(nil), q.items[:k]...)
	clear(q.items[:k])
	q.items = q.items[k:]
	q.bytes -= bytes
	q.held += bytes
	return out
}

// keeps counts the messages marked Keep that wait.
func (q *queue) keeps() int {
	n := 0
	for _, m := range q.items {
		if m.Keep {
			n++
		}
	}
	return n
}

// popKeep takes the oldest message marked Keep out of the queue, or
// returns nil when none waits.
func (q *queue) popKeep() *Message {
	for i, m := range q.items {
		if m.Keep {
			q.remove(i)
			q.bytes -= m.size()
			q.held += m.size()
			return m
		}
	}
	return nil
}

// rehold changes what a worker holds from old bytes to now bytes: the
// size of a body once built instead of its estimate. When the messages
// held no longer fit, older waiting messages are dropped to make room;
// when that is not enough and keep is false, the worker's messages are
// let go (their bytes no longer held) and ok is false.
func (q *queue) rehold(old, now int, keep bool) (dropped int, ok bool) {
	q.held += now - old
	if now <= old {
		return 0, true
	}
	dropped = q.makeRoom(0)
	if q.bytes+q.held > q.max && !keep {
		q.held -= now
		return dropped, false
	}
	return dropped, true
}

// release lets go of bytes a worker held.
func (q *queue) release(bytes int) { q.held -= bytes }

// sizeOf is what messages hold, as counted when they were queued.
func sizeOf(ms []*Message) int {
	n := 0
	for _, m := range ms {
		n += m.size()
	}
	return n
}
