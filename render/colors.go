package render

import (
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/fatih/color"
)

// palette colours output the way ansible-playbook does, or not at all.
type palette struct {
	ok, changed, failed, skipped, unreachable, ignored, rescued, banner, diffAdd, diffDel, diffHunk, dim *color.Color
	// warn and deprecate colour the warnings and deprecations of modules.
	warn, deprecate *color.Color
}

func newPalette(enabled bool) *palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &palette{
		ok:          mk(color.FgGreen),
		changed:     mk(color.FgYellow),
		failed:      mk(color.FgRed),
		skipped:     mk(color.FgCyan),
		unreachable: mk(color.FgHiRed),
		ignored:     mk(color.FgCyan),
		rescued:     mk(color.FgMagenta),
		banner:      mk(color.Bold),
		diffAdd:     mk(color.FgGreen),
		diffDel:     mk(color.FgRed),
		diffHunk:    mk(color.FgCyan),
		dim:         mk(color.Faint),
		warn:        mk(color.FgHiMagenta),
		deprecate:   mk(color.FgMagenta),
	}
}

// recapHost returns the colour of a host's name in the PLAY RECAP, from how
// it ended, as Ansible's hostcolor: failed for a failure or an unreachable
// host, changed for a change, else ok.
func (p *palette) recapHost(o event.Outcome) *color.Color {
	switch o {
	case event.OutcomeFailed, event.OutcomeUnreachable:
		return p.failed
	case event.OutcomeChanged:
		return p.changed
	}
	return p.ok
}

// outcome returns the colour of a run's outcome.
func (p *palette) outcome(o event.Outcome) *color.Color {
	switch o {
	case event.OutcomeFailed:
		return p.failed
	case event.OutcomeChanged:
		return p.changed
	case event.OutcomeInterrupted:
		return p.rescued
	}
	return p.ok
}

// status returns the colour of a result status.
func (p *palette) status(s event.Status) *color.Color {
	switch s {
	case event.StatusChanged:
		return p.changed
	case event.StatusFailed:
		return p.failed
	case event.StatusSkipped:
		return p.skipped
	case event.StatusUnreachable:
		return p.unreachable
	case event.StatusIgnored:
		return p.ignored
	case event.StatusRescued:
		return p.rescued
	}
	return p.ok
}
