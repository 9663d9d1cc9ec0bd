package server

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func startWatcher(t *testing.T) (string, <-chan []string) {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"content/articles", "layouts", "static"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "content/articles/a.md"), []byte("a"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	wt := &Watcher{Dir: dir, Quiet: 30 * time.Millisecond, Errors: func(err error) { t.Log(err) }}
	ch, err := wt.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return dir, ch
}

func next(t *testing.T, ch <-chan []string) []string {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch of changes within 5s")
		return nil
	}
}

func TestWatcher(t *testing.T) {
	dir, ch := startWatcher(t)
	write := func(rel, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	write("content/articles/a.md", "edited")
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"content/articles/a.md"}) {
		t.Errorf("edit: %v", got)
	}

	// An editor's atomic save: write a temporary file, rename it over the original.
	write("content/articles/.a.md.swp", "junk")
	write("content/articles/a.md.tmp", "new")
	os.Rename(filepath.Join(dir, "content/articles/a.md.tmp"), filepath.Join(dir, "content/articles/a.md"))
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"content/articles/a.md"}) {
		t.Errorf("atomic save: %v", got)
	}

	// Rename: both names are reported.
	os.Rename(filepath.Join(dir, "content/articles/a.md"), filepath.Join(dir, "content/articles/b.md"))
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"content/articles/a.md", "content/articles/b.md"}) {
		t.Errorf("rename: %v", got)
	}

	// A folder created later is watched, and files already in it are reported.
	os.MkdirAll(filepath.Join(dir, "content/faq/deep"), 0o755)
	write("content/faq/deep/q.md", "q")
	got := strings.Join(next(t, ch), " ")
	if !strings.Contains(got, "content/faq/deep/q.md") {
		t.Errorf("new folder: %v", got)
	}
	time.Sleep(100 * time.Millisecond)
	write("content/faq/deep/q.md", "q2")
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"content/faq/deep/q.md"}) {
		t.Errorf("file in new folder: %v", got)
	}

	// A deleted folder, then a file appearing and vanishing within the window.
	os.RemoveAll(filepath.Join(dir, "content/faq"))
	if got := strings.Join(next(t, ch), " "); !strings.Contains(got, "content/faq") {
		t.Errorf("deleted folder: %v", got)
	}
	write("content/articles/flash.md", "x")
	os.Remove(filepath.Join(dir, "content/articles/flash.md"))
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"content/articles/flash.md"}) {
		t.Errorf("flash file: %v", got)
	}

	// site.yaml and layouts are inputs; files elsewhere are not.
	write("notes.txt", "x")
	write("site.yaml", "title: x")
	write("layouts/article.html", "x")
	if got := next(t, ch); !reflect.DeepEqual(got, []string{"layouts/article.html", "site.yaml"}) {
		t.Errorf("config and layouts: %v", got)
	}
}

func TestWatcherBurst(t *testing.T) {
	dir, ch := startWatcher(t)
	for i := 0; i < 500; i++ {
		os.WriteFile(filepath.Join(dir, "content/articles", "p"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".md"), []byte("x"), 0o644)
	}
	seen := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for len(seen) < 182 { // lcm(7, 26) distinct names
		select {
		case b := <-ch:
			for _, p := range b {
				seen[p] = true
			}
		case <-deadline:
			t.Fatalf("only %d of 182 files reported", len(seen))
		}
	}
}

func TestEvents(t *testing.T) {
	live := NewLive()
	srv := httptest.NewServer(live)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/_kb/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	readEvent := func() string {
		var lines []string
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if l == "\n" {
				return strings.Join(lines, "")
			}
			lines = append(lines, l)
		}
	}
	if ev := readEvent(); !strings.Contains(ev, "event: hello") {
		t.Fatalf("first event %q", ev)
	}
	for live.Subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	live.Publish(Event{Kind: "reload", Pages: []string{"/articles/a/"}}, Status{})
	if ev := readEvent(); !strings.Contains(ev, `"kind":"reload"`) || !strings.Contains(ev, `"/articles/a/"`) {
		t.Errorf("change event %q", ev)
	}
}

// TestEditorTemp: the files editors write around a save are not site
// changes; real files, even odd ones, are.
func TestEditorTemp(t *testing.T) {
	for name, temp := range map[string]bool{
		".reset.md.swp": true, ".reset.md.swo": true, ".reset.md.swx": true, "4913": true, "5036": true,
		"reset.md~": true, ".#reset.md": true, "#reset.md#": true,
		"reset.md___jb_tmp___": true, "reset.md___jb_old___": true,
		"reset.md.tmp": true, "reset.md.tmp.4711": true, ".reset.md.tmp-abc": true, "kb.css.TMP": true,
		".reset.md.kate-swp": true, ".goutputstream-X1Y2Z3": true,
		"reset.md": false, "kb.css": false, "404.html": false, "swap.md": false, "template.html": false,
		"#channel.md": false, "v2.md": false, "logo.svg": false, ".well-known": false, "tmp.md": false,
	} {
		if got := EditorTemp(name); got != temp {
			t.Errorf("EditorTemp(%q) = %v, want %v", name, got, temp)
		}
	}
	wt := &Watcher{Dir: "/site"}
	for _, p := range []string{"/site/content/articles/4913", "/site/content/articles/.x.md.swp", "/site/layouts/article.html___jb_tmp___", "/site/site.yaml~"} {
		if rel, ok := wt.relevant(p); ok {
			t.Errorf("%s is a site change (%s)", p, rel)
		}
	}
	if _, ok := wt.relevant("/site/content/articles/x.md"); !ok {
		t.Error("a page is not a site change")
	}
}
