package themetest

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/server"
	"github.com/octoacme/kb/internal/site"
)

// root is the repository root: the sample help center and the theme.
const root = "../.."

// sample is the built sample site, served once for all the tests.
var sample struct {
	once sync.Once
	dir  string
	srv  *httptest.Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sample.srv != nil {
		sample.srv.Close()
	}
	if sample.dir != "" {
		os.RemoveAll(sample.dir)
	}
	os.Exit(code)
}

// serveSample builds the sample site and serves it as kb serve --no-watch
// does, and returns its address (no trailing slash). Its pages' feedback
// form posts to /api/feedback, as in kb serve, which answers 204.
func serveSample(t testing.TB) string {
	t.Helper()
	sample.once.Do(func() {
		sample.dir, sample.err = os.MkdirTemp("", "kb-theme-")
		if sample.err != nil {
			return
		}
		src := filepath.Join(sample.dir, "site")
		if sample.err = copySample(src); sample.err != nil {
			return
		}
		out := filepath.Join(sample.dir, "public")
		_, sample.err = site.Build(context.Background(), site.Options{Dir: src, Out: out, Theme: kb.Theme,
			// other packages' tests build the sample site at the same time
			LockWait: 5 * time.Minute})
		if sample.err != nil {
			return
		}
		files := map[string][]byte{}
		sample.err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			data, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = data
			return err
		})
		h := &server.Handler{}
		h.HandleAPI(server.FeedbackPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}), http.MethodPost)
		h.SetScriptHashes(server.ScriptHashes(kb.Theme))
		h.SetSnapshot(server.NewSnapshot(files, nil, nil, time.Now()))
		sample.srv = httptest.NewServer(h)
	})
	if sample.err != nil {
		t.Fatal(sample.err)
	}
	return sample.srv.URL
}

// copySample copies the sample site's content, static files and site.yaml
// (its layouts are the embedded theme) to dir, its feedback form posting
// to kb serve's endpoint.
func copySample(dir string) error {
	for _, sub := range []string{"content", "static"} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
		})
		if err != nil {
			return err
		}
	}
	cfg, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		return err
	}
	with := strings.Replace(string(cfg), "\n  endpoint: \"\"\n", "\n  endpoint: "+server.FeedbackPath+"\n", 1)
	if with == string(cfg) {
		return fmt.Errorf("site.yaml: no empty feedback.endpoint to set")
	}
	return os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(with), 0o644)
}

// browserSkip skips the browser tests in -short mode (the race run).
func browserSkip(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
}

// npmTool finds a file of an npm package: the environment variable env,
// else the copy .ci/run installs under .ci/tools. Without it the test is
// skipped, or fails under KB_CI.
func npmTool(t *testing.T, env, pkgPath string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = filepath.Join(root, ".ci", "tools", "node_modules", filepath.FromSlash(pkgPath))
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s not found (run .ci/run, which installs it, or set %s): %v", pkgPath, env, err)
		if os.Getenv("KB_CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// A view is a way a reader sees the site: a screen width and a colour scheme.
type view struct {
	Name          string
	Width, Height int64
	Mobile        bool
	Dark          bool
}

var views = []view{
	{"desktop-light", 1280, 900, false, false},
	{"desktop-dark", 1280, 900, false, true},
	{"mobile-light", 390, 844, true, false},
	{"mobile-dark", 390, 844, true, true},
}

// emulate sets the tab's viewport and the system colour scheme it reports.
func emulate(v view) chromedp.Action[chromedp.Void] {
	scheme := "light"
	if v.Dark {
		scheme = "dark"
	}
	opts := []chromedp.EmulateViewportOption{}
	if v.Mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	return chromedp.Steps(
		chromedp.EmulateViewport(v.Width, v.Height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}),
	)
}

// console collects the errors the browser logs (a script the
// Content-Security-Policy refuses, a missing file, console.error).
type console struct {
	mu   sync.Mutex
	errs []string
}

// watchConsole starts collecting the tab's console errors.
func watchConsole(t *testing.T, b *browsertest.Browser) *console {
	t.Helper()
	c := &console{}
	err := chromedp.Listen(b.Ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && e.Entry.Level == cdplog.EntryLevelError {
			c.mu.Lock()
			c.errs = append(c.errs, strings.TrimSpace(e.Entry.Text+" "+e.Entry.URL))
			c.mu.Unlock()
		}
	})
	if err == nil {
		err = chromedp.Do(b.Ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
			return err
		}))
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// take returns the errors logged since the last call.
func (c *console) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.errs
	c.errs = nil
	return e
}
