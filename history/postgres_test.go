package history

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/pgtest"
)

// TestPostgresMigratesOnce opens a new database from ten connections at
// once: one migrates it, and all of them can record.
func TestPostgresMigratesOnce(t *testing.T) {
	spec := pgtest.Database(t)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), spec, Options{})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("opener %d: %v", i, err)
		}
	}
	s := openStore(t, spec, Options{})
	var rows int
	if err := indexOf(s).db.QueryRow("SELECT count(*) FROM ansible_tap.schema_version").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("schema_version has %d rows, want 1", rows)
	}
}

// TestSchemaNewerThanKnown opens a store that a newer ansible-tap
// migrated: a clear error, and the store is left as it is.
func TestSchemaNewerThanKnown(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, Options{})
		x := indexOf(s)
		if _, err := x.db.Exec(x.rebind("UPDATE schema_version SET version = ?"), SchemaVersion+1); err != nil {
			t.Fatal(err)
		}
		_, err := Open(context.Background(), spec, Options{})
		if !errors.Is(err, ErrSchemaNewer) {
			t.Errorf("Open: %v, want ErrSchemaNewer", err)
		}
		if v, err := x.version(context.Background()); err != nil || v != SchemaVersion+1 {
			t.Errorf("version %d, %v; want it left at %d", v, err, SchemaVersion+1)
		}
	})
}

// TestPostgresSearchPath keeps the tables in the schema the URL names.
func TestPostgresSearchPath(t *testing.T) {
	spec := pgtest.Database(t)
	admin := openStore(t, spec, Options{})
	if _, err := indexOf(admin).db.Exec("CREATE SCHEMA team_history"); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, spec+"&search_path=team_history", Options{})
	run := record(t, s, sampleRun(at(0), "/p.yml", "ok", nil, nil), []byte("x\n"))
	var n int
	if err := indexOf(admin).db.QueryRow("SELECT count(*) FROM team_history.runs WHERE id = $1", run.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the run is not in team_history.runs")
	}
}

// TestPostgresUnreachable opens a store on a server that refuses
// connections, and on one that accepts them and never answers: an error
// within the connect timeout (the test would hang without one), which
// never shows the password.
func TestPostgresUnreachable(t *testing.T) {
	const password = "s3cret-Pa55word"
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedAddr := refused.Addr().String()
	refused.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}()
	for _, tc := range []struct{ name, addr string }{{"refused", refusedAddr}, {"silent", silent.Addr().String()}} {
		t.Run(tc.name, func(t *testing.T) {
			u := url.URL{Scheme: "postgres", User: url.UserPassword("tap", password), Host: tc.addr, Path: "/history",
				RawQuery: "sslmode=disable&password=" + password}
			s, err := Open(context.Background(), u.String(), Options{Timeout: 500 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if strings.Contains(err.Error(), password) {
				t.Errorf("the error shows the password: %v", err)
			}
			if !strings.Contains(err.Error(), "postgres://tap@"+tc.addr+"/history") {
				t.Errorf("the error does not name the store: %v", err)
			}
		})
	}
	t.Run("unreadable URL", func(t *testing.T) {
		_, err := Open(context.Background(), "postgres://tap:"+password+"@127.0.0.1:5432/h?sslmode=bogus", Options{})
		if err == nil || strings.Contains(err.Error(), password) {
			t.Errorf("Open: %v; want an error without the password", err)
		}
	})
}

// TestPostgresGoneAfterOpen records into a store whose server goes away
// before the commit, refusing connections or holding them silent: the
// commit fails with an error within its context's deadline, and the
// recording's temporary file is removed.
func TestPostgresGoneAfterOpen(t *testing.T) {
	for _, silent := range []bool{false, true} {
		name := map[bool]string{false: "refused", true: "silent"}[silent]
		t.Run(name, func(t *testing.T) {
			spec := pgtest.Database(t)
			u, err := url.Parse(spec)
			if err != nil {
				t.Fatal(err)
			}
			p := newProxy(t, u.Host)
			u.Host = p.addr()
			s := openStore(t, u.String(), Options{Timeout: 500 * time.Millisecond})
			rec, err := s.Begin(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			rec.Write([]byte("a line\n"))
			p.cut(silent)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			err = rec.Commit(ctx, sampleRun(at(0), "/p.yml", "ok", nil, nil))
			t.Log(err)
			if err == nil {
				t.Fatal("Commit succeeded with the server gone")
			}
			assertRemoved(t, rec)
		})
	}
}

// proxy forwards TCP connections to a server until it is cut.
type proxy struct {
	l      net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	silent bool
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l}
	t.Cleanup(func() { p.cut(false) })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.silent {
				p.conns = append(p.conns, c) // held, never answered
				p.mu.Unlock()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

// cut ends the forwarding: the connections so far are closed; new ones
// are refused, or, when silent, accepted and never answered.
func (p *proxy) cut(silent bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if silent {
		p.silent = true
		for _, c := range p.conns {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.CloseRead() // the server's answers stop arriving
			}
		}
		return
	}
	p.l.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
