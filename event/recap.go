package event

// HostCounts are one host's recap counts, with the field names of Ansible's
// stats (AggregateStats.summarize).
type HostCounts struct {
	OK          int `json:"ok"`
	Changed     int `json:"changed"`
	Unreachable int `json:"unreachable"`
	Failures    int `json:"failures"`
	Skipped     int `json:"skipped"`
	Rescued     int `json:"rescued"`
	Ignored     int `json:"ignored"`
}

// Count is the recap count of a status: the number that Ansible's recap
// line writes after "ok=", "changed=", "failed=" (the stats' failures)…
// An unknown status counts 0.
func (c HostCounts) Count(st Status) int {
	switch st {
	case StatusOK:
		return c.OK
	case StatusChanged:
		return c.Changed
	case StatusUnreachable:
		return c.Unreachable
	case StatusFailed:
		return c.Failures
	case StatusSkipped:
		return c.Skipped
	case StatusRescued:
		return c.Rescued
	case StatusIgnored:
		return c.Ignored
	}
	return 0
}

// Add adds the counts of o to c.
func (c *HostCounts) Add(o HostCounts) {
	c.OK += o.OK
	c.Changed += o.Changed
	c.Unreachable += o.Unreachable
	c.Failures += o.Failures
	c.Skipped += o.Skipped
	c.Rescued += o.Rescued
	c.Ignored += o.Ignored
}
