package runner

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// ansiblePython is the Python interpreter of the ansible-playbook on the
// PATH and the directory its ansible package lies in, from its --version
// (a wrapper script of another ansible-core version has no useful #! line);
// Ansible itself is the oracle for what these functions reproduce.
func ansiblePython(t *testing.T) (python, pythonPath string) {
	t.Helper()
	testio.RequireTool(t, "ansible-playbook")
	out, err := exec.Command("ansible-playbook", "--version").Output()
	if err != nil {
		t.Fatalf("ansible-playbook --version: %v", err)
	}
	module := regexp.MustCompile(`ansible python module location = (\S+)`).FindSubmatch(out)
	interp := regexp.MustCompile(`python version = .*\((/[^)]+)\)`).FindSubmatch(out)
	if module == nil || interp == nil {
		t.Fatalf("ansible-playbook --version names no python or module location:\n%s", out)
	}
	return string(interp[1]), filepath.Dir(string(module[1]))
}

// ansibleSays runs a Python snippet that prints JSON, in dir with only env.
func ansibleSays(t *testing.T, dir string, env []string, script string, v any, args ...string) {
	t.Helper()
	python, pythonPath := ansiblePython(t)
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	cmd.Dir, cmd.Env = dir, append(env, "PYTHONPATH="+pythonPath)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python said %q: %v", out, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadConfigValue(t *testing.T) {
	const oracle = `import configparser, json, sys
p = configparser.ConfigParser(inline_comment_prefixes=(';',))  # as ansible/config/manager.py
try:
    p.read_string(open(sys.argv[1]).read())
    print(json.dumps({"ok": True, "value": p.get("defaults", "callback_plugins", raw=True)}))
except Exception:
    print(json.dumps({"ok": False, "value": ""}))
`
	tests := []struct {
		name   string
		ini    string
		want   string
		wantOK bool
	}{
		{"equals", "[defaults]\ncallback_plugins = /a\n", "/a", true},
		{"colon", "[defaults]\ncallback_plugins: /a:/b\n", "/a:/b", true},
		{"key case", "[defaults]\nCALLBACK_PLUGINS=/a\n", "/a", true},
		{"section case", "[Defaults]\ncallback_plugins = /a\n", "", false},
		{"comments", "# c\n; c\n[defaults]\n# callback_plugins = /no\n; callback_plugins = /no\ncallback_plugins = /a\n", "/a", true},
		{"inline comment", "[defaults]\ncallback_plugins = /a ; a comment\n", "/a", true},
		{"inline comment after a tab", "[defaults]\ncallback_plugins = /a\t; a comment\n", "/a", true},
		{"a hash is no inline comment", "[defaults]\ncallback_plugins = /a # b\n", "/a # b", true},
		{"a semicolon without a space", "[defaults]\ncallback_plugins = /a;b\n", "/a;b", true},
		{"other section", "[other]\ncallback_plugins = /no\n[defaults]\nstdout_callback = x\n", "", false},
		{"empty value", "[defaults]\ncallback_plugins =\n", "", true},
		{"indented key", "[defaults]\n  callback_plugins = /a\n", "/a", true},
		{"DEFAULT section", "[DEFAULT]\ncallback_plugins = /d\n[defaults]\nx = 1\n", "/d", true},
		{"no such key", "[defaults]\nstdout_callback = yaml\n", "", false},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "cfg"+string(rune('a'+i)))
			writeFile(t, path, tt.ini)
			var ansible struct {
				OK    bool   `json:"ok"`
				Value string `json:"value"`
			}
			ansibleSays(t, dir, nil, oracle, &ansible, path)
			if ansible.Value != tt.want || ansible.OK != tt.wantOK {
				t.Fatalf("the table says %q, %v but Ansible's parser reads %q, %v", tt.want, tt.wantOK, ansible.Value, ansible.OK)
			}
			got, ok := readConfigValue(path, "defaults", "callback_plugins")
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("readConfigValue = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
	t.Run("no file", func(t *testing.T) {
		if v, ok := readConfigValue(filepath.Join(dir, "missing"), "defaults", "callback_plugins"); ok || v != "" {
			t.Errorf("readConfigValue = %q, %v", v, ok)
		}
	})
}

// configTree is a scratch file system for one case: a working directory, a
// home, and the files a case writes under root.
type configTree struct {
	root, cwd, home string
}

func newConfigTree(t *testing.T, files map[string]string, worldWritableCwd bool) configTree {
	t.Helper()
	root := t.TempDir()
	tr := configTree{root: root, cwd: filepath.Join(root, "cwd"), home: filepath.Join(root, "home")}
	for _, d := range []string{tr.cwd, tr.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		writeFile(t, filepath.Join(root, name), content)
	}
	if worldWritableCwd {
		if err := os.Chmod(tr.cwd, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// env is the environment of a case, with {root} replaced.
func (tr configTree) env(vars []string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tr.home}
	for _, v := range vars {
		env = append(env, strings.ReplaceAll(v, "{root}", tr.root))
	}
	return env
}

func TestConfigFile(t *testing.T) {
	const oracle = `import json
from ansible.config.manager import find_ini_config_file
print(json.dumps(find_ini_config_file() or ""))
`
	const cfg = "[defaults]\n"
	etc := ""
	if _, err := os.Stat("/etc/ansible/ansible.cfg"); err == nil {
		etc = "/etc/ansible/ansible.cfg"
	}
	tests := []struct {
		name          string
		files         map[string]string
		worldWritable bool
		env           []string
		want          string // relative to the tree's root, or absolute
	}{
		{"ANSIBLE_CONFIG file", map[string]string{"conf/my.cfg": cfg, "cwd/ansible.cfg": cfg}, false, []string{"ANSIBLE_CONFIG={root}/conf/my.cfg"}, "conf/my.cfg"},
		{"ANSIBLE_CONFIG directory", map[string]string{"conf/ansible.cfg": cfg, "cwd/ansible.cfg": cfg}, false, []string{"ANSIBLE_CONFIG={root}/conf"}, "conf/ansible.cfg"},
		{"ANSIBLE_CONFIG under ~", map[string]string{"home/conf/my.cfg": cfg}, false, []string{"ANSIBLE_CONFIG=~/conf/my.cfg"}, "home/conf/my.cfg"},
		{"ANSIBLE_CONFIG missing", map[string]string{"cwd/ansible.cfg": cfg}, false, []string{"ANSIBLE_CONFIG={root}/nothing.cfg"}, "cwd/ansible.cfg"},
		{"working directory", map[string]string{"cwd/ansible.cfg": cfg, "home/.ansible.cfg": cfg}, false, nil, "cwd/ansible.cfg"},
		{"world-writable working directory", map[string]string{"cwd/ansible.cfg": cfg, "home/.ansible.cfg": cfg}, true, nil, "home/.ansible.cfg"},
		{"home", map[string]string{"home/.ansible.cfg": cfg}, false, nil, "home/.ansible.cfg"},
		{"none", nil, false, nil, etc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newConfigTree(t, tt.files, tt.worldWritable)
			want := tt.want
			if want != "" && !filepath.IsAbs(want) {
				want = filepath.Join(tr.root, want)
			}
			env := tr.env(tt.env)
			var ansible string
			ansibleSays(t, tr.cwd, env, oracle, &ansible)
			if ansible != want {
				t.Fatalf("the table says %q but Ansible reads %q", want, ansible)
			}
			if got := configFile(env, tr.cwd, tr.home); got != want {
				t.Errorf("configFile = %q, want %q", got, want)
			}
		})
	}
}

func TestCallbackPluginPath(t *testing.T) {
	const oracle = `import json
from ansible import constants as C
print(json.dumps(":".join(C.DEFAULT_CALLBACK_PLUGIN_PATH)))
`
	tests := []struct {
		name  string
		files map[string]string
		env   []string
		want  string // with {root}
	}{
		{"configured in ANSIBLE_CONFIG", map[string]string{"conf/ansible.cfg": "[defaults]\ncallback_plugins = ./cb:~/x:/abs ; mine\n"},
			[]string{"ANSIBLE_CONFIG={root}/conf/ansible.cfg"}, "{root}/conf/cb:{root}/home/x:/abs"},
		{"configured in the working directory", map[string]string{"cwd/ansible.cfg": "[defaults]\ncallback_plugins: plugins/callback\n"},
			nil, "{root}/cwd/plugins/callback"},
		{"a configuration without it", map[string]string{"cwd/ansible.cfg": "[defaults]\nforks = 2\n"},
			nil, "{root}/home/.ansible/plugins/callback:/usr/share/ansible/plugins/callback"},
		{"no configuration", nil, nil, "{root}/home/.ansible/plugins/callback:/usr/share/ansible/plugins/callback"},
		{"ANSIBLE_HOME", nil, []string{"ANSIBLE_HOME={root}/ah"}, "{root}/ah/plugins/callback:/usr/share/ansible/plugins/callback"},
	}
	if _, err := os.Stat("/etc/ansible/ansible.cfg"); err != nil {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tr := newConfigTree(t, tt.files, false)
				want := strings.ReplaceAll(tt.want, "{root}", tr.root)
				env := tr.env(tt.env)
				var ansible string
				ansibleSays(t, tr.cwd, env, oracle, &ansible)
				if ansible != want {
					t.Fatalf("the table says %q but Ansible reads %q", want, ansible)
				}
				if got := callbackPluginPath(env, tr.cwd, tr.home); got != want {
					t.Errorf("callbackPluginPath = %q, want %q", got, want)
				}
			})
		}
	}
	t.Run("ANSIBLE_CALLBACK_PLUGINS is kept as it is", func(t *testing.T) {
		tr := newConfigTree(t, map[string]string{"cwd/ansible.cfg": "[defaults]\ncallback_plugins = /from/cfg\n"}, false)
		env := tr.env([]string{"ANSIBLE_CALLBACK_PLUGINS=rel/cb:~/cb:$X"})
		// ansible-playbook resolves it itself: relative to its working directory.
		if got, want := callbackPluginPath(env, tr.cwd, tr.home), "rel/cb:~/cb:$X"; got != want {
			t.Errorf("callbackPluginPath = %q, want %q", got, want)
		}
	})
}
