package metrics

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/ansible-tap/ansible-tap/internal/redact"
	"github.com/ansible-tap/ansible-tap/internal/stopctx"
)

// PushJob is the Pushgateway job of every push.
const PushJob = "ansible"

// pushRun replaces the playbook's group on the Pushgateway at rawURL with
// the metrics of reg. The URL may sit under a path and carry a query (an
// API key for a gateway in front of the Pushgateway): every request keeps
// both. Credentials in the URL are sent as basic auth. The returned error
// shows the URL's scheme and host only, never its credentials, path or
// query.
func pushRun(rawURL, playbook string, reg prometheus.Gatherer, timeout time.Duration, stop <-chan struct{}) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("pushgateway: invalid URL")
	}
	// The push package appends its own path to the URL it is given, so it
	// gets the URL without the query, which the transport puts back.
	base := *u
	base.User, base.RawQuery, base.ForceQuery, base.Fragment, base.RawFragment = nil, "", false, "", ""
	transport := &pushTransport{base: http.DefaultTransport, query: u.RawQuery}
	p := push.New(base.String(), PushJob).
		Grouping("playbook", playbook).
		Gatherer(reg).
		Client(&http.Client{Timeout: timeout, Transport: transport, CheckRedirect: redact.RefuseRedirect})
	if u.User != nil {
		pass, _ := u.User.Password()
		p = p.BasicAuth(u.User.Username(), pass)
	}
	ctx, cancel := stopctx.Until(timeout, stop)
	defer cancel()
	// Push (PUT) replaces the group: the series describe the last run only.
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("pushgateway %s: %s", redact.URL(rawURL), transport.reason(err, rawURL))
	}
	return nil
}

// ValidatePushURL checks that rawURL is an http or https URL.
func ValidatePushURL(rawURL string) error {
	_, err := redact.HTTPURL(rawURL)
	return err
}
