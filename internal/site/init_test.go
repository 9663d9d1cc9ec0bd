package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/lint"
)

// TestInit: kb init's site builds, lints clean (no errors, no
// warnings), titles its sections, and leaves every other key of
// site.yaml at its default.
func TestInit(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 2026-11-27
	dir := filepath.Join(t.TempDir(), "help")
	files, err := Init(InitOptions{Dir: dir, Title: "Acme Help"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "content/articles/invite-a-teammate.md", "content/faq/accounts.md",
		"content/releases/1-0.md", "content/troubleshooting/invitation-expired.md", "site.yaml"}
	if !slices.Equal(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	in, err := LoadText(dir, kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.ContentErr(); err != nil {
		t.Fatal(err)
	}
	if in.Config.Title != "Acme Help" || in.Config.SectionTitle("faq") != "FAQs" || in.Config.SectionTitle("articles") != "How-to guides" {
		t.Errorf("config: title %q, sections %v", in.Config.Title, in.Config.Sections)
	}
	res, err := Check(in, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Level >= lint.Warning {
			t.Errorf("the example pages have a finding: %v", f)
		}
	}
	if res.Files != 4 {
		t.Errorf("%d files checked, want 4", res.Files)
	}
	r, err := Build(context.Background(), Options{Dir: dir, Theme: kb.Theme})
	if err != nil {
		t.Fatal(err)
	}
	if r.Pages != 4 {
		t.Errorf("built %d pages, want 4", r.Pages)
	}
	for _, p := range []string{"public/articles/invite-a-teammate/index.html", "public/releases/1-0/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
}

// TestInitRefuses: a folder holding files is refused and left as it was;
// an empty one, or one holding only .git, is fine; --empty writes no pages.
func TestInitRefuses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	_, err := Init(InitOptions{Dir: dir})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, `is not empty (it holds "notes.txt")`) || !strings.Contains(ue.Msg, "kb init my-help-center") {
		t.Errorf("non-empty folder: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the refused folder holds %d entries", len(entries))
	}
	os.Remove(filepath.Join(dir, "notes.txt"))
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	files, err := Init(InitOptions{Dir: dir, Empty: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(files, []string{".gitignore", "site.yaml"}) {
		t.Errorf("--empty wrote %v", files)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "articles")); err != nil {
		t.Error(err)
	}
	_, err = Init(InitOptions{Dir: dir})
	if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "it is a kb site already") {
		t.Errorf("a site: %v", err)
	}
}

// TestCheckIsSite: a folder with neither site.yaml nor content/ is no site.
func TestCheckIsSite(t *testing.T) {
	dir := t.TempDir()
	var ue *UsageError
	if err := CheckIsSite(dir); !errors.As(err, &ue) || !strings.HasPrefix(ue.Msg, "no site here: ") || !strings.Contains(ue.Msg, "run kb init") {
		t.Errorf("empty folder: %v", err)
	}
	os.Mkdir(filepath.Join(dir, "content"), 0o755)
	if err := CheckIsSite(dir); err != nil {
		t.Errorf("with content/: %v", err)
	}
	if err := CheckIsSite(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing folder is the load step's to report: %v", err)
	}
}

// TestTheme: the theme's files are listed with the site's overrides
// marked; eject copies one, by path or by the end of it, never over the
// site's own file without Force.
func TestTheme(t *testing.T) {
	dir := t.TempDir()
	files, err := ThemeFiles(dir, kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
		if f.Overridden {
			t.Errorf("%s overridden in an empty site", f.Path)
		}
	}
	for _, p := range []string{"layouts/article.html", "layouts/partials/toc.html", "layouts/new/article.md", "static/css/kb.css", "static/favicon.svg"} {
		if !slices.Contains(paths, p) {
			t.Errorf("theme list lacks %s", p)
		}
	}
	got, err := Eject(EjectOptions{Dir: dir, Theme: kb.Theme, Path: "partials/toc.html"})
	if err != nil || got != "layouts/partials/toc.html" {
		t.Fatalf("eject partials/toc.html: %q, %v", got, err)
	}
	orig, _ := kb.Theme.ReadFile("layouts/partials/toc.html")
	if data, _ := os.ReadFile(filepath.Join(dir, "layouts/partials/toc.html")); string(data) != string(orig) {
		t.Error("the ejected file differs from the theme's")
	}
	os.WriteFile(filepath.Join(dir, "layouts/partials/toc.html"), []byte("mine"), 0o644)
	var ue *UsageError
	if _, err := Eject(EjectOptions{Dir: dir, Theme: kb.Theme, Path: "layouts/partials/toc.html"}); !errors.As(err, &ue) || !strings.Contains(ue.Msg, "--force") {
		t.Errorf("eject over the site's file: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "layouts/partials/toc.html")); string(data) != "mine" {
		t.Error("eject without --force replaced the site's file")
	}
	if _, err := Eject(EjectOptions{Dir: dir, Theme: kb.Theme, Path: "layouts/partials/toc.html", Force: true}); err != nil {
		t.Error(err)
	}
	files, _ = ThemeFiles(dir, kb.Theme)
	for _, f := range files {
		if f.Overridden != (f.Path == "layouts/partials/toc.html") {
			t.Errorf("%s: overridden %v", f.Path, f.Overridden)
		}
	}
	for _, tc := range []struct{ path, want string }{
		{"layouts/artcle.html", "did you mean layouts/article.html?"},
		{"nothing-like-it", "the default theme has no nothing-like-it (kb theme list"},
	} {
		_, err := Eject(EjectOptions{Dir: dir, Theme: kb.Theme, Path: tc.path})
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, tc.want) {
			t.Errorf("eject %s: %v, want %q", tc.path, err, tc.want)
		}
	}
}
