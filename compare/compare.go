package compare

import "sort"

// Compare compares run b with its baseline a. Streaks of still failing
// results are left unknown: Diff and Live fill them from a history.
func Compare(a, b *Table) *Comparison {
	c := &Comparison{Base: a.Run, Run: b.Run, BaseTotal: a.total, RunTotal: b.total}
	pairs, paired, moved := match(a, b)
	c.Moved = moved
	order := make([]int, len(b.hosts))
	baseHost := make([]int, len(b.hosts))
	for h, name := range b.hosts {
		order[h] = h
		baseHost[h] = -1
		if ah, ok := a.hostIndex[name]; ok {
			baseHost[h] = ah
		}
	}
	sort.Slice(order, func(i, j int) bool { return b.hosts[order[i]] < b.hosts[order[j]] })
	for j, bt := range b.tasks {
		i := pairs[j]
		if i < 0 {
			if !a.Run.Interrupted {
				c.TasksAdded = append(c.TasksAdded, bt.ref)
			}
			c.compareTask(nil, bt, -1, b, order, baseHost)
			continue
		}
		c.Matched++
		at := a.tasks[i]
		c.compareTask(at, bt, i, b, order, baseHost)
		if bt.duration-at.duration >= SlowerBy && float64(bt.duration) >= SlowerFactor*float64(at.duration) {
			c.Slower = append(c.Slower, Slower{Task: bt.ref, Before: at.duration, After: bt.duration})
		}
	}
	if !b.Run.Interrupted {
		for i, at := range a.tasks {
			if !paired[i] {
				c.TasksRemoved = append(c.TasksRemoved, at.ref)
			}
		}
	}
	c.compareHosts(a, b)
	return c
}

// compareTask compares task bt of b with its baseline's task at (index
// ai of a), or with nothing when at is nil, on each host that ran it now:
// a host that did not run it has no finding, a fixed result being one
// that ran. order lists b's host indexes by name, and baseHost maps each
// to its index in a, or -1.
func (c *Comparison) compareTask(at *tableTask, bt *tableTask, ai int, b *Table, order, baseHost []int) {
	for _, bh := range order {
		if bh >= len(bt.cells) || bt.cells[bh].status == notRun {
			continue
		}
		now := bt.cells[bh]
		var was cell
		ah := baseHost[bh]
		if at != nil && ah >= 0 && ah < len(at.cells) {
			was = at.cells[ah]
		}
		f := Finding{Task: bt.ref, Host: b.hosts[bh], Before: was.status.Status(), After: now.status.Status(), base: cellRef{ai, ah}}
		switch {
		case now.status.failing() && !was.status.failing():
			f.Message, f.NoLog = bt.messages[bh], now.noLog
			c.NewFailures = append(c.NewFailures, f)
		case now.status.failing():
			f.Message, f.NoLog = bt.messages[bh], now.noLog
			c.StillFailing = append(c.StillFailing, f)
		case was.status.failing():
			f.Message, f.NoLog = at.messages[ah], was.noLog
			c.Fixed = append(c.Fixed, f)
		case now.status == statusChanged && was.status == statusOK:
			c.NotIdempotent = append(c.NotIdempotent, f)
		}
	}
}

// compareHosts lists the hosts added and removed and the recap side by
// side.
func (c *Comparison) compareHosts(a, b *Table) {
	hosts := append([]string(nil), b.recapHosts...)
	for _, h := range a.recapHosts {
		if _, ok := b.recap[h]; !ok {
			hosts = append(hosts, h)
			if !b.Run.Interrupted {
				c.HostsRemoved = append(c.HostsRemoved, h)
			}
		}
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		row := RecapRow{Host: h}
		if r, ok := a.recap[h]; ok {
			row.Before = &r
		}
		if r, ok := b.recap[h]; ok {
			row.After = &r
			if row.Before == nil && !a.Run.Interrupted {
				c.HostsAdded = append(c.HostsAdded, h)
			}
		}
		c.Recap = append(c.Recap, row)
	}
}

// Counts are how many findings of each kind a comparison holds: results
// (a task on a host) for the first four, tasks and hosts for the rest.
type Counts struct {
	NewFailures, Fixed, StillFailing, NotIdempotent            int
	Slower, HostsAdded, HostsRemoved, TasksAdded, TasksRemoved int
}

// Counts counts the findings.
func (c *Comparison) Counts() Counts {
	return Counts{
		NewFailures: len(c.NewFailures), Fixed: len(c.Fixed), StillFailing: len(c.StillFailing),
		NotIdempotent: len(c.NotIdempotent), Slower: len(c.Slower),
		HostsAdded: len(c.HostsAdded), HostsRemoved: len(c.HostsRemoved),
		TasksAdded: len(c.TasksAdded), TasksRemoved: len(c.TasksRemoved),
	}
}

// Regressions counts the results that make the run worse than its
// baseline: new failures, and changes where the baseline changed nothing.
func (c *Comparison) Regressions() int { return len(c.NewFailures) + len(c.NotIdempotent) }

// ExitCode is what `ansible-tap diff --exit-code` exits with: 1 when the
// run has regressions, else 0.
func (c *Comparison) ExitCode() int {
	if c.Regressions() > 0 {
		return 1
	}
	return 0
}
