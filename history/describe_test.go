package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// gitRepo makes a repository in a new directory with one commit of
// site.yml and returns the directory and the commit.
func gitRepo(t *testing.T) (string, string) {
	t.Helper()
	testio.RequireTool(t, "git")
	dir := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "site.yml"), []byte("- hosts: all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", "site.yml")
	run("commit", "-q", "-m", "site")
	head := run("rev-parse", "HEAD")
	return dir, head[:len(head)-1]
}

func TestGitState(t *testing.T) {
	ctx := context.Background()
	dir, head := gitRepo(t)
	if got := GitState(ctx, dir); got != (Git{Commit: head}) {
		t.Errorf("clean repository: %+v, want commit %s", got, head)
	}
	// An untracked file leaves it clean; a change to a tracked one does not.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := GitState(ctx, dir); got.Dirty {
		t.Errorf("an untracked file made it dirty: %+v", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yml"), []byte("- hosts: web\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := GitState(ctx, dir); got != (Git{Commit: head, Dirty: true}) {
		t.Errorf("changed repository: %+v, want commit %s, dirty", got, head)
	}
	sub := filepath.Join(dir, "roles")
	os.Mkdir(sub, 0o755)
	if got := GitState(ctx, sub); got.Commit != head {
		t.Errorf("a subdirectory: %+v, want the repository's commit", got)
	}
	if got := GitState(ctx, t.TempDir()); got != (Git{}) {
		t.Errorf("outside a repository: %+v, want nothing", got)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "index.lock")); err == nil {
		t.Error("git left its index locked")
	}
}

func TestDescribe(t *testing.T) {
	dir, head := gitRepo(t)
	t.Chdir(t.TempDir())
	for _, v := range []string{"GITHUB_ACTIONS", "GITLAB_CI", "BUILD_URL", "JENKINS_URL"} {
		t.Setenv(v, "")
	}
	playbook := filepath.Join(dir, "site.yml")
	args := []string{"-i", "inv.ini", "-i", "web1,", playbook, "--limit", "web", "-t", "deploy,config", "--skip-tags=slow", "-C", "-vv"}
	got := Describe(context.Background(), FromArguments(args), map[string]string{"env": "prod"})
	cwd, _ := os.Getwd()
	host, _ := os.Hostname()
	want := Run{
		Playbooks:   []string{playbook},
		Inventories: []string{"inv.ini", "web1,"},
		Limit:       "web",
		Tags:        []string{"deploy", "config"},
		SkipTags:    []string{"slow"},
		Check:       true,
		User:        currentUser(),
		Controller:  host,
		Dir:         cwd,
		Git:         Git{Commit: head},
		Labels:      map[string]string{"env": "prod"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.User == "" {
		t.Error("no user")
	}
	// A relative playbook is made absolute from the working directory, and
	// its repository is found there.
	t.Chdir(dir)
	got = Describe(context.Background(), FromArguments([]string{"site.yml"}), nil)
	if got.Playbooks[0] != playbook || got.Git.Commit != head {
		t.Errorf("relative playbook: %q, %+v", got.Playbooks, got.Git)
	}
}

func TestDetectCI(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want CI
	}{
		{"none", nil, CI{}},
		{"github", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com",
			"GITHUB_REPOSITORY": "acme/infra", "GITHUB_RUN_ID": "42"},
			CI{System: "github-actions", URL: "https://github.com/acme/infra/actions/runs/42"}},
		{"github enterprise", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://git.acme.org",
			"GITHUB_REPOSITORY": "ops/infra", "GITHUB_RUN_ID": "7"},
			CI{System: "github-actions", URL: "https://git.acme.org/ops/infra/actions/runs/7"}},
		{"gitlab job", map[string]string{"GITLAB_CI": "true", "CI_JOB_URL": "https://gitlab.com/acme/infra/-/jobs/9",
			"CI_PIPELINE_URL": "https://gitlab.com/acme/infra/-/pipelines/3"},
			CI{System: "gitlab-ci", URL: "https://gitlab.com/acme/infra/-/jobs/9"}},
		{"gitlab pipeline", map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_URL": "https://gitlab.com/acme/infra/-/pipelines/3"},
			CI{System: "gitlab-ci", URL: "https://gitlab.com/acme/infra/-/pipelines/3"}},
		{"jenkins", map[string]string{"BUILD_URL": "https://ci.acme.org/job/deploy/12/", "JENKINS_URL": "https://ci.acme.org/"},
			CI{System: "jenkins", URL: "https://ci.acme.org/job/deploy/12/"}},
		{"jenkins URL with credentials", map[string]string{"BUILD_URL": "https://bot:tok3n@ci.acme.org/job/deploy/12/"},
			CI{System: "jenkins", URL: "https://ci.acme.org/job/deploy/12/"}},
		{"not a web URL", map[string]string{"BUILD_URL": "javascript:alert(1)"}, CI{System: "jenkins"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectCI(func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("%+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseLabels(t *testing.T) {
	got, err := ParseLabels([]string{"env=prod", "ticket=OPS-1=a", "empty=", "env=stage", " team =web"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"env": "stage", "ticket": "OPS-1=a", "empty": "", "team": "web"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"env", "=prod", " =x", "env=a\nb", "env\x1b=x"} {
		if _, err := ParseLabels([]string{bad}); err == nil {
			t.Errorf("ParseLabels(%q) succeeded", bad)
		}
	}
}

func TestParseAge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{{"30d", "720h0m0s"}, {"2w", "336h0m0s"}, {"1.5d", "36h0m0s"}, {"36h", "36h0m0s"}, {"90m", "1h30m0s"}} {
		if got, err := ParseAge(tc.in); err != nil || got.String() != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "d", "-1d", "NaNd", "7 days", "-3h", "1e9d"} {
		if got, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) = %v, want an error", bad, got)
		}
	}
}
