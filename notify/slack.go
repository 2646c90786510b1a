package notify

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// SlackOptions configure a Slack notifier.
type SlackOptions struct {
	// URL is the incoming webhook: a credential, never logged.
	URL string
	// Channel overrides the webhook's channel, where Slack allows it.
	Channel string
	// OnSuccess posts the summary of a run that did not fail; by default
	// only failed and interrupted runs post one.
	OnSuccess bool
	// MaxDelay bounds how long the alerts of a task wait for the task to
	// end: they are posted then, or MaxDelay after the first of them
	// (default DefaultAlertMaxWait), whichever comes first.
	MaxDelay time.Duration
	// Interval spaces the posts (default 1s, Slack's rate limit for an
	// incoming webhook).
	Interval time.Duration
	// QueueBytes bounds the messages waiting (default DefaultQueueBytes).
	QueueBytes int
	// Group shares the shutdown deadline with other notifiers; nil means
	// a group of its own with DefaultTimeout.
	Group *Group
	// RequestTimeout bounds one attempt (default 5s); Retry is the retry policy.
	RequestTimeout time.Duration
	Retry          RetryPolicy
	// Client overrides the HTTP client.
	Client *http.Client
	// Compared, when set, is the live run's comparison with the last
	// comparable run of the history: each alert says whether its failure
	// is new or failing since an earlier run, and the summary what is new.
	Compared *compare.Live
	Log      zerolog.Logger
}

// Slack posts alerts for fatal failures and unreachable hosts while the
// playbook runs, and a summary at the end, to a Slack incoming webhook. It
// is an event.Handler. The alerts of one task are posted as one message
// when the task ends. Messages are posted one at a time, in order, at most
// one a second.
type Slack struct {
	opts     SlackOptions
	sender   *Sender
	alerts   *taskAlerts
	playbook string // the playbook's file name
	dir      string // the playbook's directory, to shorten task paths
}

// alert is a fatal failure or an unreachable host, copied out of its event.
type alert struct {
	host, play, taskID, task, path, message string
	unreachable                             bool
	// mark is what the last comparable run says of the failure: "new",
	// "failing since ID", or "" without a history.
	mark string
}

// NewSlack returns a Slack notifier ready to receive events.
func NewSlack(opts SlackOptions) *Slack {
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultAlertMaxWait
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	if opts.Group == nil {
		opts.Group = &Group{Log: opts.Log}
	}
	s := &Slack{opts: opts}
	s.sender = NewSender(SenderOptions{
		Name: "slack", URL: opts.URL, Workers: 1, QueueBytes: opts.QueueBytes, Interval: opts.Interval,
		RequestTimeout: opts.RequestTimeout, Retry: opts.Retry, Client: opts.Client, Log: opts.Log,
	})
	s.alerts = &taskAlerts{maxWait: opts.MaxDelay, flush: s.postAlerts}
	opts.Group.join()
	return s
}

// Event turns a fatal failure or an unreachable host into an alert, posted
// with the others of its task when the next task or play starts. Ignored
// and rescued failures post nothing. It never waits on the network.
func (s *Slack) Event(ev *event.Event, _ *event.Summary) error {
	if ev.Kind == event.PlaybookStart && ev.Playbook != nil {
		s.playbook = filepath.Base(ev.Playbook.Path)
		s.dir = filepath.Dir(ev.Playbook.Path)
	}
	if ev.Kind.IsTaskStart() || ev.Kind == event.PlayStart {
		s.alerts.end()
	}
	if !isAlert(ev) {
		return nil
	}
	a := alert{host: ev.Host, unreachable: ev.Kind == event.RunnerUnreach}
	if ev.Play != nil {
		a.play = ev.Play.Name
	}
	if ev.Task != nil {
		a.taskID, a.task, a.path = ev.Task.ID, ev.Task.Name, ev.Task.Path
	}
	a.message = redact.ResultOf(ev).Message
	if ev.NoLog {
		a.message = "(the output is hidden: no_log)"
	}
	if s.opts.Compared != nil {
		a.mark = s.opts.Compared.Mark(ev.Task, ev.Host).String()
	}
	s.alerts.add(a)
	return nil
}

// Finish posts the pending alerts and the summary, then waits, at most the
// group's deadline, for the deliveries. It never returns an error.
func (s *Slack) Finish(sum *event.Summary) error {
	if s.playbook == "" && sum.Playbook != nil {
		s.playbook = filepath.Base(sum.Playbook.Path)
		s.dir = filepath.Dir(sum.Playbook.Path)
	}
	s.alerts.end()
	if s.opts.OnSuccess || !sum.Outcome().Succeeded() {
		cmp, _ := s.opts.Compared.Comparison(sum) // a history that cannot be read says so itself
		s.post("summary", summaryMessage(sum, cmp, s.playbook, s.dir))
	}
	s.opts.Group.finish(s.sender)
	return nil
}

// postAlerts posts one message for a batch of alerts.
func (s *Slack) postAlerts(batch []alert) {
	s.post("alert", alertMessage(batch, s.playbook, s.dir))
}

// post queues a message; the summary is never dropped to make room.
func (s *Slack) post(kind string, m slackMessage) {
	m.Channel = s.opts.Channel
	body, err := json.Marshal(m)
	if err != nil { // only plain strings: cannot happen
		s.opts.Log.Error().Err(err).Msg("slack: encoding a message")
		return
	}
	s.sender.Send(&Message{ID: newID(), Kind: kind, Body: body, Keep: kind == "summary"})
}
