package notify

import (
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// DefaultTimeout is how long notifiers may keep delivering after the run.
const DefaultTimeout = 10 * time.Second

// Group shares one shutdown deadline between the notifiers of a run. The
// handlers may finish in any order, or at once; each hands its sender over,
// and the last one waits for all of them at once, at most Timeout, so two
// notifiers never wait twice the deadline and none starves the other.
type Group struct {
	// Timeout is the deadline after the last notifier finished; 0 means DefaultTimeout.
	Timeout time.Duration
	// Log receives the one-line report of each destination.
	Log zerolog.Logger
	// Stop, when closed, ends the wait before the deadline: what is left
	// is abandoned and reported.
	Stop <-chan struct{}

	mu       sync.Mutex
	members  int
	finished []*Sender
}

// join registers a notifier that will call finish once.
func (g *Group) join() {
	g.mu.Lock()
	g.members++
	g.mu.Unlock()
}

// finish hands s over, closed to new messages. When s is the last member's,
// it waits for every sender until the deadline and logs their reports,
// which it returns; otherwise it returns nil at once.
func (g *Group) finish(s *Sender) []Report {
	s.Close()
	g.mu.Lock()
	g.finished = append(g.finished, s)
	if len(g.finished) < g.members {
		g.mu.Unlock()
		return nil
	}
	senders := g.finished
	g.finished = nil
	g.mu.Unlock()

	timeout := g.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	reports := make([]Report, len(senders))
	var wg sync.WaitGroup
	for i, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = s.WaitOrStop(deadline, g.Stop)
		}()
	}
	wg.Wait()
	for _, r := range reports {
		r.log(g.Log)
	}
	return reports
}
