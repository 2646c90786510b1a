package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"strings"

	"github.com/ansible-tap/ansible-tap/event"
)

// htmlAssets are the report's template, style sheet and script, which every
// report carries inline.
//
//go:embed html/report.html.tmpl html/report.css html/report.js html/sortable.js
//go:embed html/compare.html.tmpl html/compare.css html/compare.js
var htmlAssets embed.FS

var (
	reportStyle    = mustAsset("html/report.css")
	reportScript   = mustAsset("html/report.js")
	sortableScript = mustAsset("html/sortable.js")
	reportTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"ms":           formatMS,
		"add":          func(a, b int) int { return a + b },
		"statuses":     func() []event.Status { return timelineStatuses },
		"recapColumns": event.RecapStatuses,
		"diffLines":    diffLines,
	}).ParseFS(htmlAssets, "html/report.html.tmpl"))
	// reportCSP lets the page run its own style and script, identified by
	// their hashes, and nothing else: no request leaves the page. The
	// comparison's style sheet styles its "Since the last run" section.
	reportCSP = "default-src 'none'; style-src " + cspHash(reportStyle) + " " + cspHash(comparisonStyle) + "; script-src " + cspHash(sortableScript) +
		" " + cspHash(reportScript) + "; img-src data:; base-uri 'none'; form-action 'none'"

	// The comparison's page: the report's style sheet and its own, the
	// sortable tables and its own script.
	comparisonStyle    = mustAsset("html/compare.css")
	comparisonScript   = mustAsset("html/compare.js")
	comparisonTemplate = template.Must(template.New("compare.html.tmpl").Funcs(template.FuncMap{
		"ms":           formatMS,
		"add":          func(a, b int) int { return a + b },
		"recapColumns": event.RecapStatuses,
	}).ParseFS(htmlAssets, "html/compare.html.tmpl"))
	comparisonCSP = "default-src 'none'; style-src " + cspHash(reportStyle) + " " + cspHash(comparisonStyle) +
		"; script-src " + cspHash(sortableScript) + " " + cspHash(comparisonScript) +
		"; img-src data:; base-uri 'none'; form-action 'none'"
)

func mustAsset(name string) string {
	data, err := htmlAssets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// cspHash is the Content-Security-Policy source that allows exactly the
// inline element whose text is text.
func cspHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// renderPage executes the report's template.
func renderPage(p *page) ([]byte, error) {
	var buf bytes.Buffer
	err := reportTemplate.Execute(&buf, struct {
		*page
		CSP      string
		Style    template.CSS
		Compare  template.CSS
		Sortable template.JS
		Script   template.JS
		Data     template.JS
	}{
		page: p, CSP: reportCSP, Style: template.CSS(reportStyle), Compare: template.CSS(comparisonStyle),
		Sortable: template.JS(sortableScript), Script: template.JS(reportScript),
		// encoding/json escaped <, > and &: the data cannot end its element.
		Data: template.JS(p.Timeline),
	})
	return buf.Bytes(), err
}

// diffLine is a line of a diff and its class: da added, dd deleted, dk a
// hunk header, dh a file header.
type diffLine struct {
	Class string
	Text  string
}

// diffLines splits a unified diff into lines for the page.
func diffLines(diff string) []diffLine {
	var lines []diffLine
	for _, text := range strings.Split(strings.TrimRight(diff, "\n"), "\n") {
		class := ""
		switch {
		case strings.HasPrefix(text, "+++"), strings.HasPrefix(text, "---"):
			class = "dh"
		case strings.HasPrefix(text, "@@"):
			class = "dk"
		case strings.HasPrefix(text, "+"):
			class = "da"
		case strings.HasPrefix(text, "-"):
			class = "dd"
		}
		lines = append(lines, diffLine{class, text})
	}
	return lines
}
