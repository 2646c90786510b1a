package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// tableRow matches a row of a play's table: | HOST | STATUS | CHANGED | TASK |.
var tableRow = regexp.MustCompile(`(?m)^\| (h\S+) +\| ok +\| no +\| (task \d+) +\|$`)

// TestTableParts checks that a play with more rows than the table keeps is
// printed in parts of at most that many rows, each but the last followed
// by the line that says the play continues, with every row once, in order.
func TestTableParts(t *testing.T) {
	for _, c := range []struct {
		name    string
		maxRows int
		rows    []int // the results of each play
		// tables are the tables printed, in order: ">N>" is N rows under a
		// title that says "(continued)" and followed by the line that says
		// the play continues; "N" neither.
		tables string
	}{
		{"under the limit", 4, []int{3}, "3"},
		{"at the limit", 4, []int{4}, "4"},
		{"one over", 4, []int{5}, "4> >1"},
		{"several parts", 2, []int{7}, "2> >2> >2> >1"},
		{"exact multiple", 3, []int{6}, "3> >3"},
		{"two plays", 3, []int{4, 2}, "3> >1 2"},
		{"an empty play", 3, []int{0, 4}, "0 3> >1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			tb := NewTable(&out, Options{})
			tb.maxRows = c.maxRows
			s := event.NewSummary()
			var want []string
			at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
			for p, n := range c.rows {
				play := &event.Play{ID: fmt.Sprint(p), Name: fmt.Sprintf("play %d", p)}
				feedTable(t, tb, s, &event.Event{Kind: event.PlayStart, Time: at, Play: play})
				for i := 0; i < n; i++ {
					task := &event.Task{ID: fmt.Sprintf("%d.%d", p, i), Name: fmt.Sprintf("task %d", i)}
					host := fmt.Sprintf("h%d.%d", p, i)
					feedTable(t, tb, s, &event.Event{Kind: event.RunnerOK, Time: at, Play: play, Task: task, Host: host, Result: &event.Result{}})
					want = append(want, host+" "+task.Name)
				}
			}
			feedTable(t, tb, s, &event.Event{Kind: event.PlaybookStats, Time: at, Stats: map[string]event.HostCounts{}})
			if err := tb.Finish(s); err != nil {
				t.Fatal(err)
			}
			got := out.String()

			var rows []string
			for _, m := range tableRow.FindAllStringSubmatch(got, -1) {
				rows = append(rows, m[1]+" "+m[2])
			}
			if strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Errorf("rows printed:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
			}

			continues := fmt.Sprintf("… play continues: table printed every %d rows\n", c.maxRows)
			var tables []string
			for _, part := range strings.Split(got, "PLAY [")[1:] {
				title, _, _ := strings.Cut(part, "\n")
				if title == "RECAP" {
					continue
				}
				table := fmt.Sprint(len(tableRow.FindAllString(part, -1)))
				if strings.HasSuffix(title, "] (continued)") {
					table = ">" + table
				}
				if strings.Contains(part, continues) {
					table += ">"
				}
				tables = append(tables, table)
			}
			if strings.Join(tables, " ") != c.tables {
				t.Errorf("tables printed %q, want %q:\n%s", strings.Join(tables, " "), c.tables, got)
			}
		})
	}
}

func feedTable(t *testing.T, tb *Table, s *event.Summary, ev *event.Event) {
	t.Helper()
	s.Add(ev)
	if err := tb.Event(ev, s); err != nil {
		t.Fatal(err)
	}
}

func TestGroupThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 10_000: "10,000", 1_234_567: "1,234,567", -4200: "-4,200"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// A cell shows its host or task name as it is: spaces around it and blank
// lines inside it kept, never wrapped; only a tab becomes a space, so that
// the table does not depend on where ansible-tap runs (tablewriter would
// size a tab from $TABWIDTH, an .editorconfig or the working directory).
func TestTableCellsKeepTheirText(t *testing.T) {
	t.Setenv("TABWIDTH", "3")
	var out bytes.Buffer
	tb := NewTable(&out, Options{})
	s := event.NewSummary()
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "cells"}
	feedTable(t, tb, s, &event.Event{Kind: event.PlayStart, Time: at, Play: play})
	for i, r := range []struct{ host, task string }{
		{"web1", "  spaced  "},
		{"web1", "first\n\nthird"},
		{"web2", "a\tb"},
	} {
		task := &event.Task{ID: fmt.Sprint(i), Name: r.task}
		feedTable(t, tb, s, &event.Event{Kind: event.RunnerOK, Time: at, Play: play, Task: task, Host: r.host, Result: &event.Result{}})
	}
	feedTable(t, tb, s, &event.Event{Kind: event.PlayStart, Time: at, Play: &event.Play{ID: "q", Name: "next"}})
	want := `PLAY [cells]
+------+--------+---------+------------+
| HOST | STATUS | CHANGED | TASK       |
+------+--------+---------+------------+
| web1 | ok     | no      |   spaced   |
| web1 | ok     | no      | first      |
|      |        |         |            |
|      |        |         | third      |
| web2 | ok     | no      | a b        |
+------+--------+---------+------------+

`
	if got := out.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}
