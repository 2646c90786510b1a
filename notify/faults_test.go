package notify

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// failingRun feeds h a run in which three tasks fail, each on its own
// host, and finishes it: three Slack alerts and a summary.
func failingRun(t *testing.T, h event.Handler) {
	t.Helper()
	at := time.Now()
	play := &event.Play{ID: "p", Name: "deploy"}
	s := event.NewSummary()
	events := []*event.Event{
		{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "/srv/site.yml"}},
		{Kind: event.PlayStart, Time: at, Play: play},
	}
	for i, host := range []string{"web1", "web2", "web3"} {
		task := &event.Task{ID: "t" + host, Name: "step " + host, Path: "/srv/site.yml:" + string(rune('1'+i))}
		events = append(events,
			&event.Event{Kind: event.TaskStart, Time: at, Play: play, Task: task},
			&event.Event{Kind: event.RunnerFailed, Time: at, Play: play, Task: task, Host: host, Disposition: event.Fatal,
				Result: &event.Result{Failed: true, Msg: "broken on " + host, Raw: []byte(`{"failed":true,"msg":"broken"}`)}})
	}
	events = append(events, &event.Event{Kind: event.PlaybookStats, Time: at,
		Stats: map[string]event.HostCounts{"web1": {Failures: 1}, "web2": {Failures: 1}, "web3": {Failures: 1}}})
	for _, ev := range events {
		s.Add(ev)
		if err := h.Event(ev, s); err != nil {
			t.Fatal(err)
		}
	}
	s.ExitCode = 2
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}
}

// Slack throttles an incoming webhook with 429 and a Retry-After. When it
// throttles for good, the end of the run still tries the summary before
// the deadline, ahead of the alerts still waiting, and every attempt
// waits as long as Slack asked; the end-of-run line says why nothing got
// through.
func TestSlackUnderA429StillTriesTheSummary(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	e := newEndpoint(t, checkSlack, func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("rate_limited"))
		return true
	})
	var log bytes.Buffer
	logger := zerolog.New(zerolog.SyncWriter(&log))
	// Three alerts each retried 5 times, a second apart, would take 12s
	// and more: far beyond the deadline.
	group := &Group{Timeout: 3 * time.Second, Log: logger}
	// Posts spaced 10ms apart: only the Retry-After may space them more.
	slack := NewSlack(SlackOptions{URL: e.URL + "/services/T0/B0/SlackS3cret", Interval: 10 * time.Millisecond,
		Group: group, Log: logger})
	failingRun(t, slack)

	var kinds []string
	for _, r := range e.got() {
		if r.status != http.StatusTooManyRequests {
			t.Errorf("Slack answered %d, not 429: the message was refused: %s", r.status, r.body)
		}
		var p slackPost
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		kind := "alert"
		if strings.HasPrefix(p.header(), "FAILED") {
			kind = "summary"
		}
		kinds = append(kinds, kind)
	}
	if !strings.Contains(strings.Join(kinds, " "), "summary") {
		t.Errorf("attempts %v: the summary was never tried before the deadline", kinds)
	}
	mu.Lock()
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < time.Second {
			t.Errorf("attempt %d came %s after the one before: Slack asked to wait 1s", i+1, gap)
		}
	}
	mu.Unlock()
	want := "slack " + e.URL + "/[redacted]: 0 of 4 notifications delivered; 4 left at the deadline; last error: HTTP 429: rate_limited"
	if !strings.Contains(log.String(), `"level":"warn"`) || !strings.Contains(log.String(), want) {
		t.Errorf("the end-of-run warning lacks %q:\n%s", want, log.String())
	}
	if strings.Contains(log.String(), "SlackS3cret") {
		t.Errorf("the log shows the webhook's path:\n%s", log.String())
	}
}

// A destination that fails every attempt is reported at the end with the
// last reason, free of the URL's secrets.
func TestTheEndOfRunLineSaysWhyADestinationFailed(t *testing.T) {
	e := newEndpoint(t, nil, func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("internal error at " + r.URL.RequestURI()))
		return true
	})
	s := newTestSender(e.URL+"/hook/PathS3cret?token=QueryS3cret", &waits{}, 1, 1<<20)
	s.Send(&Message{ID: newID(), Kind: "test", Body: []byte(`{}`)})
	r := s.Wait(time.Now().Add(20 * time.Second))
	want := "test " + e.URL + "/[redacted]: 0 of 1 notifications delivered; 1 failed; last error: HTTP 500: internal error at [redacted]"
	if got := r.String(); got != want {
		t.Errorf("report line\n %q\nwant\n %q", got, want)
	}
}

// When the run ends while the destination fails, the summary goes ahead
// of the messages still waiting; while it works, the order is kept.
func TestSenderPutsTheSummaryFirstOnlyWhileTheDestinationFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		want   string
	}{
		{"failing", http.StatusInternalServerError, "a1 summary a2 a3"},
		{"healthy", http.StatusOK, "a1 a2 a3 summary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			closed := make(chan struct{})
			e := newEndpoint(t, nil, func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
				if n == 1 { // the first answer waits until the run has ended
					select {
					case <-closed:
					case <-r.Context().Done():
					}
				}
				w.WriteHeader(tc.status)
				return true
			})
			s := newTestSender(e.URL, &waits{}, 1, 1<<20)
			s.opts.Retry = RetryPolicy{Attempts: 1, Base: time.Millisecond, Max: time.Millisecond, MaxRetryAfter: time.Second}
			for _, id := range []string{"a1", "a2", "a3", "summary"} {
				s.Send(&Message{ID: id, Kind: "test", Body: []byte(`"` + id + `"`), Keep: id == "summary"})
			}
			waitClosed(t, e.first)
			s.Close()
			close(closed)
			s.Wait(time.Now().Add(20 * time.Second))
			var order []string
			for _, r := range e.got() {
				order = append(order, strings.Trim(string(r.body), `"`))
			}
			if got := strings.Join(order, " "); got != tc.want {
				t.Errorf("posted %q, want %q", got, tc.want)
			}
		})
	}
}

// A Retry-After with the last attempt of a message holds back the next
// message too: the destination asked for a pause, not for another post.
func TestSenderHonoursRetryAfterForTheNextMessage(t *testing.T) {
	e := newEndpoint(t, nil, func(_ int, w http.ResponseWriter, _ *http.Request, _ []byte) bool {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	w := &waits{}
	s := newTestSender(e.URL, w, 1, 1<<20)
	s.opts.Retry = RetryPolicy{Attempts: 1, Base: time.Millisecond, Max: time.Millisecond, MaxRetryAfter: time.Minute}
	s.Send(&Message{ID: "first", Kind: "test", Body: []byte(`{}`)})
	s.Send(&Message{ID: "second", Kind: "test", Body: []byte(`{}`)})
	r := s.Wait(time.Now().Add(20 * time.Second))
	if r.Failed != 2 || len(e.got()) != 2 {
		t.Fatalf("report %+v after %d requests, want both tried once and failed", r, len(e.got()))
	}
	if len(w.d) != 1 || w.d[0] < 29*time.Second || w.d[0] > 30*time.Second {
		t.Errorf("waits %v, want one of 30s before the second message", w.d)
	}
}
