package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// splitArgs separates ansible-tap's own flags, recognised anywhere on the
// line, from the arguments that go to ansible-playbook verbatim and in
// order. A "--" ends ansible-tap's flags: everything after it passes through.
func splitArgs(args []string, flags []cli.Flag) (own, rest []string, err error) {
	takesValue := make(map[string]bool)
	byName := make(map[string]cli.Flag)
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
			byName[name] = f
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
		_, value, _ := strings.Cut(arg, "=")
		if needsValue && !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			own = append(own, args[i])
			value = args[i]
		}
		if hasValue || needsValue {
			if err := checkValue(byName[name], name, value); err != nil {
				return nil, nil, err
			}
		}
	}
	return own, rest, nil
}

// checkValue checks the value of a typed flag as the flag package would
// read it, so that a mistake is told with the flag's name as the user
// wrote it (--notify-timeout), not as the flag package names it.
func checkValue(f cli.Flag, name, value string) error {
	var err error
	var want string
	switch f.(type) {
	case *cli.DurationFlag:
		_, err = time.ParseDuration(value)
		want = "a duration such as 30s, 2m or 1m30s"
	case *cli.IntFlag:
		_, err = strconv.ParseInt(value, 0, strconv.IntSize)
		want = "a whole number"
	case *cli.BoolFlag:
		_, err = strconv.ParseBool(value)
		want = "true or false"
	}
	if err != nil {
		return fmt.Errorf("--%s: %q is not %s", name, value, want)
	}
	return nil
}
