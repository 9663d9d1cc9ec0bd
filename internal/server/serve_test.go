package server

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fsnotify/fsnotify"
)

// TestRunWatchFails: when watching cannot start, kb serve fails without
// having said it is serving.
func TestRunWatchFails(t *testing.T) {
	prev := newFSWatcher
	newFSWatcher = func() (*fsnotify.Watcher, error) { return nil, errors.New("too many open files") }
	defer func() { newFSWatcher = prev }()

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content", "articles"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Watch\nlint:\n  rules: {orphan: off}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "content", "articles", "a.md"), []byte("---\ntitle: A page to serve\nupdated: 2026-11-01\nrelated: [/articles/a/]\n---\nText.\n"), 0o644)
	theme := fstest.MapFS{
		"layouts/baseof.html":  {Data: []byte(`{{block "main" .}}{{end}}`)},
		"layouts/article.html": {Data: []byte(`{{define "main"}}{{.Page.Title}}{{end}}`)},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	err = Run(context.Background(), ln, Options{Dir: dir, Theme: theme, Addr: ln.Addr().String(), Drafts: true, Watch: true, Stdout: &stdout, Stderr: &stderr})
	if err == nil || !strings.Contains(err.Error(), "cannot watch the site folder for changes: too many open files") {
		t.Errorf("error %v", err)
	}
	if strings.Contains(stdout.String(), "serving") {
		t.Errorf("said it was serving before failing:\n%s", stdout.String())
	}
}
