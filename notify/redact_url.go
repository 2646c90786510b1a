package notify

import (
	"errors"
	"net/url"
	"strings"
)

// RedactURL returns what of a URL may be logged: its scheme and host. The
// path, query and user info of a webhook URL often are its credential (a
// Slack incoming webhook is nothing but its path), so they are replaced.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[redacted URL]"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		out += "/[redacted]"
	}
	return out
}

// RedactError renders err without the URL it may carry: *url.Error
// prints the full URL, which is replaced by its redacted form, and any
// other copy of the URL or of its secret parts is scrubbed from the text.
func RedactError(err error, rawURL string) string {
	if err == nil {
		return ""
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: RedactURL(rawURL), Err: ue.Err}
	}
	return scrubURL(err.Error(), rawURL)
}

// scrubURL removes the URL, its path, its query and its password from s.
func scrubURL(s, rawURL string) string {
	if rawURL == "" {
		return s
	}
	secrets := []string{rawURL}
	if u, err := url.Parse(rawURL); err == nil {
		if len(u.Path) > 1 {
			secrets = append(secrets, u.EscapedPath(), u.Path)
		}
		if u.RawQuery != "" {
			secrets = append(secrets, u.RawQuery)
		}
		if p, ok := u.User.Password(); ok && p != "" {
			secrets = append(secrets, p)
		}
		if u.User != nil && u.User.Username() != "" {
			secrets = append(secrets, u.User.Username())
		}
	}
	for _, secret := range secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	return s
}
