package importer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// importFiles writes a source site into a temporary folder, imports it
// without git, and returns the kb site's files and the report.
func importFiles(t *testing.T, kind string, files map[string]string) (map[string]string, *Report) {
	t.Helper()
	src := t.TempDir()
	writeFiles(t, src, files)
	dir := filepath.Join(t.TempDir(), "site")
	res, err := Import(context.Background(), Options{Kind: kind, Src: src, Dir: dir, NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	return readTree(t, dir), res.Report
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// findings returns the report's findings as strings, for matching.
func findings(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.String())
	}
	return out
}

func hasFinding(r *Report, file string, line int, construct string) bool {
	for _, f := range r.Findings {
		if f.File == file && f.Line == line && f.Construct == construct {
			return true
		}
	}
	return false
}

// body is a written page without its front matter.
func body(t *testing.T, files map[string]string, name string) string {
	t.Helper()
	s, ok := files[name]
	if !ok {
		t.Fatalf("%s was not written; have %v", name, keys(files))
	}
	_, b, _ := strings.Cut(strings.TrimPrefix(s, "---\n"), "\n---\n")
	return b
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// git runs git in dir with a fixed identity and commit date.
func git(t *testing.T, dir, date string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=kb", "GIT_AUTHOR_EMAIL=kb@example.com",
		"GIT_COMMITTER_NAME=kb", "GIT_COMMITTER_EMAIL=kb@example.com",
		"GIT_AUTHOR_DATE="+date+"T12:00:00Z", "GIT_COMMITTER_DATE="+date+"T12:00:00Z",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestGitDates: a page without a date gets the date of the last commit
// that touched it, in a real repository; a page with a date keeps it; a
// file never committed gets none and is reported.
func TestGitDates(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"mkdocs.yml":          "site_name: Docs\n",
		"docs/old.md":         "# Old page\n",
		"docs/dated.md":       "---\ndate: 2024-02-03\n---\n# Dated page\n",
		"docs/edited.md":      "# Edited page\n",
		"docs/uncommitted.md": "# Not committed\n",
	})
	git(t, src, "2025-01-01", "init", "-q")
	git(t, src, "2025-01-01", "add", "mkdocs.yml", "docs/old.md", "docs/dated.md", "docs/edited.md")
	git(t, src, "2025-01-01", "commit", "-q", "-m", "first")
	writeFiles(t, src, map[string]string{"docs/edited.md": "# Edited page\n\nMore.\n"})
	git(t, src, "2025-06-07", "commit", "-q", "-am", "second")

	dir := filepath.Join(t.TempDir(), "site")
	res, err := Import(context.Background(), Options{Kind: "mkdocs", Src: src, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	files := readTree(t, dir)
	for name, want := range map[string]string{
		"content/articles/old.md":    "updated: 2025-01-01\n",
		"content/articles/edited.md": "updated: 2025-06-07\n",
		"content/articles/dated.md":  "updated: 2024-02-03\n",
	} {
		if !strings.Contains(files[name], want) {
			t.Errorf("%s: want %q in\n%s", name, want, files[name])
		}
	}
	if strings.Contains(files["content/articles/uncommitted.md"], "updated:") {
		t.Errorf("a file never committed got a date:\n%s", files["content/articles/uncommitted.md"])
	}
	if !hasFinding(res.Report, "content/articles/uncommitted.md", 1, "no updated date") {
		t.Errorf("the undated, uncommitted page is not reported: %v", findings(res.Report))
	}

	// NoGit leaves history out.
	dir2 := filepath.Join(t.TempDir(), "site")
	if _, err := Import(context.Background(), Options{Kind: "mkdocs", Src: src, Dir: dir2, NoGit: true}); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, dir2)["content/articles/old.md"]; strings.Contains(got, "updated:") {
		t.Errorf("NoGit still read git history:\n%s", got)
	}
}

// TestGitDatesOutsideRepo: a source that is not in a git work tree gives
// no dates and no error.
func TestGitDatesOutsideRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	writeFiles(t, dir, map[string]string{"x.md": "x\n"})
	if d := gitDates(dir)("x.md"); d != "" {
		t.Errorf("got date %q outside a repository", d)
	}
}

func TestUsageErrors(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"mkdocs.yml": "site_name: x\n"})
	full := t.TempDir()
	writeFiles(t, full, map[string]string{"x": ""})
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"unknown kind", Options{Kind: "sphinx", Src: src, Dir: t.TempDir()}, `unknown source kind "sphinx"`},
		{"missing source", Options{Kind: "mkdocs", Src: filepath.Join(src, "nope"), Dir: t.TempDir()}, "does not exist"},
		{"not empty", Options{Kind: "mkdocs", Src: src, Dir: full}, "is not empty"},
		{"no config", Options{Kind: "hugo", Src: src, Dir: t.TempDir()}, "has no hugo.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(context.Background(), tc.opts)
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want a UsageError with %q", err, tc.want)
			}
		})
	}
	if got := readTree(t, full); len(got) != 1 {
		t.Errorf("the non-empty destination was written to: %v", keys(got))
	}
}

// TestUnreadableFrontMatter: a page whose front matter does not parse is
// imported with that front matter kept in a comment, and reported.
func TestUnreadableFrontMatter(t *testing.T) {
	files, rep := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml":    "site_name: Docs\n",
		"docs/guide.md": "---\ntitle: [unclosed\n---\n# Guide\n\nText.\n",
	})
	b := body(t, files, "content/articles/guide.md")
	if !strings.Contains(b, "<!-- kb import could not read") || !strings.Contains(b, "title: [unclosed") {
		t.Errorf("the front matter was not kept:\n%s", b)
	}
	if !hasFinding(rep, "content/articles/guide.md", 1, "unreadable front matter") {
		t.Errorf("not reported: %v", findings(rep))
	}
	_, rep = importFiles(t, "jekyll", map[string]string{"guide.md": "---\ntitle: Guide\n\nText.\n"})
	if !hasFinding(rep, "content/articles/guide.md", 1, "unclosed front matter") {
		t.Errorf("unclosed front matter is not reported: %v", findings(rep))
	}
	if !strings.Contains(files["content/articles/guide.md"], "title: Guide\n") {
		t.Errorf("the title did not come from the heading:\n%s", files["content/articles/guide.md"])
	}
}

// TestReportedLinks: links the import could not rewrite, links to missing
// pages and links from a published page to a draft are reported at their
// line.
func TestReportedLinks(t *testing.T) {
	_, rep := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml":    "site_name: Docs\n",
		"docs/draft.md": "---\ntitle: Draft\ndraft: true\ndate: 2026-01-01\n---\nSoon.\n",
		"docs/guide.md": "---\ntitle: Guide\ndate: 2026-01-01\n---\n" +
			"[draft](draft.md)\n\n[gone](missing.md)\n\n[nowhere](/no/such/page/)\n\n![pic](img/none.png)\n\n`[code](missing.md)`\n",
	})
	for _, want := range []struct {
		line      int
		construct string
	}{{6, "link to a draft"}, {8, "link not rewritten"}, {10, "link to a missing page"}, {12, "image not rewritten"}} {
		if !hasFinding(rep, "content/articles/guide.md", want.line, want.construct) {
			t.Errorf("no %q at line %d: %v", want.construct, want.line, findings(rep))
		}
	}
	if len(rep.Findings) != 4 {
		t.Errorf("want 4 findings (none for the link in code), got %v", findings(rep))
	}
}

// TestScanSkipsCode: constructs inside code blocks and code spans, and
// HTML comments, are not reported; the same text outside code is.
func TestScanSkipsCode(t *testing.T) {
	_, rep := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml": "site_name: Docs\n",
		"docs/x.md": "---\ntitle: X\ndate: 2026-01-01\n---\n" +
			"```\n{% include a.html %}\n<div>\n```\n\n`{{ page.title }}`\n\n    <span>indented code</span>\n\n<!-- <b>comment</b> -->\n\n" +
			"{{ page.title }} and <font>bold</font>\n",
	})
	got := findings(rep)
	// Line 17: four lines of front matter (aliases: [/x/] among them), then
	// the body's line 12. MkDocs without the macros plugin shows {{ }} as text.
	if len(got) != 1 || !hasFinding(rep, "content/articles/x.md", 17, "HTML <font>") {
		t.Errorf("want an HTML tag at line 17, got %v", got)
	}
}

// TestTemplatesInCode: Jekyll's Liquid and MkDocs' macros plugin run on
// code too, so what the conversion left there is listed; what a raw block
// made text is not, nor template syntax where the source runs none.
func TestTemplatesInCode(t *testing.T) {
	page := "---\ntitle: X\ndate: 2026-01-01\nv: '2.0'\n---\n" +
		"```\nrun {{ tag }} {{ page.meta.v }}\n```\n\n{% raw %}\n```\n{{ env \"A\" }}\n```\n{% endraw %}\n\n`{{ tag }}` and {{ name }}{# note #}\n"
	_, rep := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml": "site_name: Docs\nplugins:\n  - search\n  - macros\nextra:\n  name: Acme\n  version: {provider: mike}\n",
		"docs/x.md":  page,
	})
	want := []string{
		"content/articles/x.md:8: macros variable {{ }} in code: {{ tag }} (kb does not run MkDocs' macros plugin; replace it with its value; the old site replaced it in code too)",
		"content/articles/x.md:15: macros variable {{ }} in code: {{ tag }} (kb does not run MkDocs' macros plugin; replace it with its value; the old site replaced it in code too)",
	}
	if got := findings(rep); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mkdocs with macros:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Converted["macros raw"] != 1 || rep.Converted["macros variable"] != 2 || rep.Converted["macros comment"] != 1 {
		t.Errorf("converted %v", rep.Converted)
	}
	out, _ := importFiles(t, "mkdocs", map[string]string{"mkdocs.yml": "site_name: Docs\nplugins:\n  - macros\nextra:\n  name: Acme\n", "docs/x.md": page})
	if b := body(t, out, "content/articles/x.md"); !strings.Contains(b, "run {{ tag }} 2.0\n") || !strings.Contains(b, "\n```\n{{ env \"A\" }}\n```\n") ||
		!strings.Contains(b, "`{{ tag }}` and Acme<!-- note -->") {
		t.Errorf("body:\n%s", b)
	}

	_, rep = importFiles(t, "jekyll", map[string]string{
		"_config.yml": "title: T\n",
		"x.md":        "---\ntitle: X\ndate: 2026-01-01\n---\n```\n{{ site.nope }} {% raw %}{{ kept }}{% endraw %}\n```\n",
	})
	if got := findings(rep); len(got) != 1 || !hasFinding(rep, "content/articles/x.md", 7, "Liquid variable {{ }} in code") {
		t.Errorf("jekyll: %v", got)
	}
	_, rep = importFiles(t, "hugo", map[string]string{
		"hugo.toml":    "title = 'T'\n",
		"content/x.md": "---\ntitle: X\ndate: 2026-01-01\n---\nWrite {{ .Title }} in a template.\n",
	})
	if got := findings(rep); len(got) != 0 {
		t.Errorf("hugo pages run no templates: %v", got)
	}
}

// TestAliasesAndCollisions: old URLs become aliases unless they are the
// new URL, a page's URL or a page kb writes; two pages with one kb URL
// are both kept, the second renamed and reported.
func TestAliasesAndCollisions(t *testing.T) {
	files, rep := importFiles(t, "jekyll", map[string]string{
		"_config.yml":               "title: T\n",
		"_posts/2026-01-01-news.md": "---\ntitle: News one\nredirect_from: [/tags/, /]\n---\nOne.\n",
		"_posts/2026-02-01-news.md": "---\ntitle: News two\n---\nTwo.\n",
		"posts/index.md":            "---\ntitle: Posts\n---\nAll posts.\n",
	})
	one := files["content/posts/news.md"]
	if !strings.Contains(one, "aliases: [/2026/01/01/news.html/]") {
		t.Errorf("news.md aliases: want only its old URL (not /tags/ or /):\n%s", one)
	}
	if !hasFinding(rep, "content/posts/news.md", 1, "alias left out") {
		t.Errorf("the redirect from /tags/, where kb writes its tag list, is not reported: %v", findings(rep))
	}
	if _, ok := files["content/posts/news-2.md"]; !ok {
		t.Errorf("the second post was not written as news-2.md: %v", keys(files))
	}
	if !hasFinding(rep, "content/posts/news-2.md", 1, "renamed page") {
		t.Errorf("the rename is not reported: %v", findings(rep))
	}
	if _, ok := files["content/posts/overview.md"]; !ok {
		t.Errorf("the section's index page was not renamed overview.md: %v", keys(files))
	}
}

// TestSkippedFiles: a file whose static/ path another file already has,
// and a symbolic link, are listed as not imported; the import goes on.
func TestSkippedFiles(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"docusaurus.config.js":  "export default {title: 'D'};\n",
		"docs/a.md":             "---\ntitle: A\n---\n![x](./img/x.png)\n",
		"docs/img/x.png":        "from docs",
		"static/docs/img/x.png": "from static",
	})
	if err := os.Symlink("a.md", filepath.Join(src, "docs", "link.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	res, err := Import(context.Background(), Options{Kind: "docusaurus", Src: src, Dir: dir, NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"docs/link.md":          "a symbolic link",
		"static/docs/img/x.png": "static/docs/img/x.png is already docs/img/x.png",
	}
	for _, s := range res.Report.Skipped {
		if w, ok := want[s.Path]; ok && strings.Contains(s.Reason, w) {
			delete(want, s.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("not listed: %v (listed: %+v)", want, res.Report.Skipped)
	}
	if got := readTree(t, dir)["static/docs/img/x.png"]; got != "from docs" {
		t.Errorf("static/docs/img/x.png = %q", got)
	}
}

// TestWriteFailureLeavesNothing: when writing fails half-way, a new
// destination is not left behind, and an empty one is empty again.
func TestWriteFailureLeavesNothing(t *testing.T) {
	s := newSite(Options{Kind: "mkdocs", Src: ".", NoGit: true})
	s.fsys = fstest.MapFS{"a.png": {Data: []byte("a")}}
	s.files = []*staticFile{{src: "a.png", out: "a.png"}, {src: "gone.png", out: "gone.png"}}
	out := &output{files: map[string][]byte{"site.yaml": []byte("title: x\n"), "content/articles/a.md": []byte("---\n---\n")}}

	parent := t.TempDir()
	fresh := filepath.Join(parent, "new")
	if err := write(Options{Dir: fresh}, s, out); err == nil {
		t.Fatal("no error for a file that cannot be copied")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind in the parent folder: %v", entries)
	}

	empty := t.TempDir()
	if err := write(Options{Dir: empty}, s, out); err == nil {
		t.Fatal("no error for a file that cannot be copied")
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("left in the empty destination: %v", entries)
	}

	s.files = s.files[:1]
	if err := write(Options{Dir: fresh}, s, out); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, fresh); len(got) != 3 {
		t.Errorf("wrote %v", keys(got))
	}
}

// A page whose first-level headings are its sections keeps them: the
// first is not its title. A single opening one is the title.
func TestTitleFromHeadings(t *testing.T) {
	out, _ := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml":        "site_name: D\nnav:\n  - Registries:\n    - ACR (Azure Container Registry): reg/acr.md\n    - Docker Hub: reg/hub.md\n",
		"docs/reg/acr.md":   "# Requirements\n\nNone.\n\n# Usage\n\nRun it.\n",
		"docs/reg/hub.md":   "# Docker Hub registry\n\nText.\n",
		"docs/reg/other.md": "# Requirements\n\nNone.\n\n# Usage\n\nRun it.\n",
	})
	for file, want := range map[string]string{
		"content/reg/acr.md":   "---\ntitle: ACR (Azure Container Registry)\n---\n# Requirements\n\nNone.\n\n# Usage\n\nRun it.\n",
		"content/reg/hub.md":   "---\ntitle: Docker Hub registry\n---\nText.\n",
		"content/reg/other.md": "---\ntitle: Other\n---\n# Requirements\n\nNone.\n\n# Usage\n\nRun it.\n",
	} {
		if out[file] != want {
			t.Errorf("%s:\n%s\nwant:\n%s", file, out[file], want)
		}
	}
}

// An FAQ page outside an faq folder is kb's FAQ type.
func TestFAQPages(t *testing.T) {
	out, _ := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml":                  "site_name: D\n",
		"docs/getting-started/faq.md": "## FAQ\n\n### Does it support X?\n\nYes.\n",
		"docs/help/questions.md":      "# Frequently Asked Questions\n\n## Is it free?\n\nYes.\n",
		"docs/faq/billing.md":         "# Billing\n\n## How do I pay?\n\nBy card.\n",
		"docs/help/faster.md":         "# Faster syncs\n\nText.\n",
	})
	for file, want := range map[string]string{
		"content/getting-started/faq.md": "---\ntitle: Faq\ntype: faq\n---\n",
		"content/help/questions.md":      "---\ntitle: Frequently Asked Questions\ntype: faq\n---\n",
		"content/faq/billing.md":         "---\ntitle: Billing\n---\n",
		"content/help/faster.md":         "---\ntitle: Faster syncs\n---\n",
	} {
		if !strings.HasPrefix(out[file], want) {
			t.Errorf("%s:\n%s\nwant it to start:\n%s", file, out[file], want)
		}
	}
}

// TestMkDocsCustomDir: the theme's overrides are templates, not files of
// the site, even inside docs_dir.
func TestMkDocsCustomDir(t *testing.T) {
	out, rep := importFiles(t, "mkdocs", map[string]string{
		"mkdocs.yml":               "site_name: D\ntheme:\n  name: material\n  custom_dir: docs/overrides\n",
		"docs/index.md":            "# D\n",
		"docs/overrides/main.html": "{% extends \"base.html\" %}\n",
		"docs/img/a.png":           "png",
	})
	if _, ok := out["static/overrides/main.html"]; ok {
		t.Error("the theme override was copied into static/")
	}
	if _, ok := out["static/img/a.png"]; !ok {
		t.Error("static/img/a.png was not copied")
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Path != "docs/overrides/" || !strings.Contains(rep.Skipped[0].Reason, "custom_dir") {
		t.Errorf("skipped: %+v", rep.Skipped)
	}
}
