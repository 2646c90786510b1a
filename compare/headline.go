package compare

import (
	"strconv"
	"strings"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// TallyPart is one count of the tally: how many, and of what, the noun
// agreeing with the count ("1 new failure", "0 new failures").
type TallyPart struct {
	Count int
	Noun  string
}

// String is the part as the tally writes it: "1 new failure".
func (p TallyPart) String() string { return strconv.Itoa(p.Count) + " " + p.Noun }

// TallyParts are the tally's counts, always three and in this order: the
// new failures, the fixed, and the tasks changed that were ok.
func (c *Comparison) TallyParts() []TallyPart {
	return []TallyPart{
		counted(len(c.NewFailures), "new failure", "new failures"),
		{len(c.Fixed), "fixed"},
		counted(len(c.NotIdempotent), "task changed that was ok", "tasks changed that were ok"),
	}
}

// counted is n with the singular noun or the plural.
func counted(n int, one, many string) TallyPart {
	if n == 1 {
		return TallyPart{n, one}
	}
	return TallyPart{n, many}
}

// Plural writes n with the singular noun or the plural: "1 host", "3
// hosts".
func Plural(n int, one, many string) string { return counted(n, one, many).String() }

// Tally is the comparison's counts, as the headline of a comparison
// tells them after the baseline's name (BaseName): its parts (TallyParts)
// joined, "1 new failure, 2 fixed, 3 tasks changed that were ok".
func (c *Comparison) Tally() string {
	parts := c.TallyParts()
	text := make([]string, len(parts))
	for i, p := range parts {
		text[i] = p.String()
	}
	return strings.Join(text, ", ")
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
