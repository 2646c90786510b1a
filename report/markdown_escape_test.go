package report

import (
	"fmt"
	"strings"
	"testing"
)

// TestCellReadsLiterallyOnGitHub renders cells through cmark-gfm: each
// must stay one cell and read exactly as the text it came from.
func TestCellReadsLiterallyOnGitHub(t *testing.T) {
	texts := []struct{ name, text, want string }{
		{"plain", "hello", "hello"},
		{"pipe", "a | b || c", "a | b || c"},
		{"escaped pipe", `a \| b`, `a \| b`},
		{"backticks", "run `rm -rf` now ``x``", "run `rm -rf` now ``x``"},
		{"html", "<b>bold</b> <script>alert(1)</script> <!-- c -->", "<b>bold</b> <script>alert(1)</script> <!-- c -->"},
		{"entities", "&amp; &lt; & AT&T", "&amp; &lt; & AT&T"},
		{"emphasis", "*a* _b_ **c** ~~d~~ ~e~", "*a* _b_ **c** ~~d~~ ~e~"},
		{"link", "[x](http://y) ![i](z.png) <http://w>", "[x](http://y) ![i](z.png) <http://w>"},
		{"heading and list", "# not a heading\n- not a list\n1. nor this", "# not a heading\n- not a list\n1. nor this"},
		{"newlines", "one\ntwo\r\nthree", "one\ntwo\nthree"},
		{"backslashes", `C:\path\to\ \* \\`, `C:\path\to\ \* \\`},
		{"ansi colour", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"tab", "a\tb", "a b"},
	}
	var md strings.Builder
	md.WriteString("| name | text |\n|---|---|\n")
	for _, c := range texts {
		fmt.Fprintf(&md, "| %s | %s |\n", c.name, cell(c.text, 0))
	}
	tables := htmlTables(renderGFM(t, []byte(md.String())))
	if len(tables) != 1 || len(tables[0]) != len(texts)+1 {
		t.Fatalf("want one table of %d rows, got %q from\n%s", len(texts)+1, tables, md.String())
	}
	for i, c := range texts {
		t.Run(c.name, func(t *testing.T) {
			row := tables[0][i+1]
			if len(row) != 2 || row[0] != c.name {
				t.Fatalf("the row is %q; the cell %q broke the table", row, cell(c.text, 0))
			}
			if row[1] != c.want {
				t.Errorf("GitHub shows %q, want %q (cell %q)", row[1], c.want, cell(c.text, 0))
			}
		})
	}
}

// TestInlineReadsLiterallyOnGitHub renders a heading built with inline.
func TestInlineReadsLiterallyOnGitHub(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"site.yml", "site.yml"},
		{"play_books/*/[x]`y` <b> #1", "play_books/*/[x]`y` <b> #1"},
		{"two\nlines", "two lines"},
	} {
		page := renderGFM(t, []byte("## "+inline(c.text)+"\n"))
		got := htmlText(page)
		if got != c.want {
			t.Errorf("inline(%q) shows %q, want %q (page %q)", c.text, got, c.want, page)
		}
	}
}

func htmlText(page string) string {
	return strings.TrimSpace(unescapeHTML(tagPattern.ReplaceAllString(page, "")))
}
