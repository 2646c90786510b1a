package metrics

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
)

// PushJob is the Pushgateway job of every push.
const PushJob = "ansible"

// pushRun replaces the playbook's group on the Pushgateway at rawURL with the
// metrics of reg. Credentials in the URL are sent as basic auth and never
// appear in the returned error.
func pushRun(rawURL, playbook string, reg prometheus.Gatherer, timeout time.Duration, stop <-chan struct{}) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("pushgateway: invalid URL")
	}
	user := u.User
	u.User = nil
	p := push.New(u.String(), PushJob).
		Grouping("playbook", playbook).
		Gatherer(reg).
		Client(&http.Client{Timeout: timeout})
	if user != nil {
		pass, _ := user.Password()
		p = p.BasicAuth(user.Username(), pass)
	}
	ctx, cancel := contextUntil(timeout, stop)
	defer cancel()
	// Push (PUT) replaces the group: the series describe the last run only.
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("pushgateway %s: %s", redactURL(rawURL), strings.ReplaceAll(err.Error(), rawURL, redactURL(rawURL)))
	}
	return nil
}

// redactURL is rawURL with any password replaced, for logs and errors.
func redactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// ValidatePushURL checks that rawURL is an http or https URL.
func ValidatePushURL(rawURL string) error {
	return validateHTTPURL(rawURL)
}

func validateHTTPURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not an absolute http:// or https:// URL (the value is not shown: it may hold credentials)")
	}
	return nil
}

// contextUntil is a context that ends after timeout, or when stop is closed.
func contextUntil(timeout time.Duration, stop <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	if stop != nil {
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ctx, cancel
}
