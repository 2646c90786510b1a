package report

import "github.com/ansible-tap/ansible-tap/compare"

// sinceLastRun is the run report's section on what changed since the last
// comparable run of the history: the comparison's tally and counts, and
// its findings task by task, as the comparison page shows them.
type sinceLastRun struct {
	Tally       string          `json:"tally"`
	BaseName    string          `json:"baseline"`
	Regressions int             `json:"regressions"`
	Counts      compare.Counts  `json:"counts"`
	Sections    []findingsBlock `json:"sections"`
	HostsAdded  []string        `json:"hosts_added"`
	HostsGone   []string        `json:"hosts_removed"`
	Slower      int             `json:"slower"`
}

// newSinceLastRun is the section of a comparison.
func newSinceLastRun(c *compare.Comparison, opts ComparisonOptions) *sinceLastRun {
	return &sinceLastRun{
		Tally: c.Tally(), BaseName: c.BaseName(opts.Now), Regressions: c.Regressions(), Counts: c.Counts(),
		Sections: []findingsBlock{
			findingsSection("since-new", "New failures", "new", "", c.NewFailures, opts),
			findingsSection("since-fixed", "Fixed", "fixed", "", c.Fixed, opts),
			findingsSection("since-failing", "Still failing", "failing", "", c.StillFailing, opts),
			findingsSection("since-changed", "Changed, ok before", "changed", "", c.NotIdempotent, opts),
		},
		HostsAdded: nonNil(c.HostsAdded), HostsGone: nonNil(c.HostsRemoved), Slower: len(c.Slower),
	}
}
