package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
)

// TestServePublishesOnSchedule: kb serve --no-watch publishes a page
// scheduled a few seconds ahead when its time comes, with no one saving a
// file; before, it answers 404.
func TestServePublishesOnSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the clock")
	}
	dir := t.TempDir()
	at := time.Now().Add(3 * time.Second).UTC().Truncate(time.Second)
	page := func(title, extra string) string {
		return "---\ntitle: " + title + "\ndescription: A page.\nupdated: 2026-11-01\nrelated: [\"https://example.com/help\"]\n" + extra + "---\nText.\n"
	}
	for name, data := range map[string]string{
		"site.yaml":                "title: Schedule test\n",
		"content/articles/now.md":  page("A page published now", ""),
		"content/articles/soon.md": page("A page published soon", "publish_date: "+at.Format(time.RFC3339)+"\n"),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, ln, Options{Dir: dir, Theme: kb.Theme, Addr: ln.Addr().String(), Stdout: io.Discard, Stderr: io.Discard})
	}()
	defer func() {
		cancel()
		<-done
	}()
	base := "http://" + ln.Addr().String()
	status := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for status("/articles/now/") != http.StatusOK {
		if time.Now().After(at) {
			t.Fatal("the server did not start before the page's time")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := status("/articles/soon/"); got != http.StatusNotFound && time.Now().Before(at) {
		t.Errorf("before its time: %d, want 404", got)
	}
	for status("/articles/soon/") != http.StatusOK {
		if time.Now().After(at.Add(10 * time.Second)) {
			t.Fatalf("10 s after its time the scheduled page is still not served")
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Get(base + "/articles/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "A page published soon") {
		t.Errorf("the section list does not list the page published on schedule")
	}
}
