// Package browsertest starts headless Debian Chromium for browser tests
// through chromedp, with the flags this machine needs (no sandbox as root,
// no background networking on a closed network), and collects the page's
// JavaScript exceptions. Without Chromium the test is skipped, unless the
// environment variable KB_CI is set (CI installs chromium), then it fails.
package browsertest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package installs the browser.
const Path = "/usr/bin/chromium"

// Browser is a running headless Chromium tab.
type Browser struct {
	Ctx context.Context
	mu  sync.Mutex
	exc []string
}

// New starts Chromium for the test and closes it when the test ends.
func New(t testing.TB, timeout time.Duration) *Browser {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("KB_CI is set but %s is missing (apt-get install -y chromium): %v", Path, err)
		}
		t.Skipf("%s is not installed; browser test skipped", Path)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(Path),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.WindowSize(1200, 900),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	b := &Browser{Ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			b.mu.Lock()
			b.exc = append(b.exc, msg)
			b.mu.Unlock()
		}
	})
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Navigate("about:blank"))
	}
	if err != nil {
		t.Fatalf("starting %s: %v", Path, err)
	}
	return b
}

// Exceptions returns the JavaScript exceptions thrown so far.
func (b *Browser) Exceptions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.exc...)
}

// CheckNoExceptions fails the test if any JavaScript exception was thrown.
func (b *Browser) CheckNoExceptions(t testing.TB) {
	t.Helper()
	if e := b.Exceptions(); len(e) > 0 {
		t.Errorf("JavaScript exceptions:\n%s", strings.Join(e, "\n"))
	}
}

// WaitText polls until the JavaScript expression (a string) contains want,
// or the timeout passes; it returns the last value seen.
func (b *Browser) WaitText(expr, want string, timeout time.Duration) (string, bool) {
	deadline := time.Now().Add(timeout)
	var got string
	for {
		got, _ = chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
		if strings.Contains(got, want) {
			return got, true
		}
		if time.Now().After(deadline) || b.Ctx.Err() != nil {
			return got, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
