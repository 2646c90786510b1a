package runner

import (
	_ "embed"
	"os"
	"path/filepath"
	"strconv"
)

// callbackName is the name under which ansible-playbook loads the callback.
const callbackName = "ansible_tap"

// EventsFDEnv names the file descriptor the callback writes events to.
const EventsFDEnv = "ANSIBLE_TAP_EVENTS_FD"

//go:embed callback/ansible_tap.py
var callbackSource []byte

// CallbackSource returns the Python source of the embedded callback plugin.
func CallbackSource() []byte { return append([]byte(nil), callbackSource...) }

// installCallback writes the callback plugin into a new private directory
// and returns the directory.
func installCallback() (string, error) {
	dir, err := os.MkdirTemp("", "ansible-tap-")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, callbackName+".py"), callbackSource, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// callbackEnv returns env with the callback selected as stdout callback,
// its directory put before the user's configured callback plugin path, and
// the events descriptor named.
func callbackEnv(env []string, pluginDir string, fd int) []string {
	cwd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	path := callbackPluginPath(env, cwd, home)
	if path != "" {
		path = pluginDir + ":" + path
	} else {
		path = pluginDir
	}
	env = setEnv(env, "ANSIBLE_CALLBACK_PLUGINS", path)
	env = setEnv(env, "ANSIBLE_STDOUT_CALLBACK", callbackName)
	env = setEnv(env, EventsFDEnv, strconv.Itoa(fd))
	return env
}
