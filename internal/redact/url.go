// Package redact keeps secrets out of everything ansible-tap sends over
// the network or writes to its log: the credentials a destination's URL
// carries (a Slack webhook is nothing but its path, a Pushgateway may take
// an API key in its query), the values under secret keys in results, and
// the results of no_log tasks. Every network output uses it, so one rule
// holds for all of them.
package redact

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// Redacted replaces a hidden value, or the hidden part of a URL.
const Redacted = "[redacted]"

// URL returns what of a URL may be logged: its scheme and host. The path,
// query, fragment and user info of a destination's URL often are its
// credential, so they are replaced by one "/[redacted]".
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[redacted URL]"
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		out += "/" + Redacted
	}
	return out
}

// Text returns s without the URL rawURL or any of its secret parts (path,
// query, the values in the query, user name, password, fragment), nor any
// of the other secrets.
func Text(s, rawURL string, secrets ...string) string {
	for _, secret := range append(urlSecrets(rawURL), secrets...) {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return s
}

// minEchoed is the shortest part of a URL (a query value, a path segment)
// that is looked for on its own in a text: shorter ones ("1", "v2") would
// turn ordinary words and numbers into [redacted].
const minEchoed = 6

// urlSecrets are the strings of rawURL that must not appear in a text,
// longest first, so that the whole URL is replaced before its parts.
func urlSecrets(rawURL string) []string {
	if rawURL == "" {
		return nil
	}
	secrets := []string{rawURL}
	u, err := url.Parse(rawURL)
	if err != nil {
		return secrets
	}
	if len(u.Path) > 1 || u.RawQuery != "" {
		secrets = append(secrets, u.RequestURI())
	}
	if len(u.Path) > 1 {
		secrets = append(secrets, u.EscapedPath(), u.Path)
		for _, segment := range strings.Split(u.Path, "/") {
			if len(segment) >= minEchoed {
				secrets = append(secrets, segment)
			}
		}
	}
	if u.RawQuery != "" {
		secrets = append(secrets, u.RawQuery)
		values, _ := url.ParseQuery(u.RawQuery)
		for _, vs := range values {
			for _, v := range vs {
				if len(v) >= minEchoed {
					secrets = append(secrets, v, url.QueryEscape(v))
				}
			}
		}
	}
	if u.Fragment != "" {
		secrets = append(secrets, u.Fragment)
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			secrets = append(secrets, p)
		}
		if name := u.User.Username(); name != "" {
			secrets = append(secrets, name)
		}
	}
	// Longest first: a part never cuts a longer secret that contains it.
	for i := 1; i < len(secrets); i++ {
		for j := i; j > 0 && len(secrets[j]) > len(secrets[j-1]); j-- {
			secrets[j], secrets[j-1] = secrets[j-1], secrets[j]
		}
	}
	return secrets
}

// Response is the start of a destination's error answer, on one line and
// at most 200 characters (textcut.Runes), without the URL's secrets or the other secrets (a
// token, a signing secret), which a receiver may echo back.
func Response(body []byte, rawURL string, secrets ...string) string {
	return textcut.Runes(strings.Join(strings.Fields(Text(string(body), rawURL, secrets...)), " "), 200)
}

// RefuseRedirect is the CheckRedirect of every network output's HTTP
// client: a redirect would carry the credentials (a query, basic auth,
// a bearer token) to another place, so the redirect answer is returned
// as it is, and reported as a failure.
func RefuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Error renders err for a log line without the secrets of rawURL: a
// failure of a known kind (TLS, DNS, a refused or closed connection, a
// timeout) is named in plain words, and any other text has the URL that
// Go's *url.Error prints in full replaced by its redacted form, and every
// secret part of rawURL scrubbed.
func Error(err error, rawURL string) string {
	if err == nil {
		return ""
	}
	if class := errorClass(err); class != "" {
		return Text(class, rawURL)
	}
	var ue *url.Error
	if errors.As(err, &ue) { // the URL it names may be rawURL, or one made from it
		err = &url.Error{Op: ue.Op, URL: URL(ue.URL), Err: ue.Err}
	}
	return Text(err.Error(), rawURL)
}

// ErrNotHTTPURL is HTTPURL's error. It never repeats the value, which may
// hold credentials.
var ErrNotHTTPURL = errors.New("not an absolute http:// or https:// URL (the value is not shown: it may hold credentials)")

// HTTPURL parses raw as an absolute http or https URL, the only kind that
// a network output or a run's CI link takes.
func HTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ErrNotHTTPURL
	}
	return u, nil
}
