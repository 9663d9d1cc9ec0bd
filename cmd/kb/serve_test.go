package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/octoacme/kb/internal/browsertest"
)

// startServe runs kb serve on a free port and returns its URL.
func startServe(t testing.TB, args ...string) string {
	t.Helper()
	return startServeTo(t, io.Discard, args...)
}

// startServeTo runs kb serve on a free port (unless args hold another
// --addr), its standard error going to stderr, and returns its URL.
func startServeTo(t testing.TB, stderr io.Writer, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("kb serve did not stop within 10s of its context ending")
		}
	})
	urlRE := regexp.MustCompile(`at (http://\S+:\d+/)`)
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if m := urlRE.FindStringSubmatch(lines.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-found:
		return u
	case err := <-done:
		t.Fatalf("kb serve ended: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("kb serve did not print its URL within 60s")
	}
	return ""
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const livePage = `---
title: Reset your password
description: Choose a new password.
updated: 2026-11-01
prerequisites: [An account]
related: [/articles/other-page-here/]
---
The first version of this page.

## Troubleshooting

Ask support.
`

// TestServeLiveReload opens a page from kb serve in Chromium, edits the
// Markdown on disk and sees the new text without a manual reload; breaks the
// front matter and sees the error overlay; fixes it and sees the overlay go.
func TestServeLiveReload(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := writeFiles(t, map[string]string{
		"site.yaml":                 "title: Live test\n",
		"content/articles/reset.md": livePage,
		"content/articles/other-page-here.md": "---\ntitle: Another page here\nupdated: 2026-11-01\nprerequisites: [None]\n" +
			"related: [/articles/reset/]\n---\nText.\n\n## Troubleshooting\n\nAsk.\n",
	})
	b := browsertest.New(t, 90*time.Second)
	base := startServe(t, "-s", dir)
	if _, err := chromedp.Run(b.Ctx, chromedp.Navigate(base+"articles/reset/")); err != nil {
		t.Fatal(err)
	}
	body := `document.body ? document.body.innerText : ""`
	if got, ok := b.WaitText(body, "The first version", 10*time.Second); !ok {
		t.Fatalf("page text: %q", got)
	}
	time.Sleep(300 * time.Millisecond) // the page connects to /_kb/events

	file := filepath.Join(dir, "content/articles/reset.md")
	os.WriteFile(file, []byte(strings.Replace(livePage, "The first version", "The second version", 1)), 0o644)
	if got, ok := b.WaitText(body, "The second version", 10*time.Second); !ok {
		t.Fatalf("edit did not show up without a manual reload; page text: %q", got)
	}

	os.WriteFile(file, []byte("---\ntitle: [broken\n---\nOops.\n"), 0o644)
	overlay := `(document.getElementById("kb-live-overlay") || {innerText: ""}).innerText`
	got, ok := b.WaitText(overlay, "content/articles/reset.md:", 10*time.Second)
	if !ok {
		t.Fatalf("no error overlay naming the file; overlay text: %q", got)
	}
	if !strings.Contains(got, "1 problem stops the build") || !strings.Contains(got, "not valid YAML") {
		t.Errorf("overlay text: %q", got)
	}
	if got, _ := b.WaitText(body, "The second version", time.Second); !strings.Contains(got, "The second version") {
		t.Error("the last good page is not shown under the overlay")
	}

	os.WriteFile(file, []byte(strings.Replace(livePage, "The first version", "The third version", 1)), 0o644)
	if got, ok := b.WaitText(body, "The third version", 10*time.Second); !ok {
		t.Fatalf("fixed page did not show up; page text: %q", got)
	}
	if got, ok := b.WaitText(`document.getElementById("kb-live-overlay") ? "present" : "gone"`, "gone", 5*time.Second); !ok {
		t.Errorf("overlay still shown after the fix: %q", got)
	}
	b.CheckNoExceptions(t)
}

func TestServePortInUse(t *testing.T) {
	dir := writeFiles(t, map[string]string{"site.yaml": "title: x\n"})
	base := startServe(t, "-s", dir, "--no-watch")
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	var stderr strings.Builder
	err := run(context.Background(), []string{"serve", "-s", dir, "--addr", addr}, io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "already in use") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestServeReadyReport(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	base := startServe(t, "-s", "../..")
	resp, err := http.Get(base + "_kb/ready/3.7.0")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Release readiness: OctoAcme 3.7") || !strings.Contains(string(body), "Ready: every blocking item passes") {
		t.Errorf("status %d body %s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "_kb/ready/9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown version: status %d", resp.StatusCode)
	}
}
