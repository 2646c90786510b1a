package compare

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// Headline is the comparison in one line, as a live run's summary ends
// with it: "Compared with run 06bm3k51wh2g (2h ago): 1 new failure, 2
// fixed, 3 tasks changed that were ok". The age is the baseline's, from
// its start to now.
func (c *Comparison) Headline(now time.Time) string {
	return "Compared with " + c.BaseName(now) + ": " + c.Tally()
}

// Tally is the headline's counts: "1 new failure, 2 fixed, 3 tasks
// changed that were ok".
func (c *Comparison) Tally() string {
	return fmt.Sprintf("%s, %d fixed, %s", plural(len(c.NewFailures), "new failure", "new failures"), len(c.Fixed),
		plural(len(c.NotIdempotent), "task changed that was ok", "tasks changed that were ok"))
}

// BaseName names the baseline for people: "run ID (2h ago)", or "the
// baseline" when it has no id (a run read from a file).
func (c *Comparison) BaseName(now time.Time) string {
	if c.Base.ID == "" {
		return "the baseline"
	}
	if c.Base.Start.IsZero() {
		return "run " + c.Base.ID
	}
	return "run " + c.Base.ID + " (" + event.Ago(now.Sub(c.Base.Start)) + ")"
}

// plural writes n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Mark is what the baseline says of one failure of a run that is still
// going, for an alert to tell: a failure that is new, or one failing
// since an earlier run. The zero Mark says nothing (no baseline).
type Mark struct {
	// New is true when the baseline ran the task on the host without
	// failing, or did not run it.
	New bool
	// Since is the streak of a failure the baseline had too.
	Since *Streak
}

// String is the mark as an alert shows it: "new", "failing since ID",
// or "" for the zero Mark.
func (m Mark) String() string {
	switch {
	case m.New:
		return "new"
	case m.Since != nil:
		return "failing since " + m.Since.ID
	}
	return ""
}
