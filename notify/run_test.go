package notify

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

// runPlaybook runs testdata/playbook against testdata/inventory with the
// real ansible-playbook and h as the handler, and returns the summary.
func runPlaybook(t *testing.T, playbook, inventory string, h event.Handler, extra ...string) *event.Summary {
	t.Helper()
	testio.RequireTool(t, "ansible-playbook")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-i", filepath.Join("testdata", inventory)}, extra...)
	args = append(args, filepath.Join("testdata", playbook))
	s, err := runner.Run(ctx, runner.Options{
		Command: "ansible-playbook", Args: args,
		Env:    append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_RETRY_FILES_ENABLED=False"),
		Stdout: io.Discard, Stderr: io.Discard, Handler: h, Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatalf("running %s: %v", playbook, err)
	}
	return s
}
