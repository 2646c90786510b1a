package event

// Status is the outcome of one task on one host, as the recap would count it.
type Status string

// The statuses of a host result. Their names are the words of Ansible's
// recap line.
const (
	StatusOK          Status = "ok"
	StatusChanged     Status = "changed"
	StatusFailed      Status = "failed"
	StatusSkipped     Status = "skipped"
	StatusUnreachable Status = "unreachable"
	StatusRescued     Status = "rescued"
	StatusIgnored     Status = "ignored"
)

// Stops reports whether a result of this status stopped its host: failed
// (a fatal failure) or unreachable.
func (st Status) Stops() bool { return st == StatusFailed || st == StatusUnreachable }

// recapStatuses are the statuses in the order of Ansible's recap line.
var recapStatuses = [...]Status{
	StatusOK, StatusChanged, StatusUnreachable, StatusFailed, StatusSkipped, StatusRescued, StatusIgnored,
}

// RecapStatuses lists every status in the order of Ansible's PLAY RECAP
// line: ok, changed, unreachable, failed, skipped, rescued, ignored
// (CallbackModule.v2_playbook_on_stats of the default callback).
func RecapStatuses() []Status { return append([]Status(nil), recapStatuses[:]...) }

// Disposition says what became of a failed task result: whether it stopped
// the host (Fatal) or the play went on (Ignored, Rescued). A Failure's Fate
// is Unreachable for a host that could not be reached.
type Disposition string

// The dispositions of a failure. Only a fatal failure, and an unreachable
// host, stop the host.
const (
	Fatal   Disposition = "fatal"
	Ignored Disposition = "ignored"
	Rescued Disposition = "rescued"
	// Unreachable is the fate of an unreachable host's result (Failure.Fate);
	// an event's Disposition, a failed result's, is never Unreachable.
	Unreachable Disposition = "unreachable"
)

// Stops reports whether a result of this fate stopped its host: a fatal
// failure or an unreachable host. An empty disposition counts as fatal.
func (d Disposition) Stops() bool { return d == Fatal || d == Unreachable || d == "" }

// Status is the recap status of a result of this fate: failed for a fatal
// (or empty) disposition, else the status of the same name.
func (d Disposition) Status() Status {
	switch d {
	case Ignored:
		return StatusIgnored
	case Rescued:
		return StatusRescued
	case Unreachable:
		return StatusUnreachable
	}
	return StatusFailed
}

// Fate is what became of the failure: Unreachable for an unreachable host,
// else its Disposition (Fatal, Ignored or Rescued; Fatal when it has none).
func (f Failure) Fate() Disposition {
	switch {
	case f.Unreachable:
		return Unreachable
	case f.Disposition == "":
		return Fatal
	}
	return f.Disposition
}
