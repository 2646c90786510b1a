package history

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"time"
)

// GitTimeout bounds the git commands of GitState together.
const GitTimeout = 2 * time.Second

// commitHash is what `git rev-parse HEAD` prints: a SHA-1 or SHA-256.
var commitHash = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// GitState returns the commit checked out in the repository that holds
// dir, and whether tracked files differ from it (untracked files do not
// count, as for `git describe --dirty`). Outside a repository, without
// git, or past GitTimeout, it returns what it learnt: nothing, or the
// commit alone. It takes no lock in the repository
// (GIT_OPTIONAL_LOCKS=0), so that it never gets in the way of the user's
// own git commands.
func GitState(ctx context.Context, dir string) Git {
	if _, err := exec.LookPath("git"); err != nil {
		return Git{}
	}
	ctx, cancel := context.WithTimeout(ctx, GitTimeout)
	defer cancel()
	head, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", "HEAD")
	head = bytes.TrimSpace(head)
	if err != nil || !commitHash.Match(head) {
		return Git{}
	}
	state := Git{Commit: string(head)}
	status, err := git(ctx, dir, "status", "--porcelain", "--untracked-files=no")
	if err == nil {
		state.Dirty = len(bytes.TrimSpace(status)) > 0
	}
	return state
}

// git runs a git command in dir and returns its standard output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	cmd.WaitDelay = 100 * time.Millisecond
	return cmd.Output()
}
