package event

import "testing"

func TestSplitTaskPath(t *testing.T) {
	for _, tc := range []struct{ path, file, line string }{
		{"site.yml:12", "site.yml", "12"},
		{"/work/roles/web/tasks/main.yml:3", "/work/roles/web/tasks/main.yml", "3"},
		{"C:/play/site.yml:7", "C:/play/site.yml", "7"}, // the last colon
		{"site.yml", "site.yml", ""},
		{"", "", ""},
		{"site.yml:", "site.yml:", ""},
		{":12", ":12", ""}, // no file
		{"site.yml:+12", "site.yml:+12", ""},
		{"site.yml:-1", "site.yml:-1", ""},
		{"site.yml:1a", "site.yml:1a", ""},
		{"site.yml:١٢", "site.yml:١٢", ""}, // digits, but not ASCII
		{"site.yml:99999999999999999999", "site.yml", "99999999999999999999"},
	} {
		file, line := SplitTaskPath(tc.path)
		if file != tc.file || line != tc.line {
			t.Errorf("SplitTaskPath(%q) = %q, %q; want %q, %q", tc.path, file, line, tc.file, tc.line)
		}
	}
}
