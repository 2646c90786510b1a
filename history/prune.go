package history

import (
	"context"
	"fmt"
)

// pruner is a store that prunes itself to a retention: both stores. The
// errors of its prune name no store: each caller says what failed.
type pruner interface {
	Location() string
	prune(ctx context.Context, keep Retention) (Pruned, error)
}

// pruneStore is both stores' Prune: its error names the store.
func pruneStore(ctx context.Context, s pruner, keep Retention) (Pruned, error) {
	p, err := s.prune(ctx, keep)
	if err != nil {
		return p, fmt.Errorf("history: pruning %s: %w", s.Location(), err)
	}
	return p, nil
}

// pruneAfterCommit applies a store's retention after a commit. A failure
// leaves the run recorded, and its error says so.
func pruneAfterCommit(ctx context.Context, s pruner, keep Retention) error {
	if keep == (Retention{}) {
		return nil
	}
	if _, err := s.prune(ctx, keep); err != nil {
		return fmt.Errorf("history: the run was recorded, but pruning the store failed: %w", err)
	}
	return nil
}
