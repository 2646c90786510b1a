package history

import (
	"sort"
	"testing"
	"time"
)

// TestIDsSortByTime makes ids at times from 2020 to 2200, a millisecond
// apart and years apart: they sort as their times do, and are all of
// IDLength characters of the alphabet.
func TestIDsSortByTime(t *testing.T) {
	var times []time.Time
	for _, base := range []time.Time{idEpoch, at(0), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for ms := range 3 {
			times = append(times, base.Add(time.Duration(ms)*time.Millisecond))
		}
	}
	var ids []string
	for _, tm := range times {
		id := newID(tm)
		if len(id) != IDLength || !isIDPrefix(id) {
			t.Errorf("newID(%v) = %q", tm, id)
		}
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("ids made in time order do not sort: %q", ids)
	}
	if newID(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))[:idTimeChars] != "000000000" {
		t.Error("a time before 2020 does not clamp to the epoch")
	}
}
