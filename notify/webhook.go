package notify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// DefaultWebhookWorkers bounds the concurrent deliveries of a webhook.
const DefaultWebhookWorkers = 32

// BatchMax is the most payloads in one request of a webhook with Batch.
const BatchMax = 100

// batchBytes bounds the payloads of one batch, as estimated while queued.
const batchBytes = 4 << 20

// payloadOverhead estimates what a queued payload holds besides its
// result, message and item: the envelope and the task's names.
const payloadOverhead = 1024

// EventFilter says which events a webhook receives.
type EventFilter string

// The event filters of --webhook-events.
const (
	// AllEvents sends every playbook, play, task, result, item and retry event, and the summary.
	AllEvents EventFilter = "all"
	// FailureEvents sends fatal failures and unreachable hosts, and the summary.
	FailureEvents EventFilter = "failures"
	// SummaryEvents sends the summary only.
	SummaryEvents EventFilter = "summary"
)

// ParseEventFilter reads the value of --webhook-events.
func ParseEventFilter(s string) (EventFilter, error) {
	switch f := EventFilter(s); f {
	case AllEvents, FailureEvents, SummaryEvents:
		return f, nil
	case "":
		return AllEvents, nil
	}
	return "", fmt.Errorf("unknown value %q: want all, failures or summary", s)
}

// WebhookOptions configure a Webhook.
type WebhookOptions struct {
	// URL receives the payloads; it is never logged.
	URL string
	// Events chooses the events sent; empty means AllEvents.
	Events EventFilter
	// Token, when set, is sent as "Authorization: Bearer TOKEN".
	Token string
	// Secret, when set, signs each body (see Sign and Verify).
	Secret string
	// Redact adds key words to redact.DefaultKeys (--redact).
	Redact []string
	// Group shares the shutdown deadline with other notifiers; nil means
	// a group of its own with DefaultTimeout.
	Group *Group
	// Workers bounds the concurrent deliveries (default
	// DefaultWebhookWorkers); they start as the backlog grows.
	Workers int
	// QueueBytes bounds the waiting payloads (default DefaultQueueBytes).
	QueueBytes int
	// Batch lets a backlog go as JSON arrays of up to BatchMax payloads in
	// one request; the receiver must accept them (--webhook-batch).
	Batch bool
	// RequestTimeout bounds one attempt (default 5s); Retry is the retry policy.
	RequestTimeout time.Duration
	Retry          RetryPolicy
	// Client overrides the HTTP client.
	Client *http.Client
	Log    zerolog.Logger
}

// Webhook posts the events of a run as JSON to an HTTP endpoint. It is a
// event.Handler.
type Webhook struct {
	events     EventFilter
	playbookID string
	redactor   *redact.Redactor
	sender     *Sender
	group      *Group
	seq        int64
	name       string
}

// NewWebhook returns a Webhook ready to receive events.
func NewWebhook(opts WebhookOptions) *Webhook {
	if opts.Events == "" {
		opts.Events = AllEvents
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWebhookWorkers
	}
	batchMax := 0
	if opts.Batch {
		batchMax = BatchMax
	}
	if opts.Group == nil {
		opts.Group = &Group{Log: opts.Log}
	}
	token, secret := opts.Token, opts.Secret
	w := &Webhook{
		events:     opts.Events,
		playbookID: newID(),
		redactor:   redact.New(opts.Redact...),
		group:      opts.Group,
	}
	w.sender = NewSender(SenderOptions{
		Name: "webhook", URL: opts.URL, Secrets: []string{token, secret}, Workers: opts.Workers, QueueBytes: opts.QueueBytes,
		BatchMax: batchMax, BatchBytes: batchBytes,
		RequestTimeout: opts.RequestTimeout, Retry: opts.Retry, Client: opts.Client, Log: opts.Log,
		Prepare: func(req *http.Request, m *Message, body []byte) {
			req.Header.Set(HeaderDelivery, m.ID)
			req.Header.Set(HeaderEvent, m.Kind)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			if secret != "" {
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				req.Header.Set(HeaderTimestamp, ts)
				req.Header.Set(HeaderSignature, Sign(secret, ts, body))
			}
		},
	})
	w.group.join()
	return w
}

// PlaybookID is the id that every payload of this run carries.
func (w *Webhook) PlaybookID() string { return w.playbookID }

// Event queues the payload of ev, if the filter wants it. It copies what it
// needs from ev and never waits on the network.
func (w *Webhook) Event(ev *event.Event, s *event.Summary) error {
	if ev.Kind == event.PlaybookStart && ev.Playbook != nil {
		w.name = filepath.Base(ev.Playbook.Path)
	}
	eventType := webhookEventType(ev)
	if eventType == "" || !w.wants(eventType, ev) {
		return nil
	}
	d := EventData{
		Kind:     string(ev.Kind),
		Play:     playInfo(ev.Play),
		Task:     taskInfo(ev.Task),
		Host:     ev.Host,
		Playbook: playbookInfo(ev),
		NoLog:    ev.NoLog,
	}
	if ev.Result != nil {
		d.Status = ev.Status()
		d.Disposition = ev.Disposition
		d.Changed = ev.Result.Changed
	}
	// What may leave of the result: nothing under no_log. Its values are
	// the result's private copy (ev.Raw is not kept), redacted on a worker.
	shown := redact.ResultOf(ev)
	size := payloadOverhead + len(shown.Values) + len(shown.Message) + len(shown.Item)
	w.send(eventType, ev.Time, size, func(env Envelope) ([]byte, error) {
		shown = shown.Redact(w.redactor)
		d.Message, d.Item = shown.Message, shown.Item
		return encodeEvent(env, d, shown.Values)
	})
	return nil
}

// Finish sends the summary and waits, at most the group's deadline, for
// the deliveries. It never returns an error: a notifier failure is logged.
func (w *Webhook) Finish(s *event.Summary) error {
	if w.name == "" && s.Playbook != nil {
		w.name = filepath.Base(s.Playbook.Path)
	}
	d := summaryData(s)
	w.send(EventPlaybookEnd, time.Now(), payloadOverhead, func(env Envelope) ([]byte, error) {
		env.Data = d
		return json.Marshal(env)
	})
	w.group.finish(w.sender)
	return nil
}

// send numbers the payload and queues it, size its estimated bytes; encode
// makes its body of the envelope, on a worker. The summary is never
// dropped to make room.
func (w *Webhook) send(eventType string, at time.Time, size int, encode func(Envelope) ([]byte, error)) {
	w.seq++
	env := Envelope{
		SchemaVersion: SchemaVersion, EventType: eventType, PlaybookID: w.playbookID,
		PlaybookName: w.name, Sequence: w.seq, Timestamp: timestamp(at),
	}
	w.sender.Send(&Message{ID: newID(), Kind: eventType, Size: size, Keep: eventType == EventPlaybookEnd,
		Build: func() ([]byte, error) { return encode(env) }})
}

func (w *Webhook) wants(eventType string, ev *event.Event) bool {
	switch w.events {
	case AllEvents:
		return true
	case FailureEvents:
		return eventType == EventTaskResult && isAlert(ev)
	}
	return false // the summary is sent by Finish
}

// isAlert reports whether ev is a fatal failure or an unreachable host: a
// host result that stopped its host.
func isAlert(ev *event.Event) bool {
	return ev.Kind.IsHostResult() && ev.Status().Stops()
}

func webhookEventType(ev *event.Event) string {
	switch {
	case ev.Kind == event.PlaybookStart:
		return EventPlaybookStart
	case ev.Kind == event.PlayStart:
		return EventPlayStart
	case ev.Kind.IsTaskStart():
		return EventTaskStart
	case ev.Kind.IsHostResult():
		return EventTaskResult
	case ev.Kind.IsItem():
		return EventItemResult
	case ev.Kind == event.RunnerRetry:
		return EventTaskRetry
	}
	return ""
}

func playbookInfo(ev *event.Event) *PlaybookInfo {
	if ev.Kind != event.PlaybookStart || ev.Playbook == nil {
		return nil
	}
	p := ev.Playbook
	return &PlaybookInfo{Path: p.Path, Check: p.Check, Diff: p.Diff, AnsibleVersion: p.AnsibleVersion}
}
