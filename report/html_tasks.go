package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// htmlSlowest is how many of the slowest tasks the HTML report lists.
const htmlSlowest = 10

// taskRow is one task of the run with its timing across its hosts.
type taskRow struct {
	Number    int    `json:"number"` // in the order the tasks started, from 1
	Task      string `json:"task"`
	Play      string `json:"play"`
	PlayIndex int    `json:"play_index"`
	Path      string `json:"path,omitempty"`
	Handler   bool   `json:"handler,omitempty"`
	Hosts     int    `json:"hosts"`
	// Statuses counts the results by status, in timelineStatuses order.
	Statuses []statusCount `json:"statuses"`
	// DurationMS is the task's duration: from its start to its last result.
	DurationMS int64 `json:"duration_ms"`
	// MinMS, MedianMS and MaxMS are over the hosts' durations.
	MinMS       int64  `json:"min_ms"`
	MedianMS    int64  `json:"median_ms"`
	MaxMS       int64  `json:"max_ms"`
	SlowestHost string `json:"slowest_host,omitempty"`
}

// statusCount is how many results of a task had a status.
type statusCount struct {
	Status event.Status `json:"status"`
	N      int          `json:"n"`
}

// StatusNames lists the statuses the task had, for the page's filter.
func (t taskRow) StatusNames() string {
	names := make([]string, len(t.Statuses))
	for i, c := range t.Statuses {
		names[i] = string(c.Status)
	}
	return strings.Join(names, " ")
}

// buildTaskRows describes every task in the order they started.
func buildTaskRows(s *event.Summary, ps *plays, base string) []taskRow {
	rows := make([]taskRow, 0, len(s.Tasks))
	for i, t := range s.Tasks {
		play := ps.of(t)
		row := taskRow{
			Number: i + 1, Task: taskName(t), Play: ps.names[play], PlayIndex: play, Path: taskPath(base, t.Task),
			Handler: t.Task != nil && t.Task.Handler, Hosts: len(t.Results),
			DurationMS: t.Duration().Milliseconds(),
		}
		counts := make(map[event.Status]int)
		durations := make([]int64, 0, len(t.Results))
		for _, r := range t.Results {
			counts[r.Status]++
			d := r.Duration().Milliseconds()
			if len(durations) == 0 || d > row.MaxMS {
				row.SlowestHost, row.MaxMS = r.Host, d
			}
			durations = append(durations, d)
		}
		for _, st := range timelineStatuses {
			if counts[st] > 0 {
				row.Statuses = append(row.Statuses, statusCount{st, counts[st]})
			}
		}
		row.MinMS, row.MedianMS, row.MaxMS = spread(durations)
		rows = append(rows, row)
	}
	return rows
}

// spread returns the least, the median and the greatest of values; the
// median of an even number of values is the mean of the middle two.
func spread(values []int64) (least, median, greatest int64) {
	if len(values) == 0 {
		return 0, 0, 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	n := len(sorted)
	median = sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return sorted[0], median, sorted[n-1]
}

// slowestTasks returns up to n tasks that took time, the longest first.
func slowestTasks(rows []taskRow, n int) []taskRow {
	var out []taskRow
	for _, r := range rows {
		if r.DurationMS > 0 {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DurationMS > out[j].DurationMS })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// handlerRows returns the handlers that ran.
func handlerRows(rows []taskRow) []taskRow {
	var out []taskRow
	for _, r := range rows {
		if r.Handler {
			out = append(out, r)
		}
	}
	return out
}
