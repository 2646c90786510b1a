package report

import (
	"strings"
	"unicode"

	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// markdownEscaper makes text literal in GitHub-flavoured Markdown: the
// characters that start emphasis, code, links or tables are escaped with a
// backslash, and those that start HTML are written as entities.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `|`, `\|`, `*`, `\*`, `_`, `\_`, `~`, `\~`,
	`[`, `\[`, `]`, `\]`, `#`, `\#`, `!`, `\!`,
	`<`, `&lt;`, `>`, `&gt;`, `&`, `&amp;`,
)

// cell is text made safe for one cell of a Markdown table: escaped, its
// line breaks kept as <br>, other control characters dropped, and cut to
// at most limit characters (0: no limit).
func cell(text string, limit int) string {
	text = textcut.Runes(strings.TrimSpace(text), limit)
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = markdownEscaper.Replace(dropControl(l))
	}
	return strings.Join(lines, "<br>")
}

// inline is text made safe for one line of Markdown outside a table.
func inline(text string) string {
	return markdownEscaper.Replace(dropControl(strings.Join(strings.Fields(text), " ")))
}

// dropControl removes control characters, such as the escape sequences of
// coloured output, that have no place in a rendered page.
func dropControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' {
			return -1
		}
		if r == '\t' {
			return ' '
		}
		return r
	}, s)
}
