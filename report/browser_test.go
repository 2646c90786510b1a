package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// The test binary's headless Chromium: started by the first test that
// needs it, shared by every test as tabs, stopped by TestMain.
var browser struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.stop != nil {
		browser.stop()
	}
	os.Exit(code)
}

// startBrowser starts Chromium headless, offline and with a fresh profile.
func startBrowser(path string) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "ansible-tap-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	stop := func() {
		cancel()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		stop()
		return nil, nil, err
	}
	return ctx, stop, nil
}

// browserTab opens a new tab of the shared browser. Without Chromium the
// test is skipped, and fails under CI, where every test must run.
func browserTab(t *testing.T) *tab {
	t.Helper()
	path := testio.RequireTool(t, "chromium", "chromium-browser")
	browser.once.Do(func() { browser.ctx, browser.stop, browser.err = startBrowser(path) })
	if browser.err != nil {
		t.Fatalf("starting chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx}
	if err := chromedp.Listen(ctx, tb.listen); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	return tb
}

// tab is a browser tab that records what the page logs and requests.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	errors   []string // console errors, uncaught exceptions, browser log errors
	requests []string // URLs the page asked for
	opened   []string // URLs the test opened
}

func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.errors = append(tb.errors, "console."+string(e.Type)+": "+remoteText(e.Args))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		tb.errors = append(tb.errors, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, text))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
			tb.errors = append(tb.errors, "log "+string(e.Entry.Source)+": "+e.Entry.Text)
		}
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, e.Request.URL)
	}
}

func remoteText(args []*runtime.RemoteObject) string {
	s := ""
	for _, a := range args {
		if a.Description != "" {
			s += a.Description + " "
		} else {
			s += string(a.Value) + " "
		}
	}
	return s
}

// pollEvery is how often the tests look at the page: a timer, as a
// headless tab in the background may not run animation frames.
const pollEvery = 20 * time.Millisecond

// open loads the report at path and waits until its script has set up
// the whole page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.mu.Lock()
	tb.opened = append(tb.opened, "file://"+abs)
	tb.mu.Unlock()
	if err := chromedp.Do(tb.ctx,
		chromedp.Navigate("file://"+abs),
		chromedp.Poll[chromedp.Void]("document.documentElement.dataset.ready !== undefined", chromedp.WithPollingInterval(pollEvery)),
	); err != nil {
		tb.t.Fatalf("opening %s: %v (page problems: %v)", path, err, tb.problems())
	}
}

// problems returns the page's errors and warnings, and the requests it made
// beyond loading the reports the test opened.
func (tb *tab) problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	out := append([]string(nil), tb.errors...)
	for _, url := range tb.requests {
		if !slices.Contains(tb.opened, url) {
			out = append(out, "request: "+url)
		}
	}
	return out
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](tb *tab, expression string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		tb.t.Fatalf("%s: %v", expression, err)
	}
	return v
}

// do runs actions in the tab.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// screenshot saves what the tab shows as name.png in $ANSIBLE_TAP_REPORT_ARTIFACTS,
// or else in the test's temporary directory, and returns the PNG.
func (tb *tab) screenshot(name string) []byte {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	dir := os.Getenv("ANSIBLE_TAP_REPORT_ARTIFACTS")
	if dir == "" {
		dir = tb.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
	return png
}
