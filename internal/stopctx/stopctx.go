// Package stopctx makes the contexts that end when the user stops
// ansible-tap: a second Ctrl-C (or SIGTERM) closes a stop channel, and
// every wait at the end of a run (metrics pushed, the run store's commit,
// the baseline looked for) gives up then.
package stopctx

import (
	"context"
	"time"
)

// Until returns a context that ends after timeout (none when timeout is 0
// or less) or when stop is closed (never when stop is nil), whichever
// comes first, and its cancel function, which the caller must call.
func Until(timeout time.Duration, stop <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), timeout)
	}
	if stop != nil {
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ctx, cancel
}
