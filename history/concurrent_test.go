package history

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// helperEnv makes the test binary a helper process that TestMain runs in
// place of the tests: several processes recording into one store at once,
// as live runs do.
const helperEnv = "HISTORY_TEST_HELPER"

// runHelper runs the helper named by helperEnv and returns its exit code.
func runHelper(helper string) int {
	var err error
	switch helper {
	case "record":
		err = helperRecord(os.Getenv("HISTORY_TEST_SPEC"), os.Getenv("HISTORY_TEST_WORKER"), os.Getenv("HISTORY_TEST_KEEP"))
	default:
		err = runNamespaceHelper(helper)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// helperRecord waits for its standard input to close (so that all the
// workers start at once), then opens the store, records a fleet stream of
// a length of its own, keeping the newest keep runs, and prints the run's
// id and the stream's SHA-256.
func helperRecord(spec, worker, keep string) error {
	n, err := strconv.Atoi(worker)
	if err != nil {
		return err
	}
	retention := DefaultRetention
	if retention.Keep, err = strconv.Atoi(keep); err != nil {
		return err
	}
	stream, err := loadFleet()
	if err != nil {
		return err
	}
	io.Copy(io.Discard, os.Stdin)
	ctx := context.Background()
	s, err := Open(ctx, spec, Options{Retention: retention}) // the default timeouts, as a live run has
	if err != nil {
		return err
	}
	defer s.Close()
	rec, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	sum := sha256.New()
	if err := stream.Write(io.MultiWriter(rec, sum), 3000+1000*n); err != nil {
		return err
	}
	run := sampleRun(time.Now().UTC(), "/infra/site.yml", "ok", map[string]string{"worker": worker}, nil)
	if err := rec.Commit(ctx, run); err != nil {
		return err
	}
	fmt.Printf("%s %s\n", run.ID, hex.EncodeToString(sum.Sum(nil)))
	return nil
}

// TestConcurrentRecordingProcesses has ten processes record into one store
// at once, each opening it (a fresh store: they also create and migrate it
// together): every run is listed, with its whole stream. Then ten more
// record into a store that keeps three runs, each pruning it after its
// commit: the three newest are left, whole, and nothing of the others.
func TestConcurrentRecordingProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts twenty processes")
	}
	for _, keep := range []int{workers, 3} {
		t.Run(fmt.Sprintf("keep %d", keep), func(t *testing.T) {
			forEachStore(t, func(t *testing.T, spec string) {
				want := recordAtOnce(t, spec, keep)
				if t.Failed() {
					return
				}
				s := openStore(t, spec, Options{})
				runs, err := s.List(context.Background(), Filter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(runs) != keep {
					t.Errorf("%d runs listed, want %d", len(runs), keep)
				}
				for _, run := range runs {
					wantSum, ok := want[run.ID]
					if !ok {
						t.Errorf("run %s was listed, but no worker recorded it", run.ID)
						continue
					}
					h := sha256.Sum256(readStream(t, s, run.ID))
					if hex.EncodeToString(h[:]) != wantSum {
						t.Errorf("run %s (worker %s): the stored stream differs from what was written", run.ID, run.Labels["worker"])
					}
				}
				if ss, ok := s.(*sqliteStore); ok {
					if entries, err := os.ReadDir(ss.runsDir); err != nil || len(entries) != keep {
						t.Errorf("%d files in %s, want %d streams (%v)", len(entries), ss.runsDir, keep, err)
					}
				}
				var version int
				if version, err = indexOf(s).version(context.Background()); err != nil || version != SchemaVersion {
					t.Errorf("schema version %d, %v; want %d", version, err, SchemaVersion)
				}
			})
		})
	}
}

// workers is the number of processes that record at once.
const workers = 10

// recordAtOnce starts the workers, lets them go at once and returns the
// hash of each one's stream by run id.
func recordAtOnce(t *testing.T, spec string, keep int) map[string]string {
	release := make([]io.WriteCloser, workers)
	outs := make([]*bytes.Buffer, workers)
	var cmds []*exec.Cmd
	for i := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=record", "HISTORY_TEST_SPEC="+spec,
			"HISTORY_TEST_WORKER="+strconv.Itoa(i), "HISTORY_TEST_KEEP="+strconv.Itoa(keep))
		outs[i] = new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		var err error
		if release[i], err = cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, r := range release {
		r.Close()
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i, cmd := range cmds {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = cmd.Wait() }()
	}
	wg.Wait()
	want := make(map[string]string)
	for i := range workers {
		if errs[i] != nil {
			t.Errorf("worker %d: %v\n%s", i, errs[i], outs[i])
			continue
		}
		line, _ := bufio.NewReader(outs[i]).ReadString('\n')
		id, sum, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			t.Errorf("worker %d printed %q", i, line)
			continue
		}
		want[id] = sum
	}
	return want
}

var errNoNamespaces = errors.New("no user and mount namespaces")
