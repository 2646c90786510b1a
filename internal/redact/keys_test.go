package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
)

func TestRedactorKeys(t *testing.T) {
	r := New("vault_pin")
	tests := []struct {
		key    string
		secret bool
	}{
		{"password", true},
		{"db_password", true},
		{"MYSQL_PASSWORD", true},
		{"apiKey", true},
		{"APIKey", true},
		{"X-Auth-Token", true},
		{"ssh_private_key_file", true},
		{"client_secret", true},
		{"Authorization", true},
		{"vault_pin", true}, // --redact
		{"VaultPin", true},
		{"monkey", false},
		{"keys", false},
		{"tokenizer", false},
		{"msg", false},
		{"changed", false},
		{"pin", false},
	}
	for _, tt := range tests {
		if got := r.Secret(tt.key); got != tt.secret {
			t.Errorf("Secret(%q) = %t, want %t", tt.key, got, tt.secret)
		}
	}
}

func TestRedactorJSON(t *testing.T) {
	r := New("vault_pin")
	deep := strings.Repeat("[", 1200) + `{"token":"t0k"}` + strings.Repeat("]", 1200)
	tests := []struct{ name, in, want string }{
		{"nothing secret: the same bytes", `{"msg":"done", "b":1,"a":[true,null]}`, `{"msg":"done", "b":1,"a":[true,null]}`},
		{"at any depth, in order",
			`{"msg":"done","ansible_facts":{"db_password":"hunter2","users":[{"name":"a","api_token":"t0k"}]},"token":null,"count":3}`,
			`{"msg":"done","ansible_facts":{"db_password":"[redacted]","users":[{"name":"a","api_token":"[redacted]"}]},"token":null,"count":3}`},
		{"a whole object or list", `{"secret":{"a":1},"keys":["k"],"apiKey":[1,2]}`, `{"secret":"[redacted]","keys":["k"],"apiKey":"[redacted]"}`},
		{"an escaped key", `{"pass\u0077ord":"x", "vault_pin" : 1234}`, `{"pass\u0077ord":"[redacted]", "vault_pin" : "[redacted]"}`},
		{"not JSON", `{"password": oops`, `"{\"password\": oops"`},
		{"deeper than the scanner", deep, strings.Repeat("[", 1200) + `{"token":"[redacted]"}` + strings.Repeat("]", 1200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.JSON([]byte(tt.in))
			if string(got) != tt.want {
				t.Errorf("JSON(%.80s)\n got %.200s\nwant %.200s", tt.in, got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("JSON(%.80s) is not JSON: %.200s", tt.in, got)
			}
		})
	}
	if r.JSON(nil) != nil {
		t.Error("an empty result should stay absent")
	}
}

func TestRedactorLabel(t *testing.T) {
	r := New()
	for _, tc := range []struct{ in, want string }{
		{"web01", "web01"},
		{"", ""},
		{`{"password":"x","user":"alice"}`, `{"password":"[redacted]","user":"alice"}`},
		{`{"user": "alice", "password": "x"}`, `{"user": "alice", "password": "[redacted]"}`},
		{`[{"api_token":"t"},"plain"]`, `[{"api_token":"[redacted]"},"plain"]`},
		{`{not json`, `{not json`},
		{` {"user":"alice"}`, ` {"user":"alice"}`},
	} {
		if got := r.Label(tc.in); got != tc.want {
			t.Errorf("Label(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The rule of every network output: nothing of a no_log result leaves,
// and the secrets of any other are hidden.
func TestResult(t *testing.T) {
	r := New()
	rc := 2
	result := &event.Result{Failed: true, Msg: "failed", Stderr: "boom", RC: &rc,
		Raw: []byte(`{"msg":"failed","api_token":"T0k3n"}`)}
	ev := &event.Event{Kind: event.ItemFailed, Host: "web", Item: `{"user":"u","password":"P4ss"}`, DiffText: "-a\n+b\n", Result: result}
	got := ResultOf(ev).Redact(r)
	want := Result{Message: "failed (rc=2): boom", Item: `{"user":"u","password":"[redacted]"}`,
		Values: []byte(`{"msg":"failed","api_token":"[redacted]"}`), Diff: "-a\n+b\n"}
	if got.Message != want.Message || got.Item != want.Item || string(got.Values) != string(want.Values) || got.Diff != want.Diff {
		t.Errorf("result\n got %+v\nwant %+v", got, want)
	}
	ev.NoLog = true
	if got := ResultOf(ev).Redact(r); got.Message != "" || got.Item != "" || got.Values != nil || got.Diff != "" {
		t.Errorf("a no_log result gives %+v, want nothing", got)
	}
}
