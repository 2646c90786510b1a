package compare

import (
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
)

// A run without a history has no Live: its outputs ask it for the
// comparison all the same, and get none.
func TestNoLiveNoComparison(t *testing.T) {
	var l *Live
	if c, err := l.Comparison(event.NewSummary()); c != nil || err != nil {
		t.Errorf("Comparison of a nil Live = %v, %v; want nil, nil", c, err)
	}
}
