package redact

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// DefaultKeys are the key words whose values never leave ansible-tap.
var DefaultKeys = []string{
	"password", "passwd", "passphrase", "secret", "token", "key", "apikey",
	"credential", "credentials", "authorization", "cookie",
}

// Redactor hides the values under secret keys. A key matches a word when
// the word is one of its parts: "db_password", "apiKey", "X-Auth-Token" and
// "ssh_private_key_file" are secret, "monkey" and "keys" are not. It is
// safe for concurrent use.
type Redactor struct {
	words [][]byte // normalized: "_", lower case parts joined by "_", "_"
}

// New returns a Redactor for DefaultKeys and the extra words (--redact).
func New(extra ...string) *Redactor {
	r := &Redactor{}
	for _, w := range append(append([]string(nil), DefaultKeys...), extra...) {
		if n := appendNormalized(nil, w); len(n) > 0 {
			r.words = append(r.words, append(append([]byte{'_'}, n...), '_'))
		}
	}
	return r
}

// Secret reports whether the value under key must be hidden.
func (r *Redactor) Secret(key string) bool {
	var buf [64]byte
	k := append(buf[:0], '_')
	k = append(appendNormalized(k, key), '_')
	for _, w := range r.words {
		if bytes.Contains(k, w) {
			return true
		}
	}
	return false
}

// JSON returns raw with the value of every secret key, at any depth,
// replaced by "[redacted]"; null values stay null. Everything else is
// raw's own bytes, in its order; raw itself when nothing is secret. A
// value that is not JSON is returned as a JSON string, which cannot hold
// a key; nil stays nil.
func (r *Redactor) JSON(raw []byte) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	out, ok := r.redact(raw)
	if !ok {
		out, _ = json.Marshal(string(raw)) // a string always encodes
	}
	return out
}

// Label returns a loop item's label with its secrets hidden. Ansible labels
// an item by the item itself, so a dict item ({user: a, password: x}) comes
// as its JSON; that is redacted like a result. Any other label is kept.
func (r *Redactor) Label(label string) string {
	trimmed := strings.TrimSpace(label)
	if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
		return label
	}
	out, ok := r.redact([]byte(trimmed))
	if !ok {
		return label
	}
	if len(out) == len(trimmed) && string(out) == trimmed {
		return label
	}
	return string(out)
}

// redact is JSON for a value that is JSON; ok is false when raw is not.
// It walks raw once in place; a value beyond the scanner (nested deeper
// than jsonscan.MaxDepth) is decoded and encoded again by encoding/json.
func (r *Redactor) redact(raw []byte) ([]byte, bool) {
	var spans [][2]int
	start := jsonscan.SkipSpace(raw, 0)
	if end, ok := r.scan(raw, start, 0, &spans); ok && jsonscan.SkipSpace(raw, end) == len(raw) {
		if len(spans) == 0 {
			return raw, true
		}
		out := make([]byte, 0, len(raw))
		last := 0
		for _, s := range spans {
			out = append(append(out, raw[last:s[0]]...), `"`+Redacted+`"`...)
			last = s[1]
		}
		return append(out, raw[last:]...), true
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	out, err := json.Marshal(r.value(v))
	return out, err == nil
}

// scan walks the value at b[i] and notes where the values of secret keys
// lie.
func (r *Redactor) scan(b []byte, i, depth int, spans *[][2]int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '{':
		return jsonscan.EachMember(b, i, depth, func(key []byte, escaped bool, v int) (int, bool) {
			if v < len(b) && b[v] != 'n' && r.secretKey(key, escaped) {
				end, ok := jsonscan.SkipValue(b, v, depth+1)
				*spans = append(*spans, [2]int{v, end})
				return end, ok
			}
			return r.scan(b, v, depth+1, spans)
		})
	case '[':
		return jsonscan.EachElement(b, i, depth, func(v int) (int, bool) {
			return r.scan(b, v, depth+1, spans)
		})
	}
	return jsonscan.SkipValue(b, i, depth)
}

// secretKey is Secret for a key as scanned, between its quotes.
func (r *Redactor) secretKey(key []byte, escaped bool) bool {
	if !escaped {
		return r.Secret(string(key)) // no copy: the conversion does not escape
	}
	s, ok := jsonscan.Unquote(key, escaped)
	return !ok || r.Secret(s) // a key that cannot be read is hidden
}

// value is JSON for what encoding/json decodes into an any.
func (r *Redactor) value(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if r.Secret(k) && val != nil {
				out[k] = Redacted
				continue
			}
			out[k] = r.value(val)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = r.value(val)
		}
		return out
	}
	return v
}

// appendNormalized appends key split into lower-case parts at punctuation
// and at camelCase humps, joined with "_".
func appendNormalized(b []byte, key string) []byte {
	start := len(b)
	prevLower := false
	sep := func() {
		if len(b) > start && b[len(b)-1] != '_' {
			b = append(b, '_')
		}
	}
	for i := 0; i < len(key); {
		c := rune(key[i])
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				if prevLower {
					b = append(b, '_')
				}
				b = append(b, byte(c)+'a'-'A')
				prevLower = false
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				b = append(b, byte(c))
				prevLower = true
			default:
				sep()
				prevLower = false
			}
			continue
		}
		c, size := utf8.DecodeRuneInString(key[i:])
		i += size
		switch {
		case unicode.IsUpper(c):
			if prevLower {
				b = append(b, '_')
			}
			b = utf8.AppendRune(b, unicode.ToLower(c))
			prevLower = false
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			b = utf8.AppendRune(b, c)
			prevLower = true
		default:
			sep()
			prevLower = false
		}
	}
	if len(b) > start && b[len(b)-1] == '_' {
		b = b[:len(b)-1]
	}
	return b
}
