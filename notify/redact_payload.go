package notify

import (
	"encoding/json"
	"strings"
	"unicode"
)

// Redacted replaces the values of secret keys in payloads.
const Redacted = "[redacted]"

// DefaultRedactKeys are the key words whose values never leave ansible-tap.
var DefaultRedactKeys = []string{
	"password", "passwd", "passphrase", "secret", "token", "key", "apikey",
	"credential", "credentials", "authorization", "cookie",
}

// Redactor hides the values under secret keys. A key matches a word when
// the word is one of its parts: "db_password", "apiKey", "X-Auth-Token" and
// "ssh_private_key_file" are secret, "monkey" and "keys" are not.
type Redactor struct {
	words []string // normalized: lower case parts joined by "_"
}

// NewRedactor returns a Redactor for DefaultRedactKeys and extra words.
func NewRedactor(extra ...string) *Redactor {
	r := &Redactor{}
	for _, w := range append(append([]string(nil), DefaultRedactKeys...), extra...) {
		if n := normalizeKey(w); n != "" {
			r.words = append(r.words, "_"+n+"_")
		}
	}
	return r
}

// Secret reports whether the value under key must be hidden.
func (r *Redactor) Secret(key string) bool {
	k := "_" + normalizeKey(key) + "_"
	for _, w := range r.words {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// Value returns v with every secret key's value, at any depth, replaced.
// v is what encoding/json decodes into an any.
func (r *Redactor) Value(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if r.Secret(k) && val != nil {
				out[k] = Redacted
				continue
			}
			out[k] = r.Value(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = r.Value(val)
		}
		return out
	}
	return v
}

// JSON decodes raw and returns it redacted; nil when raw is empty. A value
// that is not JSON is returned as a string, which cannot hold a key.
func (r *Redactor) JSON(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	return r.Value(v)
}

// Label returns a loop item's label with its secrets hidden. Ansible labels
// an item by the item itself, so a dict item ({user: a, password: x}) comes
// as its JSON; that is redacted like a result. Any other label is kept.
func (r *Redactor) Label(label string) string {
	trimmed := strings.TrimSpace(label)
	if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
		return label
	}
	var v any
	if json.Unmarshal([]byte(trimmed), &v) != nil {
		return label
	}
	out, err := json.Marshal(r.Value(v))
	if err != nil {
		return label
	}
	return string(out)
}

// normalizeKey splits a key into lower-case parts at punctuation and at
// camelCase humps, and joins them with "_".
func normalizeKey(key string) string {
	var b strings.Builder
	prevLower := false
	for _, c := range key {
		switch {
		case unicode.IsUpper(c):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
			prevLower = false
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			b.WriteRune(c)
			prevLower = true
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		}
	}
	return strings.Trim(b.String(), "_")
}
