package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/server"
)

// TestServeHostCheck: a web page on attacker.example can make its name
// point at 127.0.0.1 (DNS rebinding) and read the writer's preview with
// scripts of its own origin; its requests name attacker.example in the
// Host header. The preview refuses them on every path, the live-reload
// events and /_kb/ pages included, and answers loopback names; the
// production server answers any host (a proxy sends the public name)
// unless --allowed-hosts is given.
func TestServeHostCheck(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := copySampleSite(t)
	preview := startServe(t, "-s", dir)
	addr := strings.TrimSuffix(strings.TrimPrefix(preview, "http://"), "/")
	port := addr[strings.LastIndex(addr, ":"):]
	status := func(addr, host, path string) (int, string) {
		t.Helper()
		resp, body, err := rawRequest(t, addr, "GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
		if err != nil {
			t.Fatalf("%s for %s: %v", path, host, err)
		}
		return resp.StatusCode, body
	}
	paths := []string{"/", "/articles/reset-your-password/", "/_kb/events", "/_kb/status", "/_kb/live.js", "/_kb/ready/3.7.0", "/api/search?q=password", "/nope/"}
	for _, host := range []string{"attacker.example", "attacker.example" + port, "127.0.0.1.nip.io" + port, "localhost.attacker.example", "192.168.1.20" + port} {
		for _, p := range paths {
			if code, body := status(addr, host, p); code != http.StatusForbidden || strings.Contains(body, "OctoAcme") {
				t.Errorf("preview, Host %s, %s: %d %.80q", host, p, code, body)
			}
		}
	}
	for _, host := range []string{"localhost", "localhost" + port, "127.0.0.1" + port, "[::1]" + port, "kb.localhost" + port} {
		for _, p := range []string{"/", "/_kb/status", "/api/search?q=password"} {
			if code, _ := status(addr, host, p); code != 200 {
				t.Errorf("preview, Host %s, %s: %d", host, p, code)
			}
		}
	}

	prod := startServe(t, "-s", dir, "--no-watch")
	paddr := strings.TrimSuffix(strings.TrimPrefix(prod, "http://"), "/")
	for _, host := range []string{"help.octoacme.example", "attacker.example"} {
		if code, _ := status(paddr, host, "/"); code != 200 {
			t.Errorf("--no-watch, Host %s: %d", host, code)
		}
	}
	strict := startServe(t, "-s", dir, "--no-watch", "--allowed-hosts", "help.octoacme.example, docs.octoacme.example")
	saddr := strings.TrimSuffix(strings.TrimPrefix(strict, "http://"), "/")
	for host, want := range map[string]int{"help.octoacme.example": 200, "DOCS.octoacme.example:443": 200, "localhost": 200, "attacker.example": 403} {
		if code, _ := status(saddr, host, "/"); code != want {
			t.Errorf("--no-watch --allowed-hosts, Host %s: %d, want %d", host, code, want)
		}
	}
}

// TestServeExposedWarning: on an address other machines can reach, the
// preview warns that it serves drafts; production mode serves none and
// says nothing of drafts, unless --drafts is set.
func TestServeExposedWarning(t *testing.T) {
	dir := writeFiles(t, map[string]string{"site.yaml": "title: x\n"})
	for _, tc := range []struct {
		args []string
		want string // "" for no warning
	}{
		{[]string{}, "the preview serves drafts and unpublished work"},
		{[]string{"--no-watch"}, ""},
		{[]string{"--no-watch", "--drafts"}, "with --drafts: pages marked draft: true are served"},
	} {
		var stderr syncBuffer
		startServeTo(t, &stderr, append([]string{"-s", dir, "--addr", "0.0.0.0:0"}, tc.args...)...)
		got := stderr.String()
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%v: warned %q", tc.args, got)
		case tc.want != "" && (!strings.Contains(got, "kb: warning: listening on ") || !strings.Contains(got, tc.want)):
			t.Errorf("%v: stderr %q, want %q", tc.args, got, tc.want)
		}
	}
	var stderr syncBuffer
	startServeTo(t, &stderr, "-s", dir)
	if got := stderr.String(); got != "" {
		t.Errorf("on loopback: %q", got)
	}
}

func TestServeMaxConnsFlag(t *testing.T) {
	if _, known := server.OpenFileLimit(); !known {
		t.Skip("no open-file limit here")
	}
	for _, args := range [][]string{{"--max-conns", "-1"}, {"--max-conns", "999999999"}} {
		var stderr strings.Builder
		dir := writeFiles(t, map[string]string{"site.yaml": "title: Connections\n"})
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0", "-s", dir}, args...), io.Discard, &stderr)
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "--max-conns") {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}

// events follows the preview's event stream until ctx ends; it returns
// the change events.
func events(ctx context.Context, t *testing.T, base string) <-chan server.Event {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"_kb/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan server.Event, 16)
	hello := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		kind := ""
		for sc.Scan() {
			line := sc.Text()
			if k, ok := strings.CutPrefix(line, "event: "); ok {
				kind = k
			} else if d, ok := strings.CutPrefix(line, "data: "); ok {
				if kind == "hello" {
					close(hello)
				} else if kind == "change" {
					var ev server.Event
					json.Unmarshal([]byte(d), &ev)
					ch <- ev
				}
			}
		}
	}()
	<-hello
	return ch
}

// liveConnected is true in a preview page once its event stream is
// connected: live.js fetches /_kb/status when the stream says hello.
const liveConnected = `performance.getEntriesByType("resource").some(function (e) { return new URL(e.name).pathname === "/_kb/status"; })`

// waitLive waits until the page of the tab ctx listens to the preview's
// events, so that the next change reaches it.
func waitLive(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](liveConnected)); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tab %s: the page did not connect to /_kb/events within 30 s", name)
		}
	}
}

func nextEvent(t *testing.T, ch <-chan server.Event, what string) server.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(15 * time.Second):
		t.Fatalf("%s: no event from the preview within 15 s", what)
	}
	return server.Event{}
}

// TestServeNoReloadWithoutChange: through the real preview and its
// watcher, a file saved again with the same text, and a comment added to
// site.yaml (a full rebuild), tell the browser to reload nothing; an
// edit names the page it changed.
func TestServeNoReloadWithoutChange(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := writeFiles(t, map[string]string{
		"site.yaml":                 "title: Live test\n",
		"content/articles/reset.md": livePage,
		"content/articles/other-page-here.md": "---\ntitle: Another page here\nupdated: 2026-11-01\nprerequisites: [None]\n" +
			"related: [/articles/reset/]\n---\nText.\n\n## Troubleshooting\n\nAsk.\n",
	})
	base := startServe(t, "-s", dir)
	ch := events(t.Context(), t, base)
	page := filepath.Join(dir, "content/articles/reset.md")
	os.WriteFile(page, []byte(livePage), 0o644)
	if ev := nextEvent(t, ch, "same text saved"); ev.Kind != "status" {
		t.Errorf("the same text saved again: %+v, want a status event", ev)
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("# a comment\ntitle: Live test\n"), 0o644)
	if ev := nextEvent(t, ch, "comment in site.yaml"); ev.Kind != "status" {
		t.Errorf("a comment in site.yaml: %+v, want a status event", ev)
	}
	os.WriteFile(page, []byte(strings.Replace(livePage, "The first version", "The second version", 1)), 0o644)
	if ev := nextEvent(t, ch, "an edit"); ev.Kind != "reload" || !slices.Contains(ev.Pages, "/articles/reset/") || slices.Contains(ev.Pages, "/articles/other-page-here/") {
		t.Errorf("an edit of the body: %+v", ev)
	}
}

// png4 is a 4×4 PNG of one colour.
func png4(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := range 4 {
		for y := range 4 {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestServeReloadsOnlyChangedTabs opens three tabs of the preview in
// Chromium (page A, which shows an image; page B; an unknown URL showing
// the 404 page) and checks which of them reload: an edit of B reloads B
// (and the 404 tab only if the 404 page changed), a new version of the
// image reloads A, and saving B again unchanged reloads none.
func TestServeReloadsOnlyChangedTabs(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	pageA := strings.Replace(livePage, "The first version of this page.", "Page A.\n\n![A red square](/images/pic.png)", 1)
	pageA = strings.Replace(pageA, "/articles/other-page-here/", "/articles/b/", 1)
	pageB := strings.Replace(strings.Replace(livePage, "Reset your password", "Page B here", 1), "/articles/other-page-here/", "/articles/a/", 1)
	dir := writeFiles(t, map[string]string{
		"site.yaml":             "title: Tabs\n",
		"content/articles/a.md": pageA,
		"content/articles/b.md": pageB,
		"static/images/pic.png": string(png4(t, color.RGBA{255, 0, 0, 255})),
	})
	b := browsertest.New(t, 120*time.Second)
	base := startServe(t, "-s", dir)
	ch := events(t.Context(), t, base)
	tabs := map[string]context.Context{}
	for name, path := range map[string]string{"A": "articles/a/", "B": "articles/b/", "404": "nope/"} {
		ctx, cancel := chromedp.NewContext(b.Ctx)
		t.Cleanup(cancel)
		if _, err := chromedp.Run(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatal(err)
		}
		tabs[name] = ctx
	}
	mark := func() {
		for name, ctx := range tabs {
			// Wait for the page's event stream, then mark the page: a reload clears the mark.
			ok := false
			for range 100 {
				ok, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !!document.querySelector('script[src="/_kb/live.js"]')`))
				if ok {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if !ok {
				t.Fatalf("tab %s did not load", name)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__kbmark = true`)); err != nil {
				t.Fatal(err)
			}
		}
		for name, ctx := range tabs {
			waitLive(t, ctx, name)
		}
	}
	check := func(step string, ev server.Event, reloads map[string]bool) {
		t.Helper()
		t.Logf("%s: %+v", step, ev)
		settled := time.Now().Add(time.Second) // a tab that has not reloaded by then will not
		deadline := time.Now().Add(5 * time.Second)
		for name, ctx := range tabs {
			for {
				marked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__kbmark === true`))
				if reloaded := !marked; reloaded == reloads[name] && (reloaded || time.Now().After(settled)) {
					break
				}
				if time.Now().After(deadline) {
					t.Errorf("%s (event %+v): tab %s reloaded %v, want %v", step, ev, name, !marked, reloads[name])
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}

	mark()
	os.WriteFile(filepath.Join(dir, "content/articles/b.md"), []byte(strings.Replace(pageB, "The first version", "The second version", 1)), 0o644)
	ev := nextEvent(t, ch, "an edit of B")
	check("an edit of B", ev, map[string]bool{"B": true, "404": slices.Contains(ev.Pages, "/404.html")})
	if got, _ := chromedp.Run(tabs["B"], chromedp.Evaluate[string](`document.body.innerText`)); !strings.Contains(got, "The second version") {
		t.Errorf("tab B shows %.200q", got)
	}

	mark()
	os.WriteFile(filepath.Join(dir, "static/images/pic.png"), png4(t, color.RGBA{0, 0, 255, 255}), 0o644)
	ev = nextEvent(t, ch, "a new image")
	if !slices.Contains(ev.Assets, "/images/pic.png") || len(ev.Pages) > 0 {
		t.Errorf("a new image, same size: %+v", ev)
	}
	check("a new image", ev, map[string]bool{"A": true})

	mark()
	os.WriteFile(filepath.Join(dir, "content/articles/b.md"), []byte(strings.Replace(pageB, "The first version", "The second version", 1)), 0o644)
	ev = nextEvent(t, ch, "B saved unchanged")
	check("B saved unchanged", ev, map[string]bool{})
	b.CheckNoExceptions(t)
}

// TestServeStopsAfterFullRebuild: a full rebuild replaces the search
// index and closes the old one a moment later; stopping kb serve after
// that closed the first index a second time, and bleve panicked. And kb
// serve stops at once with a tab listening to its events (it waited 5 s
// for the stream to end).
func TestServeStopsAfterFullRebuild(t *testing.T) {
	defer func(d time.Duration) { server.IndexGrace = d }(server.IndexGrace)
	server.IndexGrace = 10 * time.Millisecond
	dir := writeFiles(t, map[string]string{"site.yaml": "title: One\n", "content/articles/reset.md": livePage,
		"content/articles/other-page-here.md": strings.Replace(strings.Replace(livePage, "Reset your password", "Another page here", 1), "/articles/other-page-here/", "/articles/reset/", 1)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "-s", dir}, pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	base := ""
	for base == "" && lines.Scan() {
		if _, u, ok := strings.Cut(lines.Text(), " at http://"); ok {
			base = "http://" + u[:strings.Index(u, "/")+1]
		}
	}
	go io.Copy(io.Discard, pr)
	evctx, stopEvents := context.WithCancel(context.Background())
	ch := events(evctx, t, base)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Two\n"), 0o644)
	if ev := nextEvent(t, ch, "site.yaml changed"); ev.Kind != "reload" {
		t.Fatalf("site.yaml changed: %+v", ev)
	}
	time.Sleep(500 * time.Millisecond) // the new index in, the old one closed
	// A browser tab is still listening: kb serve ends its event stream.
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("kb serve did not stop")
	}
	// It took the shutdown's whole 5 s; it stops in milliseconds, 4 s is
	// for a loaded machine.
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("kb serve took %v to stop with a tab open", d)
	}
	stopEvents()
}
