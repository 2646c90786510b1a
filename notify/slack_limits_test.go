package notify

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// failedRun is the summary of a run in which hosts hosts (names of
// nameLen characters) failed tasks tasks each, with messages of msgLen characters.
func failedRun(hosts, tasks, nameLen, msgLen int) *event.Summary {
	s := event.NewSummary()
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Add(&event.Event{Kind: event.PlaybookStart, Time: t0, Playbook: &event.Playbook{Path: "/srv/site.yml"}})
	play := &event.Play{ID: "p1", Name: "all <the> things"}
	for i := 0; i < tasks; i++ {
		task := &event.Task{ID: fmt.Sprint("t", i), Name: fmt.Sprintf("task & %d `quoted`", i), Path: fmt.Sprintf("/srv/roles/r/tasks/main.yml:%d", i)}
		for h := 0; h < hosts; h++ {
			host := fmt.Sprintf("%0*d", nameLen, h)
			s.Add(&event.Event{
				Kind: event.RunnerFailed, Time: t0.Add(time.Duration(i) * time.Second), Play: play, Task: task, Host: host,
				Disposition: event.Fatal, Result: &event.Result{Failed: true, Msg: strings.Repeat("é", msgLen)},
			})
		}
	}
	s.ExitCode = 2
	return s
}

func TestSlackMessagesStayWithinSlackLimits(t *testing.T) {
	tests := []struct {
		name                          string
		hosts, tasks, nameLen, msgLen int
	}{
		{"one host", 1, 1, 9, 20},
		{"48 failed hosts: more blocks than Slack takes", 48, 1, 6, 200},
		{"500 hosts with long names and huge messages", 500, 3, 200, 20000},
		{"many failed tasks on one host", 1, 40, 5, 5000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := failedRun(tt.hosts, tt.tasks, tt.nameLen, tt.msgLen)
			var batch []alert
			for _, f := range s.FatalFailures() {
				batch = append(batch, alert{host: f.Host, play: f.Play.Name, taskID: f.Task.ID, task: f.Task.Name, path: f.Task.Path, message: f.Message})
			}
			for _, m := range []slackMessage{summaryMessage(s, nil, "site.yml", "/srv"), alertMessage(batch, "site.yml", "/srv")} {
				body, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				req := httptest.NewRequest("POST", "/services/x", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				if err := checkSlack(req, body); err != nil {
					t.Errorf("Slack would refuse %q: %v", m.Blocks[0].Text.Text, err)
				}
			}
			sum := summaryMessage(s, nil, "site.yml", "/srv")
			if sum.Blocks[0].Text.Text != "FAILED: site.yml" {
				t.Errorf("summary header %q", sum.Blocks[0].Text.Text)
			}
			all := blocksJSON(t, sum)
			if tt.hosts > 46 && !strings.Contains(all, "more failed hosts") {
				t.Errorf("%d failed hosts without the 'and N more' line", tt.hosts)
			}
		})
	}
}

func blocksJSON(t *testing.T, m slackMessage) string {
	t.Helper()
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMrkdwnIsEscaped(t *testing.T) {
	s := failedRun(1, 1, 3, 10)
	m := summaryMessage(s, nil, "site.yml", "/srv")
	all := blocksJSON(t, m)
	if strings.Contains(all, "task & 0") || !strings.Contains(all, "task \\u0026amp; 0 'quoted'") {
		t.Errorf("task name not escaped for mrkdwn: %s", all)
	}
	if !strings.Contains(all, "`roles/r/tasks/main.yml:0`") {
		t.Errorf("task path not shown relative to the playbook: %s", all)
	}
}

func TestListHostsAndTruncate(t *testing.T) {
	tests := []struct {
		hosts []string
		max   int
		want  string
	}{
		{[]string{"a"}, 3, "a"},
		{[]string{"a", "b", "c"}, 3, "a, b, c"},
		{[]string{"a", "b", "c", "d", "e"}, 3, "a, b, c and 2 more"},
	}
	for _, tt := range tests {
		if got := listHosts(tt.hosts, tt.max); got != tt.want {
			t.Errorf("listHosts(%v, %d) = %q, want %q", tt.hosts, tt.max, got, tt.want)
		}
	}
	if got := textcut.Runes("ééééé", 3); got != "éé…" {
		t.Errorf("truncate = %q", got)
	}
	if got := textcut.Runes("abc", 3); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event_type":"playbook_end"}`)
	signed := func(secret string, at time.Time, b []byte) map[string][]string {
		ts := fmt.Sprint(at.Unix())
		return map[string][]string{HeaderTimestamp: {ts}, HeaderSignature: {Sign(secret, ts, b)}}
	}
	tests := []struct {
		name   string
		header map[string][]string
		body   []byte
		want   error
	}{
		{"valid", signed("s3", now, body), body, nil},
		{"valid, a little late", signed("s3", now.Add(-4*time.Minute), body), body, nil},
		{"other secret", signed("other", now, body), body, ErrBadSignature},
		{"tampered body", signed("s3", now, body), []byte(`{"event_type":"playbook_start"}`), ErrBadSignature},
		{"replayed later", signed("s3", now.Add(-time.Hour), body), body, ErrStale},
		{"unsigned", map[string][]string{}, body, ErrNoSignature},
	}
	for _, tt := range tests {
		h := make(map[string][]string)
		for k, v := range tt.header {
			h[k] = v
		}
		if got := Verify("s3", h, tt.body, 5*time.Minute, now); got != tt.want {
			t.Errorf("%s: Verify = %v, want %v", tt.name, got, tt.want)
		}
	}
	// The known answer, from the README's recipe:
	// printf '%s' '1800000000.{"event_type":"playbook_end"}' | openssl dgst -sha256 -hmac s3
	if got, want := Sign("s3", "1800000000", body), "v1=e98ea57641aa77f4995bdfd973e7fda5eff44683e413d48dee06679e9015c4fb"; got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestGroupAlerts(t *testing.T) {
	unreachable := func(host string) alert {
		return alert{host: host, taskID: "t1", task: "Ping", unreachable: true,
			message: "Failed to connect to the host via ssh: ssh: connect to host " + host + " port 22: Connection refused"}
	}
	failed := func(host, msg string) alert { return alert{host: host, taskID: "t2", task: "Deploy", message: msg} }
	tests := []struct {
		name  string
		batch []alert
		want  [][]string // the hosts of each group, in order
		mixed []bool     // whether each group had other messages
	}{
		{"unreachable hosts form one group whatever their messages",
			[]alert{unreachable("web1"), unreachable("web2"), unreachable("web3")},
			[][]string{{"web1", "web2", "web3"}}, []bool{true}},
		{"failures with one message form one group",
			[]alert{failed("a", "disk full"), failed("b", "disk full")},
			[][]string{{"a", "b"}}, []bool{false}},
		{"failures with other messages stay apart",
			[]alert{failed("a", "disk full"), failed("b", "no route"), failed("c", "disk full")},
			[][]string{{"a", "c"}, {"b"}}, []bool{false, false}},
		{"an unreachable host and a failure of the same hosts stay apart",
			[]alert{failed("a", "x"), unreachable("a")},
			[][]string{{"a"}, {"a"}}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := groupAlerts(tt.batch)
			var got [][]string
			var mixed []bool
			for _, g := range groups {
				got = append(got, g.hosts)
				mixed = append(mixed, g.otherMessages)
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(mixed, tt.mixed) {
				t.Errorf("groups %v (other messages %v), want %v (%v)", got, mixed, tt.want, tt.mixed)
			}
		})
	}
}
