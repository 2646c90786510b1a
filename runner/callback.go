package runner

import (
	_ "embed"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
)

// The callback plugins, by the names under which ansible-playbook loads them.
const (
	// callbackName is the notification callback that writes the events.
	callbackName = "ansible_tap"
	// stdoutCallbackName is the stdout callback that prints nothing, for
	// the formats in which ansible-tap renders the run itself.
	stdoutCallbackName = "ansible_tap_stdout"
)

// EventsFDEnv names the file descriptor the callback writes events to.
const EventsFDEnv = "ANSIBLE_TAP_EVENTS_FD"

// restoreEnv names the variable that tells the callback the user's own
// values of the variables ansible-tap set for ansible-playbook, which it
// puts back once Ansible has read them: tasks see the user's environment.
const restoreEnv = "ANSIBLE_TAP_RESTORE_ENV"

var (
	//go:embed callback/ansible_tap.py
	callbackSource []byte
	//go:embed callback/ansible_tap_stdout.py
	stdoutCallbackSource []byte
)

// installCallback writes the callback plugin, and the silent stdout
// callback when ansible-tap replaces Ansible's output, into a new private
// directory and returns the directory. The stdout callback is written only
// when it is used: Ansible names every stdout callback it skips at -vv.
func installCallback(replaceStdout bool) (string, error) {
	dir, err := os.MkdirTemp("", "ansible-tap-")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{callbackName: callbackSource}
	if replaceStdout {
		files[stdoutCallbackName] = stdoutCallbackSource
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name+".py"), src, 0o600); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

// callbackEnv returns env with the plugin directory put before the user's
// callback plugin path, the silent stdout callback selected when
// ansible-tap replaces Ansible's output, and the events descriptor named.
// The user's own values of what it changes travel in restoreEnv.
func callbackEnv(env []string, pluginDir string, fd int, replaceStdout bool) []string {
	cwd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	path := callbackPluginPath(env, cwd, home)
	if path != "" {
		path = pluginDir + ":" + path
	} else {
		path = pluginDir
	}
	saved := map[string]*string{}
	set := func(key, value string) {
		saved[key] = nil
		if v, ok := lookupEnv(env, key); ok {
			saved[key] = &v
		}
		env = setEnv(env, key, value)
	}
	set("ANSIBLE_CALLBACK_PLUGINS", path)
	if replaceStdout {
		set("ANSIBLE_STDOUT_CALLBACK", stdoutCallbackName)
	}
	restore, _ := json.Marshal(saved) // strings and nils always encode
	env = setEnv(env, restoreEnv, string(restore))
	return setEnv(env, EventsFDEnv, strconv.Itoa(fd))
}
