package history

import (
	"context"
	"os"
	"os/user"
	"path/filepath"

	"github.com/ansible-tap/ansible-tap/internal/ansibleargs"
)

// Describe completes run, what ansible-playbook's arguments tell of it
// (FromArguments: the playbooks, inventories, --limit, --tags, --skip-tags
// and --check), with what the environment tells: the user, the
// controller's host name, the working directory, the git state of the
// first playbook's repository, the CI job, and the labels. The caller adds
// what the run's events tell: times, exit code, outcome, ansible-core's
// version, counts and failed tasks.
//
// It runs git, bounded by GitTimeout: call it in a goroutine beside the run,
// or after it. It never fails: what it cannot learn stays empty.
func Describe(ctx context.Context, run Run, labels map[string]string) Run {
	run.User = currentUser()
	run.CI = DetectCI(os.Getenv)
	run.Labels = labels
	run.Controller, _ = os.Hostname()
	run.Dir, _ = os.Getwd()
	repo := run.Dir
	if len(run.Playbooks) > 0 {
		repo = filepath.Dir(run.Playbooks[0])
	}
	run.Git = GitState(ctx, repo)
	return run
}

// FromArguments returns what ansible-playbook's arguments tell of a run:
// its playbooks (absolute), inventories, --limit, --tags, --skip-tags and
// --check, which make its scope. It is quick, and runs nothing.
func FromArguments(args []string) Run {
	a := ansibleargs.Parse(args)
	run := Run{Inventories: a.Inventories, Limit: a.Limit, Tags: a.Tags, SkipTags: a.SkipTags, Check: a.Check}
	for _, p := range a.Playbooks {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		run.Playbooks = append(run.Playbooks, p)
	}
	return run
}

// currentUser is the name of the user running ansible-tap.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USER", "LOGNAME"} {
		if name := os.Getenv(v); name != "" {
			return name
		}
	}
	return ""
}
