package report

import (
	"bytes"
	"html"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// renderGFM renders Markdown to HTML with cmark-gfm, the renderer GitHub
// uses (Debian package cmark-gfm), with GitHub's table extension.
func renderGFM(t *testing.T, markdown []byte) string {
	t.Helper()
	cmd := exec.Command(testio.RequireTool(t, "cmark-gfm"), "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough")
	cmd.Stdin = bytes.NewReader(markdown)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

var (
	tablePattern = regexp.MustCompile(`(?s)<table>.*?</table>`)
	rowPattern   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellPattern  = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	tagPattern   = regexp.MustCompile(`<[^>]+>`)
)

// htmlTables returns every table of a rendered page as rows of cells, each
// cell as the text a reader sees, with <br> as a line break.
func htmlTables(page string) [][][]string {
	var tables [][][]string
	for _, table := range tablePattern.FindAllString(page, -1) {
		var rows [][]string
		for _, row := range rowPattern.FindAllStringSubmatch(table, -1) {
			var cells []string
			for _, c := range cellPattern.FindAllStringSubmatch(row[1], -1) {
				text := strings.NewReplacer("<br />", "\n", "<br>", "\n").Replace(c[1])
				cells = append(cells, unescapeHTML(tagPattern.ReplaceAllString(text, "")))
			}
			rows = append(rows, cells)
		}
		tables = append(tables, rows)
	}
	return tables
}

func unescapeHTML(s string) string { return html.UnescapeString(s) }
