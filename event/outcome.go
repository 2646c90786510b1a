package event

// Outcome names how a run, or one host of it, ended.
type Outcome string

// The outcomes of a run (Summary.Outcome) and of a host (HostCounts.Outcome).
const (
	OutcomeOK          Outcome = "ok"
	OutcomeChanged     Outcome = "changed"
	OutcomeFailed      Outcome = "failed"
	OutcomeUnreachable Outcome = "unreachable" // a host's only
	OutcomeInterrupted Outcome = "interrupted" // a run's only
)

// RunOutcomes lists the outcomes of a run: ok, changed, failed, interrupted.
func RunOutcomes() []Outcome {
	return []Outcome{OutcomeOK, OutcomeChanged, OutcomeFailed, OutcomeInterrupted}
}

// HostOutcomes lists the outcomes of a host, the worst first: unreachable,
// failed, changed, ok.
func HostOutcomes() []Outcome {
	return []Outcome{OutcomeUnreachable, OutcomeFailed, OutcomeChanged, OutcomeOK}
}

// Succeeded reports whether the run ended without failure: ok or changed.
func (o Outcome) Succeeded() bool { return o == OutcomeOK || o == OutcomeChanged }

// Outcome is how the host ended, from its recap counts, the worst first:
// unreachable when it could not be reached, else failed with a fatal
// failure, else changed with a change, else ok.
func (c HostCounts) Outcome() Outcome {
	switch {
	case c.Unreachable > 0:
		return OutcomeUnreachable
	case c.Failures > 0:
		return OutcomeFailed
	case c.Changed > 0:
		return OutcomeChanged
	}
	return OutcomeOK
}
