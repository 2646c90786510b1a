package outfile

import (
	"errors"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// A second writer of an events file is refused, and the first one's file
// is left as it is; once the first closes it, the next run takes it over.
func TestOpenStreamLocks(t *testing.T) {
	dir := t.TempDir()
	path := join(dir, "events.jsonl")
	writeTestFile(t, path, "an older recording\n", 0o644)
	first, err := OpenStream(path, Private)
	if err != nil {
		t.Fatal(err)
	}
	if got := readTestFile(t, path); got != "" {
		t.Errorf("the older recording was not emptied: %q", got)
	}
	if got := testio.Perm(t, path); got != Mode(Private) {
		t.Errorf("mode %v, want %v", got, Mode(Private))
	}
	first.WriteString("the first run's events\n")

	second, err := OpenStream(path, Private)
	if !errors.Is(err, ErrLocked) {
		second.Close()
		t.Fatalf("a second writer: %v, want ErrLocked", err)
	}
	if want := path + ": another ansible-tap run is writing it"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	first.WriteString("and more\n")
	if got := readTestFile(t, path); got != "the first run's events\nand more\n" {
		t.Errorf("the first run's file holds %q", got)
	}
	first.Close()

	third, err := OpenStream(path, Private)
	if err != nil {
		t.Fatalf("after the first run: %v", err)
	}
	defer third.Close()
	if got := readTestFile(t, path); got != "" {
		t.Errorf("the next run did not start afresh: %q", got)
	}
}

func TestOpenStreamCreatesPrivateFile(t *testing.T) {
	dir := t.TempDir()
	f, err := OpenStream(join(dir, "events.jsonl"), Private)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := testio.Perm(t, join(dir, "events.jsonl")); got != Mode(Private) {
		t.Errorf("mode %v, want %v", got, Mode(Private))
	}
	if _, err := OpenStream(join(dir, "missing", "events.jsonl"), Private); err == nil ||
		err.Error() != join(dir, "missing", "events.jsonl")+": its directory "+join(dir, "missing")+" does not exist" {
		t.Errorf("in a missing directory: %v", err)
	}
}

func TestOpenStreamIntoAFIFO(t *testing.T) {
	fifo := join(t.TempDir(), "events")
	read := testio.FIFOReader(t, fifo)
	f, err := OpenStream(fifo, Private)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{}\n")
	f.Close()
	if got := string(read()); got != "{}\n" {
		t.Errorf("the reader got %q", got)
	}
}
