package search

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// sampleRoot is the repository root, which holds the sample site.
const sampleRoot = "../.."

// loadedSite is a site folder's published pages and configuration, loaded once.
type loadedSite struct {
	once  sync.Once
	pages []*content.Page
	cfg   *config.Config
	err   error
}

var (
	sitesMu sync.Mutex
	sites   = map[string]*loadedSite{}
)

// loadSample loads the sample site's published pages and configuration.
func loadSample(t testing.TB) ([]*content.Page, *config.Config) {
	t.Helper()
	return loadSite(t, sampleRoot)
}

// loadSite loads the published pages and configuration of the site in
// root, once per test binary.
func loadSite(t testing.TB, root string) ([]*content.Page, *config.Config) {
	t.Helper()
	sitesMu.Lock()
	s := sites[root]
	if s == nil {
		s = &loadedSite{}
		sites[root] = s
	}
	sitesMu.Unlock()
	s.once.Do(func() {
		cfg, err := config.Load(root)
		if err != nil {
			s.err = err
			return
		}
		conv := markdown.New(markdown.Options{BasePath: cfg.BasePath()})
		cs := content.Load(os.DirFS(root), content.Options{Markdown: conv, MaxFileBytes: cfg.Limits.MaxFileBytes})
		for _, e := range cs.Errors {
			s.err = e
			return
		}
		for _, p := range cs.Pages {
			if !p.Draft {
				s.pages = append(s.pages, p)
			}
		}
		s.cfg = cfg
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.pages, s.cfg
}

// buildIndex builds pages into a fresh index in a test folder and opens it.
func buildIndex(t testing.TB, pages []*content.Page, cfg *config.Config, set Settings) *Index {
	t.Helper()
	path := filepath.Join(t.TempDir(), "search.bleve")
	st, err := Stage(context.Background(), pages, cfg, path, set)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// sampleIndex builds the sample site with the default settings.
func sampleIndex(t testing.TB) *Index {
	pages, cfg := loadSample(t)
	return buildIndex(t, pages, cfg, Settings{})
}

// Folders shared by several tests or benchmarks, removed after them all.
var (
	tempMu   sync.Mutex
	tempDirs []string
)

// RemoveAfterTests removes dir when the test binary's tests are done.
func RemoveAfterTests(dir string) {
	tempMu.Lock()
	defer tempMu.Unlock()
	tempDirs = append(tempDirs, dir)
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}
