package server

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
)

// lines is an io.Writer that hands each complete line to a channel, and
// runs onFirst, within the Write of the first line, before Run goes on.
type lines struct {
	mu      sync.Mutex
	buf     string
	onFirst func()
	ch      chan string
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf += string(p)
	for {
		line, rest, ok := strings.Cut(l.buf, "\n")
		if !ok {
			return len(p), nil
		}
		l.buf = rest
		if l.onFirst != nil {
			l.onFirst()
			l.onFirst = nil
		}
		select {
		case l.ch <- line:
		default: // nobody listening any more
		}
	}
}

// TestWatchingWhenServing: the preview watches the site before it says it
// is "watching for changes" (and before it opens the browser): a page
// saved at the moment the serving line is printed is rebuilt. The watcher
// used to start after the line, so such an edit was lost, and a test that
// edited a page as soon as kb serve printed its URL waited in vain on a
// loaded machine.
func TestWatchingWhenServing(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "content", "articles", "a.md")
	if err := os.MkdirAll(filepath.Dir(page), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Watch test\n"), 0o644)
	os.WriteFile(page, []byte("---\ntitle: A page\n---\nThe first version.\n"), 0o644)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := &lines{ch: make(chan string, 16), onFirst: func() {
		// Synchronously, inside Run's print of the serving line.
		os.WriteFile(page, []byte("---\ntitle: A page\n---\nThe second version.\n"), 0o644)
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, ln, Options{Dir: dir, Theme: kb.Theme, Addr: ln.Addr().String(), Watch: true, Stdout: out, Stderr: io.Discard})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// The edit is one batch: kb rebuilds within a second of it. Without a
	// watcher nothing ever comes; 30 s is for a loaded machine.
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line := <-out.ch:
			if strings.HasPrefix(line, "content/articles/a.md: ") {
				return
			}
		case err := <-done:
			t.Fatalf("Run ended: %v", err)
		case <-timeout:
			t.Fatal("the page saved as kb serve printed its serving line was never rebuilt: the watcher started after the line")
		}
	}
}
