// Package pgtest gives tests a real PostgreSQL: one throwaway server per test
// binary, started from Debian's packages (initdb and postgres from
// /usr/lib/postgresql/*/bin, which scripts/setup.sh installs) in a temporary
// directory, listening on 127.0.0.1 on a free port, with password
// authentication; as the postgres user when the tests run as root, since
// PostgreSQL refuses to run as root. Each test gets a fresh database.
//
// A package's TestMain calls Main, which stops the server when the tests
// end, whether they passed or not; the server also dies with the test
// binary (on Linux, through the parent-death signal). Without PostgreSQL
// the tests that ask for a database are skipped, and fail under CI=true.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// server is the test binary's PostgreSQL.
type server struct {
	dir      string // the temporary directory: data, socket, log
	cmd      *exec.Cmd
	exited   chan struct{}
	port     int
	password string
	dbs      int
}

var (
	mu       sync.Mutex
	started  *server
	startErr error
	tried    bool
)

// superuser is the role initdb creates, whom the tests connect as.
const superuser = "tap"

// Main runs the tests and then stops the server, if one was started; a
// TestMain returns its result: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if started != nil {
		if err := started.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		started = nil
	}
	return code
}

// Database creates a fresh database on the test binary's server, starting
// the server at the first call, and returns its URL
// (postgres://tap:…@127.0.0.1:PORT/tN?sslmode=disable).
func Database(t testing.TB) string {
	t.Helper()
	s := get(t)
	mu.Lock()
	s.dbs++
	name := fmt.Sprintf("t%d", s.dbs)
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.url("postgres"))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return s.url(name)
}

// get returns the server, starting it at the first call.
func get(t testing.TB) *server {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !tried {
		tried = true
		started, startErr = start()
	}
	if startErr == nil {
		return started
	}
	var missing *missingError
	if errors.As(startErr, &missing) {
		testio.Missing(t, startErr.Error()+" (scripts/setup.sh installs PostgreSQL)")
	}
	t.Fatalf("pgtest: %v", startErr)
	return nil
}

// missingError says that PostgreSQL is not installed.
type missingError struct{ what string }

func (e *missingError) Error() string { return "PostgreSQL is not installed: " + e.what }

func (s *server) url(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// binDir finds PostgreSQL's programs: the newest of Debian's versions, or
// the PATH's.
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	sort.Slice(found, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[j]))))
		return vi > vj
	})
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", &missingError{"no /usr/lib/postgresql/*/bin/postgres, nor postgres on the PATH"}
}

// start initialises a cluster in a temporary directory and starts it.
func start() (*server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, &missingError{"running as root, and there is no postgres user to run the server as"}
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := os.MkdirTemp("", "ansible-tap-pgtest-")
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	s := &server{dir: dir, password: hex.EncodeToString(secret)}
	fail := func(err error) (*server, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	pwfile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return fail(err)
	}
	if cred != nil {
		for _, p := range []string{dir, pwfile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return fail(err)
			}
		}
	}
	var out bytes.Buffer
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", superuser,
		"--auth=scram-sha-256", "--pwfile="+pwfile, "--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.Stdout, initdb.Stderr = &out, &out
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if err := initdb.Run(); err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out.String()))
	}
	// The free port may be taken between the probe and the server's start:
	// try a few.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			return fail(err)
		}
		err = s.run(bin, cred)
		if err == nil {
			return s, nil
		}
		if attempt == 3 {
			return fail(err)
		}
	}
}

// freePort returns a port of 127.0.0.1 that nothing listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run starts the server and waits until it accepts connections.
func (s *server) run(bin string, cred *syscall.Credential) error {
	logPath := filepath.Join(s.dir, "postgres.log")
	log, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(s.dir, "data"),
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(s.port), "-k", s.dir,
		// A throwaway server: no durability, enough connections for ten
		// recording processes at once.
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
		"-c", "max_connections=100", "-c", "shared_buffers=32MB")
	s.cmd.Stdout, s.cmd.Stderr = log, log
	s.cmd.SysProcAttr = sysProcAttr(cred)
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.url("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-s.exited:
			logged, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited: %s\n%s", s.cmd.ProcessState, logged)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			<-s.exited
			logged, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres did not accept connections within a minute: %v\n%s", err, logged)
		}
	}
}

// stop shuts the server down (fast shutdown: sessions are ended) and
// removes its directory.
func (s *server) stop() error {
	defer os.RemoveAll(s.dir)
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return errors.New("pgtest: postgres did not stop within 30 s; killed")
	}
}
