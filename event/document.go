package event

import (
	"encoding/json"
	"sort"
	"strings"
)

// document is the report that the stock ansible.posix.json callback prints
// once, at the end of a run.
type document struct {
	Plays             []docPlay                  `json:"plays"`
	Stats             map[string]HostCounts      `json:"stats"`
	CustomStats       map[string]json.RawMessage `json:"custom_stats"`
	GlobalCustomStats json.RawMessage            `json:"global_custom_stats"`
}

type docPlay struct {
	Play  wirePlay  `json:"play"`
	Tasks []docTask `json:"tasks"`
}

type docTask struct {
	Task  wireTask                   `json:"task"`
	Hosts map[string]json.RawMessage `json:"hosts"`
}

// fromDocument turns a stock JSON report into the events a live run would
// have produced: play and task starts, one result a host, and the stats.
// The report does not say whether a failure was ignored or rescued; its
// failures are fatal here, and its stats stay authoritative.
func (d *Decoder) fromDocument(doc *document) []*Event {
	var events []*Event
	var last string
	for i, dp := range doc.Plays {
		if i == 0 {
			path := dp.Play.Path
			if j := strings.LastIndexByte(path, ':'); j > 0 {
				path = path[:j]
			}
			events = append(events, &Event{Kind: PlaybookStart, Time: parseTime(dp.Play.Duration.Start),
				Playbook: &Playbook{Path: path}})
		}
		play := d.playFor(&dp.Play, parseTime(dp.Play.Duration.Start))
		d.play = play
		events = append(events, &Event{Kind: PlayStart, Time: play.Start, Play: play})
		for _, dt := range dp.Tasks {
			task := d.taskFor(&dt.Task.Task)
			events = append(events, &Event{Kind: TaskStart, Time: parseTime(dt.Task.Duration.Start), Play: play, Task: task})
			end := parseTime(dt.Task.Duration.End)
			if dt.Task.Duration.End != "" {
				last = dt.Task.Duration.End
			}
			hosts := make([]string, 0, len(dt.Hosts))
			for h := range dt.Hosts {
				hosts = append(hosts, h)
			}
			sort.Strings(hosts)
			for _, h := range hosts {
				r := decodeResult(dt.Hosts[h])
				if task.Action == "" {
					task.Action = r.action
				}
				ev := &Event{Time: end, Play: play, Task: task, Host: h, Result: &r.Result}
				switch {
				case r.Failed:
					ev.Kind, ev.Disposition = RunnerFailed, Fatal
				case r.Unreachable:
					ev.Kind = RunnerUnreach
				case r.Skipped:
					ev.Kind = RunnerSkipped
				default:
					ev.Kind = RunnerOK
				}
				ev.IsInclude = IsIncludeAction(task.Action)
				ev.Meta = IsMetaAction(task.Action)
				events = append(events, ev)
			}
		}
	}
	events = append(events, &Event{Kind: PlaybookStats, Time: parseTime(last), Play: d.play, Stats: doc.Stats,
		CustomStats: doc.CustomStats, GlobalCustomStats: doc.GlobalCustomStats})
	return events
}
