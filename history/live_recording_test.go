package history

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// A live recording takes the run's stream from its first byte, whatever
// the store does meanwhile, and commits it once the store is open.
func TestLiveRecording(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		l, err := Record(ctx, spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		stream := []byte(`{"_event":"ansible_tap_run_start","console":false}` + "\n")
		l.Write(stream)
		run := &Run{Outcome: "ok", Playbooks: []string{"/srv/site.yml"}}
		if err := l.Commit(ctx, run); err != nil {
			t.Fatal(err)
		}
		s, err := l.Store(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Stream(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, stream) {
			t.Errorf("stored %q, want %q", got, stream)
		}
		runs, err := s.List(ctx, Filter{})
		if err != nil || len(runs) != 1 || runs[0].ID != run.ID {
			t.Errorf("listed %v, %v; want the one run %s", runs, err, run.ID)
		}
	})
}

// A PostgreSQL server that accepts and never answers does not delay the
// run: Record returns at once, and the store's failure comes at commit,
// bounded by the store's timeout, with the recording's file removed.
func TestLiveRecordingOfAStoreThatDoesNotAnswer(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var held []net.Conn
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	spec := "postgres://tap:secret@" + silent.Addr().String() + "/history"
	ctx := context.Background()
	l, err := Record(ctx, spec, Options{Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.opened:
		t.Fatal("Record waited for the store to open")
	default:
	}
	l.Write([]byte("{}\n"))
	err = l.Commit(ctx, &Run{})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("commit to a silent store: %v; want an error without the password", err)
	}
	if _, statErr := l.file.Stat(); statErr == nil {
		t.Error("the recording's file was left behind")
	}
	l.Close()
}
