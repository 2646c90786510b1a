package event

import (
	"encoding/json"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// The fast path's readers of the records that come once a run or a play:
// the playbook, the play and the stats. Their fields are those of the
// model's types, by their json tags (taggedFields). Like the rest of the
// fast path they read what encoding/json would, or report not ok.

var (
	playbookFields = taggedFields[Playbook]()
	playFields     = taggedFields(
		readBy("hosts", func(p *wirePlay) *[]string { return &p.Hosts }, orNull(func(d *Decoder, b []byte, v int, p *wirePlay) (int, bool) {
			return d.scanNames(b, v, &p.Hosts)
		})),
		readBy("duration", func(p *wirePlay) *wireDuration { return &p.Duration }, orNull(func(d *Decoder, b []byte, v int, p *wirePlay) (int, bool) {
			return d.scanDuration(b, v, &p.Duration)
		})),
	)
	durationFields = taggedFields[wireDuration]()
	countFields    = taggedFields[HostCounts]()
)

// scanPlaybook reads the playbook object at b[v] into w.
func (d *Decoder) scanPlaybook(b []byte, v int, w *wireEvent) (int, bool) {
	p := &Playbook{}
	end, ok := playbookFields.scan(d, b, v, 1, p)
	w.event().Playbook = p
	return end, ok
}

// scanPlay reads the play object at b[v] into w.
func (d *Decoder) scanPlay(b []byte, v int, w *wireEvent) (int, bool) {
	p := &wirePlay{}
	end, ok := playFields.scan(d, b, v, 1, p)
	w.play = p
	return end, ok
}

// scanNames reads an array of strings at b[v], as encoding/json
// reads it into a nil []string.
func (d *Decoder) scanNames(b []byte, v int, into *[]string) (int, bool) {
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

// scanDuration reads a duration object at b[v] into into.
func (d *Decoder) scanDuration(b []byte, v int, into *wireDuration) (int, bool) {
	return durationFields.scan(d, b, v, 2, into)
}

// scanStats reads the stats object at b[v] into w: each host's
// counts. A host given twice, or counts that are not an object, are left
// to encoding/json.
func (d *Decoder) scanStats(b []byte, v int, w *wireEvent) (int, bool) {
	if v >= len(b) || b[v] != '{' {
		return 0, false
	}
	stats := map[string]HostCounts{}
	end, ok := jsonscan.EachMember(b, v, 1, func(key []byte, escaped bool, i int) (int, bool) {
		host, ok := jsonscan.Unquote(key, escaped)
		if _, seen := stats[host]; !ok || seen {
			return 0, false
		}
		c := &d.counts // not a variable of its own, which would escape
		*c = HostCounts{}
		end, ok := countFields.scan(d, b, i, 2, c)
		stats[host] = *c
		return end, ok
	})
	w.event().Stats = stats
	return end, ok
}

// scanCustomStats reads custom_stats at b[v] into w: the usual empty
// object in place, anything else with encoding/json.
func (d *Decoder) scanCustomStats(b []byte, v int, w *wireEvent) (int, bool) {
	if end, ok := emptyObject(b, v); ok {
		w.event().CustomStats = map[string]json.RawMessage{}
		return end, true
	}
	return unmarshalAt(b, v, &w.event().CustomStats)
}

// scanGlobalCustomStats reads global_custom_stats at b[v] into w: the
// usual empty object in place, anything else with encoding/json.
func (d *Decoder) scanGlobalCustomStats(b []byte, v int, w *wireEvent) (int, bool) {
	if end, ok := emptyObject(b, v); ok {
		w.event().GlobalCustomStats = json.RawMessage(`{}`)
		return end, true
	}
	return unmarshalAt(b, v, &w.event().GlobalCustomStats)
}

// emptyObject reports whether b[v:] starts with "{}", and where it ends.
func emptyObject(b []byte, v int) (int, bool) {
	return v + 2, len(b)-v >= 2 && b[v] == '{' && b[v+1] == '}'
}
