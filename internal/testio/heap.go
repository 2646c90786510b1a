package testio

import (
	"runtime"
	"sync"
	"time"
)

// PeakHeap runs f after a garbage collection and returns the largest heap
// in use (runtime.MemStats.HeapInuse) sampled every interval meanwhile.
// The sampling stops however f returns, t.Fatal included.
func PeakHeap(interval time.Duration, f func()) (peak uint64) {
	runtime.GC()
	var sampled uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			sampled = max(sampled, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(interval):
			}
		}
	}()
	defer func() {
		close(done)
		wg.Wait()
		peak = sampled
	}()
	f()
	return // peak is set by the deferred function
}
