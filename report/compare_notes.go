package report

import "github.com/ansible-tap/ansible-tap/compare"

// comparisonNotes are the warnings of what makes the two runs of a
// comparison differ in kind, as every report of it gives them: an
// interrupted one, check mode in one of them. None when nothing does.
func comparisonNotes(c *compare.Comparison) []string {
	var notes []string
	if c.Run.Interrupted {
		notes = append(notes, "The run was interrupted: the tasks and hosts it did not get to are not counted as removed.")
	}
	if c.Base.Interrupted {
		notes = append(notes, "The baseline was interrupted: the tasks and hosts it did not get to are not counted as added.")
	}
	if c.Base.Check != c.Run.Check {
		notes = append(notes, "One run was in check mode, the other not.")
	}
	return notes
}
