package notify

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
)

// With a history, an alert says whether its failure is new or failing
// since an earlier run, and the summary what is new since the last
// comparable run: the scenario's last run fails web1 anew and web4 again,
// as it did since the run "failing".
func TestSlackSaysWhatIsNew(t *testing.T) {
	live, stream := comparetest.Live(t, "..")
	e := newEndpoint(t, checkSlack, nil)
	slack := NewSlack(SlackOptions{URL: e.URL + "/services/T0/B0/x", MaxDelay: time.Hour, Interval: time.Millisecond,
		Compared: live, Group: &Group{Timeout: time.Minute, Log: zerolog.Nop()}, Log: zerolog.Nop()})
	if _, err := event.Replay(bytes.NewReader(stream), event.NewFanout(zerolog.Nop(), live, slack), io.Discard, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	alerts, summaries := slackPosts(t, e)
	var text strings.Builder
	for _, a := range alerts {
		text.WriteString(a.all())
	}
	if !strings.Contains(text.String(), "*Task failed (new):* `Check nothing is broken`") {
		t.Errorf("no alert says that web1's failure is new:\n%s", text.String())
	}
	if !regexp.MustCompile("\\*Task failed \\(failing since [0-9a-z]{12}\\):\\* `Check the service is ready`").MatchString(text.String()) {
		t.Errorf("no alert says since when web4 fails:\n%s", text.String())
	}
	if len(summaries) != 1 || !strings.Contains(summaries[0].all(), "Since run "+live.Baseline().ID) ||
		!strings.Contains(summaries[0].all(), "1 new failure, 1 fixed, 3 tasks changed that were ok") {
		t.Errorf("the summary does not say what is new:\n%v", summaries)
	}
}
