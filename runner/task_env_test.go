package runner

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// Ansible reads ANSIBLE_CALLBACK_PLUGINS and ANSIBLE_STDOUT_CALLBACK when it
// starts, with ansible-tap's values; the tasks it then runs must see the
// user's own values, or none where the user set none, and nothing of
// ansible-tap's: a task that runs ansible-playbook itself behaves as
// without ansible-tap.
func TestTasksSeeTheUsersEnvironment(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	userPlugins := filepath.Join(testdataPath(t, "usercb"), "callback_plugins")
	tests := []struct {
		name          string
		replaceStdout bool
		user          map[string]string // the user's own ANSIBLE_* settings
	}{
		{"unset, Ansible's output", false, nil},
		{"unset, ansible-tap's output", true, nil},
		{"set, Ansible's output", false, map[string]string{"ANSIBLE_CALLBACK_PLUGINS": userPlugins, "ANSIBLE_STDOUT_CALLBACK": "minimal"}},
		{"set, ansible-tap's output", true, map[string]string{"ANSIBLE_CALLBACK_PLUGINS": userPlugins, "ANSIBLE_STDOUT_CALLBACK": "minimal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := []string{"TAP_TEST_MARKER=" + filepath.Join(t.TempDir(), "marker")}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "ANSIBLE_") {
					env = append(env, kv)
				}
			}
			for k, v := range tt.user {
				env = append(env, k+"="+v)
			}
			rec := &recorder{}
			opts := playbookOptions(t, "env.yml", rec)
			opts.Env, opts.ReplaceStdout = env, tt.replaceStdout
			if _, err := Run(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			seen := taskEnvironment(t, rec)
			for _, name := range []string{"ANSIBLE_CALLBACK_PLUGINS", "ANSIBLE_STDOUT_CALLBACK", EventsFDEnv, restoreEnv} {
				want, wantSet := tt.user[name]
				got, gotSet := seen[name]
				if got != want || gotSet != wantSet {
					t.Errorf("the task sees %s=%q (set: %v); the user's environment has %q (set: %v)", name, got, gotSet, want, wantSet)
				}
			}
		})
	}
}

// taskEnvironment is the environment printed by env.yml's task.
func taskEnvironment(t *testing.T, rec *recorder) map[string]string {
	t.Helper()
	for _, ev := range rec.events {
		if ev.Kind != event.RunnerOK || ev.Task.Name != "print the environment" {
			continue
		}
		var out struct {
			Stdout string `json:"stdout"`
		}
		if err := json.Unmarshal(ev.Result.Raw, &out); err != nil {
			t.Fatal(err)
		}
		vars := make(map[string]string)
		for _, line := range strings.Split(out.Stdout, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = v
			}
		}
		return vars
	}
	t.Fatalf("no result of the env task among %d events", len(rec.events))
	return nil
}
