package notify

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/[redacted]"},
		{"https://hooks.example/ansible", "https://hooks.example/[redacted]"},
		{"https://hooks.example/", "https://hooks.example"},
		{"https://hooks.example", "https://hooks.example"},
		{"https://user:pw@hooks.example:8443", "https://hooks.example:8443/[redacted]"},
		{"http://127.0.0.1:9/x?token=abc", "http://127.0.0.1:9/[redacted]"},
		{"not a url", "[redacted URL]"},
		{"", "[redacted URL]"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactErrorStripsTheURLOfARealClientError(t *testing.T) {
	// A port nobody listens on: the client's *url.Error names the full URL.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const secretPath = "/services/T0SECRET/B0SECRET/Zs3cr3tZ"
	tests := []string{
		"http://" + addr + secretPath,
		"http://" + addr + "/hook?token=Zs3cr3tZ",
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, raw := range tests {
		_, err := client.Post(raw, "application/json", strings.NewReader("{}"))
		if err == nil {
			t.Fatalf("posting to a closed port succeeded")
		}
		if !strings.Contains(err.Error(), "Zs3cr3tZ") {
			t.Fatalf("the premise is wrong: %q does not carry the URL", err)
		}
		got := RedactError(err, raw)
		if strings.Contains(got, "Zs3cr3tZ") || strings.Contains(got, "SECRET") {
			t.Errorf("RedactError kept a secret: %q", got)
		}
		if !strings.Contains(got, "connection refused") {
			t.Errorf("RedactError lost the reason: %q", got)
		}
	}
}

func TestRedactorKeys(t *testing.T) {
	r := NewRedactor("vault_pin")
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

func TestRedactorValue(t *testing.T) {
	r := NewRedactor()
	in := `{"msg":"done","ansible_facts":{"db_password":"hunter2","users":[{"name":"a","api_token":"t0k"}]},"token":null,"count":3}`
	got, err := json.Marshal(r.JSON([]byte(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ansible_facts":{"db_password":"[redacted]","users":[{"api_token":"[redacted]","name":"a"}]},"count":3,"msg":"done","token":null}`
	if string(got) != want {
		t.Errorf("redacted\n got %s\nwant %s", got, want)
	}
	if r.JSON(nil) != nil {
		t.Error("an empty result should stay absent")
	}
}

func TestRedactorLabel(t *testing.T) {
	r := NewRedactor()
	for _, tc := range []struct{ in, want string }{
		{"web01", "web01"},
		{"", ""},
		{`{"password":"x","user":"alice"}`, `{"password":"[redacted]","user":"alice"}`},
		{`[{"api_token":"t"},"plain"]`, `[{"api_token":"[redacted]"},"plain"]`},
		{`{not json`, `{not json`},
	} {
		if got := r.Label(tc.in); got != tc.want {
			t.Errorf("Label(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
