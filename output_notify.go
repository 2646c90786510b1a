package main

import (
	"os"
	"strings"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/redact"
	"github.com/ansible-tap/ansible-tap/internal/size"
	"github.com/ansible-tap/ansible-tap/notify"
)

// notifyOutput is the Slack and webhook notifiers. Their credentials come
// from the environment; a URL given on the command line is never echoed.
func notifyOutput() output {
	return output{
		flags: []cli.Flag{
			&cli.StringFlag{Name: "slack", Usage: "post failures and a summary to this Slack incoming webhook `URL`", EnvVars: []string{"SLACK_WEBHOOK_URL", "ANSIBLE_TAP_SLACK_WEBHOOK"}},
			&cli.StringFlag{Name: "slack-channel", Usage: "post to this Slack `CHANNEL` instead of the webhook's own", EnvVars: []string{"SLACK_CHANNEL"}},
			// SLACK_NOTIFY_SUCCESS is shared with other tools, which write it
			// as yes/no too: it is read by envSwitch, not as a strict bool.
			&cli.BoolFlag{Name: "slack-on-success", Usage: "post a Slack summary also when the run did not fail (also SLACK_NOTIFY_SUCCESS=true|yes|1)"},
			&cli.StringFlag{Name: "webhook", Usage: "post the run's events as JSON to this `URL` (token: ANSIBLE_TAP_WEBHOOK_TOKEN, signing secret: ANSIBLE_TAP_WEBHOOK_SECRET)", EnvVars: []string{"ANSIBLE_TAP_WEBHOOK_URL", "ANSIBLE_WEBHOOK_URL"}},
			&cli.StringFlag{Name: "webhook-events", Value: "all", Usage: "webhook `EVENTS`: all, failures or summary", EnvVars: []string{"ANSIBLE_TAP_WEBHOOK_EVENTS"}},
			&cli.BoolFlag{Name: "webhook-batch", Usage: "when deliveries fall behind, post up to 100 waiting events in one request, as a JSON array (the receiver must accept it)", EnvVars: []string{"ANSIBLE_TAP_WEBHOOK_BATCH"}},
			&cli.StringFlag{Name: "notify-queue-size", Value: "8MiB", Usage: "each notifier holds at most `SIZE` of undelivered payloads, dropping the oldest beyond it", EnvVars: []string{"ANSIBLE_TAP_NOTIFY_QUEUE_SIZE"}},
			&cli.DurationFlag{Name: "notify-timeout", Value: notify.DefaultTimeout, Usage: "at the end, wait at most `DURATION` for notifications to be delivered", EnvVars: []string{"ANSIBLE_TAP_NOTIFY_TIMEOUT"}},
		},
		handlers: notifyHandlers,
	}
}

func notifyHandlers(c *cli.Context, env *outputEnv) ([]event.Handler, error) {
	slackURL, webhookURL := c.String("slack"), c.String("webhook")
	if err := checkNotifyURL(slackURL); err != nil {
		return nil, usagef("--slack: %v", err)
	}
	if err := checkNotifyURL(webhookURL); err != nil {
		return nil, usagef("--webhook: %v", err)
	}
	events, err := notify.ParseEventFilter(c.String("webhook-events"))
	if err != nil {
		return nil, usagef("--webhook-events: %v", err)
	}
	queueBytes, err := size.Parse(c.String("notify-queue-size"))
	if err != nil {
		return nil, usagef("--notify-queue-size: %v", err)
	}
	timeout := c.Duration("notify-timeout")
	if timeout <= 0 {
		return nil, usagef("--notify-timeout: must be positive, got %s", timeout)
	}
	log := env.Log.With().Str("component", "notify").Logger()
	onSuccess := c.Bool("slack-on-success")
	if !c.IsSet("slack-on-success") {
		onSuccess = envSwitch("SLACK_NOTIFY_SUCCESS", log)
	}
	group := &notify.Group{Timeout: timeout, Stop: env.Stop, Log: log}
	var handlers []event.Handler
	if slackURL != "" {
		handlers = append(handlers, notify.NewSlack(notify.SlackOptions{
			URL: slackURL, Channel: c.String("slack-channel"), OnSuccess: onSuccess,
			QueueBytes: queueBytes, Compared: env.Compared, Group: group, Log: log,
		}))
	}
	if webhookURL != "" {
		handlers = append(handlers, notify.NewWebhook(notify.WebhookOptions{
			URL: webhookURL, Events: events, Redact: env.Redact, Group: group, Log: log,
			Batch: c.Bool("webhook-batch"), QueueBytes: queueBytes,
			Token:  firstEnv("ANSIBLE_TAP_WEBHOOK_TOKEN", "ANSIBLE_WEBHOOK_TOKEN"),
			Secret: firstEnv("ANSIBLE_TAP_WEBHOOK_SECRET"),
		}))
	}
	return handlers, nil
}

// checkNotifyURL accepts an empty value or an absolute http(s) URL. Its
// message never repeats the URL, which is a credential.
func checkNotifyURL(raw string) error {
	if raw == "" {
		return nil
	}
	_, err := redact.HTTPURL(raw)
	return err
}

// firstEnv is the first of the environment variables that is set and not empty.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// envSwitch reads an on/off environment variable the way people write it:
// 1, true, yes, on (or 0, false, no, off), in any case. Another value is
// off, with a warning: a notification setting never stops the run.
func envSwitch(name string, log zerolog.Logger) bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv(name)))
	switch v {
	case "1", "true", "yes", "y", "on":
		return true
	case "", "0", "false", "no", "n", "off":
		return false
	}
	log.Warn().Str("variable", name).Msg("not an on/off value (1, true, yes, on, 0, false, no, off); taken as off")
	return false
}
