package textcut

import "testing"

func TestRunes(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"", 3, ""},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"abcd", 0, "abcd"},
		{"abcd", -1, "abcd"},
		{"abcd", 1, "…"},
		{"héllo", 5, "héllo"}, // 6 bytes, 5 characters
		{"héllo wörld", 6, "héllo…"},
		{"日本語のテキスト", 4, "日本語…"},
	} {
		if got := Runes(tc.in, tc.limit); got != tc.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
		}
	}
}
