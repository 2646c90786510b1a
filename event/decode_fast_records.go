package event

import (
	"encoding/json"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// The fast path's readers of the records that come once a run or a play:
// the playbook, the play and the stats. Like the rest of the fast path they
// read what encoding/json would, or report not ok.

// scanMembers reads the object at b[v]: bit names the field of a plain key
// in lower case as one bit, or 0 for a key to skip; read reads the value of
// a field. A key with escapes or a field given twice is not ok.
func scanMembers(b []byte, v, depth int, bit func(lower []byte) uint64, read func(bit uint64, v int) (int, bool)) (int, bool) {
	if v >= len(b) || b[v] != '{' {
		return 0, false
	}
	var seen uint64
	var buf [24]byte
	return jsonscan.EachMember(b, v, depth, func(key []byte, escaped bool, i int) (int, bool) {
		if !jsonscan.PlainKey(key, escaped) {
			return 0, false
		}
		var field uint64
		if lower, ok := lowerKey(&buf, key); ok {
			field = bit(lower)
		}
		if field == 0 {
			return jsonscan.SkipValue(b, i, depth+1)
		}
		if seen&field != 0 {
			return 0, false
		}
		seen |= field
		return read(field, i)
	})
}

// The fields of a playbook object.
const (
	playbookPath = 1 << iota
	playbookCheck
	playbookDiff
	playbookAnsibleVersion
	playbookVerbosity
	playbookStdoutCallback
)

func playbookField(name []byte) uint64 {
	switch string(name) {
	case "path":
		return playbookPath
	case "check":
		return playbookCheck
	case "diff":
		return playbookDiff
	case "ansible_version":
		return playbookAnsibleVersion
	case "verbosity":
		return playbookVerbosity
	case "stdout_callback":
		return playbookStdoutCallback
	}
	return 0
}

// scanPlaybook reads the playbook object (or null) at b[v] into w.
func scanPlaybook(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	p := &Playbook{}
	end, ok := scanMembers(b, v, 1, playbookField, func(field uint64, i int) (int, bool) {
		switch field {
		case playbookPath:
			return scanStringTo(b, i, &p.Path)
		case playbookCheck:
			return scanBoolTo(b, i, &p.Check)
		case playbookDiff:
			return scanBoolTo(b, i, &p.Diff)
		case playbookAnsibleVersion:
			return scanStringTo(b, i, &p.AnsibleVersion)
		case playbookVerbosity:
			return scanIntTo(b, i, &p.Verbosity)
		default: // playbookStdoutCallback
			return scanStringTo(b, i, &p.StdoutCallback)
		}
	})
	w.Playbook = p
	return end, ok
}

// The fields of a play object.
const (
	playID = 1 << iota
	playName
	playPath
	playHosts
	playStrategy
	playDuration
)

func playField(name []byte) uint64 {
	switch string(name) {
	case "id":
		return playID
	case "name":
		return playName
	case "path":
		return playPath
	case "hosts":
		return playHosts
	case "strategy":
		return playStrategy
	case "duration":
		return playDuration
	}
	return 0
}

// scanPlay reads the play object (or null) at b[v] into w.
func (d *Decoder) scanPlay(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	p := &wirePlay{}
	end, ok := scanMembers(b, v, 1, playField, func(field uint64, i int) (int, bool) {
		switch field {
		case playID:
			return scanStringTo(b, i, &p.ID)
		case playName:
			return scanStringTo(b, i, &p.Name)
		case playPath:
			return scanStringTo(b, i, &p.Path)
		case playHosts:
			return d.scanNames(b, i, &p.Hosts)
		case playStrategy:
			return scanStringTo(b, i, &p.Strategy)
		default: // playDuration
			return scanDuration(b, i, &p.Duration)
		}
	})
	w.Play = p
	return end, ok
}

// scanNames reads an array of strings (or null) at b[v], as encoding/json
// reads it into a nil []string.
func (d *Decoder) scanNames(b []byte, v int, into *[]string) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	names := []string{}
	end, ok := jsonscan.EachElement(b, v, 2, func(i int) (int, bool) {
		var s string
		end, ok := d.scanNameTo(b, i, &s)
		names = append(names, s)
		return end, ok
	})
	*into = names
	return end, ok
}

// The fields of a play's duration.
const (
	durationStart = 1 << iota
	durationEnd
)

func durationField(name []byte) uint64 {
	switch string(name) {
	case "start":
		return durationStart
	case "end":
		return durationEnd
	}
	return 0
}

// scanDuration reads a duration object (or null) at b[v] into into.
func scanDuration(b []byte, v int, into *wireDuration) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	return scanMembers(b, v, 2, durationField, func(field uint64, i int) (int, bool) {
		if field == durationStart {
			return scanStringTo(b, i, &into.Start)
		}
		return scanStringTo(b, i, &into.End)
	})
}

// The counts of a host in the stats.
const (
	countOK = 1 << iota
	countChanged
	countUnreachable
	countFailures
	countSkipped
	countRescued
	countIgnored
)

func countField(name []byte) uint64 {
	switch string(name) {
	case "ok":
		return countOK
	case "changed":
		return countChanged
	case "unreachable":
		return countUnreachable
	case "failures":
		return countFailures
	case "skipped":
		return countSkipped
	case "rescued":
		return countRescued
	case "ignored":
		return countIgnored
	}
	return 0
}

// scanStats reads the stats object (or null) at b[v] into w: each host's
// counts. A host given twice, or counts that are not an object, are left
// to encoding/json.
func (d *Decoder) scanStats(b []byte, v int, w *wireEvent) (int, bool) {
	if v < len(b) && b[v] == 'n' {
		return jsonscan.SkipLiteral(b, v, "null")
	}
	if v >= len(b) || b[v] != '{' {
		return 0, false
	}
	stats := map[string]HostCounts{}
	end, ok := jsonscan.EachMember(b, v, 1, func(key []byte, escaped bool, i int) (int, bool) {
		host, ok := jsonscan.Unquote(key, escaped)
		if _, seen := stats[host]; !ok || seen {
			return 0, false
		}
		var c HostCounts
		end, ok := scanMembers(b, i, 2, countField, func(field uint64, i int) (int, bool) {
			return scanIntTo(b, i, c.count(field))
		})
		stats[host] = c
		return end, ok
	})
	w.Stats = stats
	return end, ok
}

// count returns the count of a countField bit.
func (c *HostCounts) count(field uint64) *int {
	switch field {
	case countOK:
		return &c.OK
	case countChanged:
		return &c.Changed
	case countUnreachable:
		return &c.Unreachable
	case countFailures:
		return &c.Failures
	case countSkipped:
		return &c.Skipped
	case countRescued:
		return &c.Rescued
	}
	return &c.Ignored
}

// scanCustomStats reads custom_stats at b[v] into w: the usual empty
// object in place, anything else with encoding/json.
func scanCustomStats(b []byte, v int, w *wireEvent) (int, bool) {
	if end, ok := emptyObject(b, v); ok {
		w.CustomStats = map[string]json.RawMessage{}
		return end, true
	}
	return unmarshalAt(b, v, &w.CustomStats)
}

// scanGlobalCustomStats reads global_custom_stats at b[v] into w: the
// usual empty object in place, anything else with encoding/json.
func scanGlobalCustomStats(b []byte, v int, w *wireEvent) (int, bool) {
	if end, ok := emptyObject(b, v); ok {
		w.GlobalCustomStats = json.RawMessage(`{}`)
		return end, true
	}
	return unmarshalAt(b, v, &w.GlobalCustomStats)
}

// emptyObject reports whether b[v:] starts with "{}", and where it ends.
func emptyObject(b []byte, v int) (int, bool) {
	return v + 2, len(b)-v >= 2 && b[v] == '{' && b[v+1] == '}'
}
