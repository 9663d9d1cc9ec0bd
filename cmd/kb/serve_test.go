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
	waitLive(t, b.Ctx, "of the page")

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

// linkSite is a site whose pages pass lint, with a secret beside them.
var linkSite = map[string]string{
	"site.yaml": "title: Links\n",
	".env":      "SECRET=1\n",
	"content/articles/page.md": "---\ntitle: A page about links\nupdated: 2026-11-01\nprerequisites: [None]\n" +
		"related: [/articles/page/]\n---\nText.\n\n## Troubleshooting\n\nNone.\n",
	"static/files/ok.txt": "ok\n",
}

// TestServeRefusesLinks: kb serve never serves a file through a symbolic
// link that kb build refuses. With --no-watch it does not start; the
// preview, when such a link is added while it runs, reports the problem
// and keeps serving the last good site, without the file; a link inside
// static/ is served.
func TestServeRefusesLinks(t *testing.T) {
	dir := writeFiles(t, linkSite)
	if err := os.Symlink("files/ok.txt", filepath.Join(dir, "static/ok.txt")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	env := filepath.Join(dir, "static/env.txt")
	os.Symlink("../.env", env)
	var stderr strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // ends it if it serves
	err := run(ctx, []string{"serve", "-s", dir, "--addr", "127.0.0.1:0", "--no-watch"}, io.Discard, &stderr)
	cancel()
	if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "static/env.txt: is a symbolic link to ../.env, which kb would not publish from static/") {
		t.Errorf("kb serve --no-watch with static/env.txt → ../.env: exit %d, stderr:\n%s", code, stderr.String())
	}
	os.Remove(env)

	for _, mode := range [][]string{{"--no-watch"}, nil} {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, append([]string{"serve", "-s", dir, "--addr", "127.0.0.1:0"}, mode...), pw, io.Discard)
			pw.Close()
		}()
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var base string
		for base == "" {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("kb serve %v ended: %v", mode, <-done)
				}
				if m := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(l); m != nil {
					base = m[1]
				}
			case <-time.After(60 * time.Second):
				t.Fatal("kb serve did not print its URL within 60s")
			}
		}
		status := func(p string) (int, string) {
			resp, err := http.Get(base + p)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		if code, body := status("ok.txt"); code != 200 || body != "ok\n" {
			t.Errorf("%v: /ok.txt (a link inside static/): %d %q", mode, code, body)
		}
		if mode == nil {
			// The watcher starts after the URL is printed: wait until it
			// reports a file written.
			probe := filepath.Join(dir, "static/probe.txt")
		watching:
			for i := 0; ; i++ {
				if i == 30 {
					t.Fatal("the watcher reported no change within 30s")
				}
				os.WriteFile(probe, []byte{byte(i)}, 0o644)
				timeout := time.After(time.Second)
				for {
					select {
					case l := <-lines:
						if strings.HasPrefix(l, "static/probe.txt") {
							break watching
						}
						continue
					case <-timeout:
					}
					break
				}
			}
			// Added while it runs: to static/, then a layout.
			for _, c := range []struct{ target, link, want string }{
				{"../.env", "static/env.txt", "static/env.txt: is a symbolic link to ../.env"},
				{"../../site.yaml", "layouts/partials/footer.html", "layouts/partials/footer.html: is a symbolic link to ../../site.yaml"},
			} {
				p := filepath.Join(dir, filepath.FromSlash(c.link))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.Symlink(c.target, p); err != nil {
					t.Fatal(err)
				}
				deadline := time.After(20 * time.Second)
			wait:
				for {
					select {
					case l := <-lines:
						if strings.Contains(l, "still serving the last good build") && strings.Contains(l, c.want) {
							break wait
						}
					case <-deadline:
						t.Fatalf("no rebuild line naming %s within 20s", c.link)
					}
				}
				if code, body := status("env.txt"); code != 404 || strings.Contains(body, "SECRET") {
					t.Errorf("/env.txt after %s was added: %d %q", c.link, code, body)
				}
				if code, body := status("articles/page/"); code != 200 || strings.Contains(body, "title: Links") {
					t.Errorf("/articles/page/ after %s was added: %d, site.yaml shown: %v", c.link, code, strings.Contains(body, "title: Links"))
				}
				os.Remove(p)
			}
		}
		cancel()
		for range lines {
		}
		if err := <-done; err != nil {
			t.Errorf("kb serve %v: %v", mode, err)
		}
	}
}
