package runner

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// callbackPluginPath is the callback plugin search path that ansible-playbook
// would use: ANSIBLE_CALLBACK_PLUGINS when set, else callback_plugins from the
// ansible.cfg Ansible reads, else Ansible's default.
func callbackPluginPath(env []string, cwd, home string) string {
	if v, ok := lookupEnv(env, "ANSIBLE_CALLBACK_PLUGINS"); ok {
		return v
	}
	if cfg := configFile(env, cwd, home); cfg != "" {
		if v, ok := readConfigValue(cfg, "defaults", "callback_plugins"); ok {
			return resolvePathspec(v, filepath.Dir(cfg), home)
		}
	}
	ansibleHome := filepath.Join(home, ".ansible")
	if v, ok := lookupEnv(env, "ANSIBLE_HOME"); ok && v != "" {
		ansibleHome = expandHome(v, home)
	}
	return filepath.Join(ansibleHome, "plugins", "callback") + ":/usr/share/ansible/plugins/callback"
}

// configFile finds the ansible.cfg that Ansible reads, in its order:
// ANSIBLE_CONFIG, ./ansible.cfg (unless the directory is world-writable),
// ~/.ansible.cfg, /etc/ansible/ansible.cfg.
func configFile(env []string, cwd, home string) string {
	var candidates []string
	if v, ok := lookupEnv(env, "ANSIBLE_CONFIG"); ok && v != "" {
		v = expandHome(os.ExpandEnv(v), home)
		if fi, err := os.Stat(v); err == nil && fi.IsDir() {
			v = filepath.Join(v, "ansible.cfg")
		}
		candidates = append(candidates, v)
	}
	if fi, err := os.Stat(cwd); err == nil && fi.Mode().Perm()&0o002 == 0 {
		candidates = append(candidates, filepath.Join(cwd, "ansible.cfg"))
	}
	candidates = append(candidates, filepath.Join(home, ".ansible.cfg"), "/etc/ansible/ansible.cfg")
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	return ""
}

// readConfigValue reads key from section of an INI file the way Python's
// configparser reads it for Ansible: case-insensitive keys, '=' or ':',
// comment lines starting with '#' or ';', inline comments after whitespace
// and ';', and the [DEFAULT] section as a fallback for every section.
func readConfigValue(path, section, key string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	var value, fallback string
	found, foundDefault := false, false
	current := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			current = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		if current != section && current != "DEFAULT" {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 || !strings.EqualFold(strings.TrimSpace(line[:i]), key) {
			continue
		}
		v := stripInlineComment(line[i+1:])
		if current == "DEFAULT" {
			fallback, foundDefault = v, true
		} else {
			value, found = v, true
		}
	}
	if found {
		return value, true
	}
	return fallback, foundDefault
}

// stripInlineComment cuts v at the first ';' that follows whitespace.
func stripInlineComment(v string) string {
	for i := 1; i < len(v); i++ {
		if v[i] == ';' && (v[i-1] == ' ' || v[i-1] == '\t') {
			v = v[:i]
			break
		}
	}
	return strings.TrimSpace(v)
}

// resolvePathspec expands ~ and variables in each element of a
// colon-separated path list and makes relative ones relative to base.
func resolvePathspec(spec, base, home string) string {
	parts := strings.Split(spec, ":")
	out := parts[:0]
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		p = expandHome(os.ExpandEnv(p), home)
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		out = append(out, p)
	}
	return strings.Join(out, ":")
}

func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// setEnv returns env with key set to value, replacing earlier settings.
func setEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}
