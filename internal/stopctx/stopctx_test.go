package stopctx

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	t.Run("stop closed", func(t *testing.T) {
		stop := make(chan struct{})
		ctx, cancel := Until(time.Hour, stop)
		defer cancel()
		close(stop)
		<-ctx.Done()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Errorf("err %v, want context.Canceled", ctx.Err())
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ctx, cancel := Until(time.Millisecond, make(chan struct{}))
		defer cancel()
		<-ctx.Done()
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("err %v, want context.DeadlineExceeded", ctx.Err())
		}
	})
	t.Run("neither", func(t *testing.T) {
		ctx, cancel := Until(0, nil)
		if _, ok := ctx.Deadline(); ok {
			t.Error("a deadline without a timeout")
		}
		select {
		case <-ctx.Done():
			t.Fatal("done before cancel")
		case <-time.After(10 * time.Millisecond):
		}
		cancel()
		<-ctx.Done()
	})
}
