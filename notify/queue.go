package notify

// DefaultQueueBytes bounds what each destination holds waiting for
// delivery: 8 MiB, so that two destinations and the rest of ansible-tap
// stay within 64 MiB however long the run.
const DefaultQueueBytes = 8 << 20

// queue is the messages waiting for a worker, in order, bounded in bytes.
// A message that does not fit makes room by dropping the oldest messages
// that may be dropped (all but those marked Keep, the summary).
type queue struct {
	max   int // bytes
	items []*Message
	bytes int
}

// push appends m, dropping older messages to make room. It returns how many
// messages it dropped, m included when m itself could not fit, and whether
// m was queued.
func (q *queue) push(m *Message) (dropped int, queued bool) {
	size := m.size()
	if !m.Keep && size > q.max {
		return 1, false
	}
	for q.bytes+size > q.max {
		i := q.oldestDroppable()
		if i < 0 {
			break
		}
		q.bytes -= q.items[i].size()
		q.items = append(q.items[:i], q.items[i+1:]...)
		dropped++
	}
	if q.bytes+size > q.max && !m.Keep {
		return dropped + 1, false
	}
	q.items = append(q.items, m)
	q.bytes += size
	return dropped, true
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
			q.items = append(q.items[:i], q.items[i+1:]...)
			q.bytes -= m.size()
			return m
		}
	}
	return nil
}
