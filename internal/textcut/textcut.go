// Package textcut shortens text for people, the one way every output of
// ansible-tap cuts a long message.
package textcut

import "unicode/utf8"

// Runes cuts s to at most limit characters (runes), the last of them "…"
// when it was cut; a limit of 0 or less leaves s whole.
func Runes(s string, limit int) string {
	if limit <= 0 || len(s) <= limit {
		return s // no more bytes than characters allowed
	}
	count := 0
	for i := range s {
		if count == limit-1 {
			if utf8.RuneCountInString(s[i:]) <= 1 {
				return s
			}
			return s[:i] + "…"
		}
		count++
	}
	return s
}
