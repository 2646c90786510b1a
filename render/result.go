package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// clean makes text from a result safe for a terminal: remote output must
// not move the cursor, recolour or retitle it. A CRLF line end becomes a
// newline; every other control character (C0 but newline and tab, DEL and
// C1) and every byte that is not UTF-8 is escaped: \r as `\r`, the others
// as `\x1b` or `\u009b`. Everything printed from a result goes through it.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r is a control character that clean escapes.
func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0)
}
