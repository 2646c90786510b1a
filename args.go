package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// splitArgs separates ansible-tap's own flags, recognised anywhere on the
// line, from the arguments that go to ansible-playbook verbatim and in
// order. A "--" ends ansible-tap's flags: everything after it passes through.
func splitArgs(args []string, flags []cli.Flag) (own, rest []string, err error) {
	takesValue := make(map[string]bool)
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "--") || len(arg) == 2 {
			rest = append(rest, arg)
			continue
		}
		name, _, hasValue := strings.Cut(arg[2:], "=")
		needsValue, ours := takesValue[name]
		if !ours {
			rest = append(rest, arg)
			continue
		}
		own = append(own, arg)
		if needsValue && !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			own = append(own, args[i])
		}
	}
	return own, rest, nil
}
