package metrics

import (
	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
)

// comparisonOf is the comparison of the ended run s with the last
// comparable run of the history, or nil without one (or without a history
// that can be read: the history's recording says so itself).
func comparisonOf(l *compare.Live, s *event.Summary) *compare.Comparison {
	if l == nil {
		return nil
	}
	c, _ := l.Comparison(s)
	return c
}
