package site

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kb "github.com/octoacme/kb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/want")

// hashed matches fingerprinted asset names, which change with every theme edit.
var hashed = regexp.MustCompile(`\.[0-9a-f]{8}\.(css|js)\b`)

// TestGolden builds testdata/golden/site and compares every page, list,
// feed, sitemap and redirect with testdata/golden/want. Run
// `go test ./internal/site -run TestGolden -update` after a deliberate change
// to the output, and review the diff.
func TestGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), Options{Dir: "testdata/golden/site", Out: out, Theme: kb.Theme, Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	// content/releases/3-0.md is dated 2030: scheduled, so not published.
	if want := "Next scheduled change: 2030-01-01T00:00:00Z (content/releases/3-0.md is published); build again then"; res.NextLine() != want || res.Scheduled != 1 {
		t.Errorf("%d scheduled, next line %q, want 1 and %q", res.Scheduled, res.NextLine(), want)
	}
	got := readTree(t, out)
	wantDir := "testdata/golden/want"
	if *update {
		os.RemoveAll(wantDir)
		for name, data := range got {
			p := filepath.Join(wantDir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, wantDir)
	for _, name := range sortedKeys(want, got) {
		w, okw := want[name]
		g, okg := got[name]
		switch {
		case !okg:
			t.Errorf("%s: missing from the build", name)
		case !okw:
			t.Errorf("%s: new file (run with -update if intended)", name)
		case w != g:
			t.Errorf("%s mismatch (-want +got):\n%s", name, cmp.Diff(w, g))
		}
	}
}

// goldenNow is the moment the golden site is built at.
var goldenNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// readTree reads the text files of a built site, leaving out the theme's
// CSS and JavaScript (their own tests cover them), images, and the static
// search index (binary; internal/search and staticsearch_test.go cover it).
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "css/") || strings.HasPrefix(rel, "js/") || strings.HasPrefix(rel, "images/") || strings.HasPrefix(rel, "kb-search/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = hashed.ReplaceAllString(string(data), ".HASH.$1")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(ms ...map[string]string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}
