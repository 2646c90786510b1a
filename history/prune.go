package history

import (
	"context"
	"errors"
	"fmt"
)

// prune applies a store's retention after a commit. A failure leaves the
// run recorded, and its error says so.
func prune(ctx context.Context, s Store, keep Retention) error {
	if keep == (Retention{}) {
		return nil
	}
	if _, err := s.Prune(ctx, keep); err != nil {
		return fmt.Errorf("the run was recorded, but pruning the store failed: %w", errors.Unwrap(err))
	}
	return nil
}
