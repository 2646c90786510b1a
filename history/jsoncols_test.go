package history

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeJSONColumns reads the JSON columns as encoding/json would,
// through jsonscan or, where it gives up, encoding/json itself.
func TestDecodeJSONColumns(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`[]`, nil},
		{`["a"]`, []string{"a"}},
		{`["a","b\"c","\u00e9\n",""]`, []string{"a", `b"c`, "é\n", ""}},
		{`[ "a" , "b" ]`, []string{"a", "b"}},
	} {
		got, err := decodeStrings([]byte(tc.in))
		if err != nil || !cmp.Equal(tc.want, got) {
			t.Errorf("decodeStrings(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want map[string]string
	}{
		{`{}`, nil},
		{`{"env":"prod","team":"web"}`, map[string]string{"env": "prod", "team": "web"}},
		{`{"\u00e9":"x\u001b"}`, map[string]string{"é": "x\x1b"}},
	} {
		got, err := decodeLabels([]byte(tc.in))
		if err != nil || !cmp.Equal(tc.want, got) {
			t.Errorf("decodeLabels(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `[`, `["a",]`, `[1]`, `["a"]x`, `{"a":1}`, `null x`} {
		if got, err := decodeStrings([]byte(bad)); err == nil {
			t.Errorf("decodeStrings(%s) = %q, want an error", bad, got)
		}
		if got, err := decodeLabels([]byte(bad)); err == nil {
			t.Errorf("decodeLabels(%s) = %q, want an error", bad, got)
		}
	}
}
