package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"

	"github.com/rs/zerolog"
)

// The test binary re-executes itself as a helper process, named by
// helperEnv, for what cannot happen inside the test process: being
// signalled or killed as ansible-tap would be.
const (
	helperEnv       = "RUNNER_TEST_HELPER" // "run" or "exec"
	helperArgsEnv   = "RUNNER_TEST_ARGS"   // ansible-playbook's arguments, a JSON array
	helperReportEnv = "RUNNER_TEST_REPORT" // where "run" writes its helperReport
	helperLogEnv    = "RUNNER_TEST_LOG"    // where "run" writes runner's JSON log
)

// helperReport is what the "run" helper saw of the run.
type helperReport struct {
	ExitCode    int
	Interrupted bool
	Complete    bool
	Finished    int
	Events      int
	Err         string
}

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "run":
		os.Exit(helperRun())
	case "exec":
		os.Exit(helperExec())
	default:
		fmt.Fprintf(os.Stderr, "unknown %s\n", helperEnv)
		os.Exit(2)
	}
}

func helperArgs() []string {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(helperArgsEnv)), &args); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", helperArgsEnv, err)
		os.Exit(2)
	}
	return args
}

// helperRun is ansible-tap's own wiring of runner.Run: SIGINT and SIGTERM
// are caught and handed to Run on Options.Signals.
func helperRun() int {
	logFile, err := os.Create(os.Getenv(helperLogEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer logFile.Close()
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	rec := &recorder{}
	s, err := Run(context.Background(), Options{
		Command: "ansible-playbook",
		Args:    helperArgs(),
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Handler: rec,
		Signals: signals,
		Log:     zerolog.New(logFile).Level(zerolog.DebugLevel),
	})
	rep := helperReport{Finished: rec.finished, Events: len(rec.events)}
	if err != nil {
		rep.Err = err.Error()
	}
	if s != nil {
		rep.ExitCode, rep.Interrupted, rep.Complete = s.ExitCode, s.Interrupted, s.Complete
	}
	data, _ := json.Marshal(rep)
	if err := os.WriteFile(os.Getenv(helperReportEnv), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	return 0
}

// helperExec becomes a plain ansible-playbook. Catching SIGINT and SIGTERM
// first makes exec reset them to their defaults, as ansible-tap's child gets
// them, even when the test runs with SIGINT ignored (a background job).
func helperExec() int {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGINT, syscall.SIGTERM)
	path, err := exec.LookPath("ansible-playbook")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	args := append([]string{"ansible-playbook"}, helperArgs()...)
	err = syscall.Exec(path, args, os.Environ())
	fmt.Fprintln(os.Stderr, err)
	return 2
}

// startHelper starts the test binary as a helper in its own session, away
// from any terminal, with its output in files of dir.
func startHelper(t *testing.T, mode, dir string, args ...string) *exec.Cmd {
	t.Helper()
	argsJSON, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		helperEnv+"="+mode,
		helperArgsEnv+"="+string(argsJSON),
		helperReportEnv+"="+dir+"/report.json",
		helperLogEnv+"="+dir+"/log.jsonl",
	)
	out, err := os.Create(dir + "/output.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

func readReport(t *testing.T, dir string) helperReport {
	t.Helper()
	data, err := os.ReadFile(dir + "/report.json")
	if err != nil {
		out, _ := os.ReadFile(dir + "/output.txt")
		t.Fatalf("no report from the helper: %v\n%s", err, out)
	}
	var rep helperReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}
