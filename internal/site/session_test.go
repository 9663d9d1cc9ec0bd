package site

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/corpus"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/model"
)

// copySample copies the sample site's inputs into a temporary folder.
func copySample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, root := range []string{"content", "static/images"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
			return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(repoRoot, "site.yaml"))
	os.WriteFile(filepath.Join(dir, "site.yaml"), data, 0o644)
	return dir
}

func editFile(t *testing.T, dir, rel string, f func(string) string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := f(string(data))
	if out == string(data) {
		t.Fatalf("edit of %s changed nothing", rel)
	}
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sameAsFull fails unless the session's files equal a fresh full build's.
func sameAsFull(t *testing.T, dir string, u *Update) {
	t.Helper()
	if len(u.Problems) > 0 {
		t.Fatalf("unexpected problems: %v", u.Problems)
	}
	fresh, err := (&Session{Dir: dir, Theme: kb.Theme}).Full(context.Background())
	if err != nil || len(fresh.Problems) > 0 {
		t.Fatalf("full build: %v %v", err, fresh.Problems)
	}
	var diff []string
	for p, want := range fresh.Files {
		if got, ok := u.Files[p]; !ok {
			diff = append(diff, "missing "+p)
		} else if string(got) != string(want) {
			diff = append(diff, "differs "+p)
		}
	}
	for p := range u.Files {
		if _, ok := fresh.Files[p]; !ok {
			diff = append(diff, "extra "+p)
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("incremental output is not the full build's:\n%s", strings.Join(diff, "\n"))
	}
	str := func(fs []lint.Finding) []string {
		out := make([]string, len(fs))
		for i, f := range fs {
			out[i] = f.String()
		}
		return out
	}
	if got, want := str(u.Findings), str(fresh.Findings); !slices.Equal(got, want) {
		t.Errorf("incremental lint findings are not the full build's:\n got %q\nwant %q", got, want)
	}
}

func TestSessionIncrementalMatchesFull(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := copySample(t)
	// Short feeds, so that some edits touch no feed entry.
	editFile(t, dir, "site.yaml", func(s string) string { return strings.Replace(s, "limit: 50", "limit: 3", 1) })
	ctx := context.Background()
	s := &Session{Dir: dir, Theme: kb.Theme}
	first, err := s.Full(ctx)
	if err != nil || len(first.Problems) > 0 {
		t.Fatalf("first build: %v %v", err, first.Problems)
	}
	total := len(first.Files)
	apply := func(paths ...string) *Update {
		t.Helper()
		u, err := s.Apply(ctx, paths)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	steps := []struct {
		name  string
		edit  func()
		paths []string
		small bool // the rebuild must not render everything
	}{
		{"body edit", func() {
			editFile(t, dir, "content/articles/reset-your-password.md", func(s string) string {
				return strings.Replace(s, "Forgot your password?", "Forgot your password again?", 1)
			})
		}, []string{"content/articles/reset-your-password.md"}, true},
		{"title linked from others and from a release", func() {
			editFile(t, dir, "content/articles/share-files-with-guests.md", func(s string) string {
				return strings.Replace(s, "title: ", "title: Easily ", 1)
			})
		}, []string{"content/articles/share-files-with-guests.md"}, true},
		{"tags", func() {
			editFile(t, dir, "content/faq/billing.md", func(s string) string {
				return strings.Replace(s, "tags: [", "tags: [refunds, ", 1)
			})
		}, []string{"content/faq/billing.md"}, true},
		{"new page", func() {
			os.WriteFile(filepath.Join(dir, "content/articles/rename-a-project.md"), []byte("---\ntitle: Rename a project in OctoAcme\ndescription: Give a project a new name.\nupdated: 2026-11-20\ntags: [projects]\nproduct: OctoAcme\nprerequisites: [You are a project Admin]\nrelated: [/articles/create-a-project/]\n---\nYou can rename a project at any time.\n\n## Troubleshooting\n\nIf the name is taken, pick another one.\n"), 0o644)
		}, []string{"content/articles/rename-a-project.md"}, true},
		{"release edit", func() {
			editFile(t, dir, "content/releases/3-7-0.md", func(s string) string {
				s = strings.Replace(s, "description: ", "description: Now ", 1)
				return strings.Replace(s, "docs: [/articles/change-your-plan/", "docs: [/articles/update-payment-method/, /articles/change-your-plan/", 1)
			})
		}, []string{"content/releases/3-7-0.md"}, true},
		{"rename a file", func() {
			os.Rename(filepath.Join(dir, "content/articles/rename-a-project.md"), filepath.Join(dir, "content/articles/rename-your-project.md"))
		}, []string{"content/articles/rename-a-project.md", "content/articles/rename-your-project.md"}, true},
		{"delete a file", func() {
			os.Remove(filepath.Join(dir, "content/articles/rename-your-project.md"))
		}, []string{"content/articles/rename-your-project.md"}, true},
		{"new folder then folder deleted", func() {
			os.MkdirAll(filepath.Join(dir, "content/guides"), 0o755)
			os.WriteFile(filepath.Join(dir, "content/guides/welcome-to-octoacme.md"), []byte("---\ntitle: Welcome to OctoAcme\ndescription: Start here.\nupdated: 2026-11-20\nprerequisites: [An account]\nrelated: [/articles/create-a-project/]\n---\nStart here.\n\n## Troubleshooting\n\nAsk us.\n"), 0o644)
		}, []string{"content/guides"}, false},
		{"folder deleted", func() {
			os.RemoveAll(filepath.Join(dir, "content/guides"))
		}, []string{"content/guides"}, false},
	}
	for _, st := range steps {
		st.edit()
		u := apply(st.paths...)
		if st.small && u.Rendered >= total/2 {
			t.Errorf("%s: rendered %d of %d files; an edit should render only what shows it", st.name, u.Rendered, total)
		}
		if len(u.Changed) == 0 {
			t.Errorf("%s: nothing changed", st.name)
		}
		sameAsFull(t, dir, u)
		if t.Failed() {
			t.Fatalf("after step %q", st.name)
		}
	}

	// Body edits that add links: enough pages link to the page ranked just
	// below the home page's popular articles to lift it among them, so the
	// home page must be rendered again although no listing changed.
	popular := s.site.Popular(7).Pages
	below, last := popular[6], popular[5]
	need := len(s.site.Backlinks[last]) - len(s.site.Backlinks[below]) + 1
	var linkers []string
	for _, p := range s.site.Pages {
		if len(linkers) == need {
			break
		}
		if p != below && !slices.Contains(s.site.Backlinks[below], p) {
			editFile(t, dir, p.File, func(src string) string { return src + "\nSee also [this page](" + below.URL + ").\n" })
			linkers = append(linkers, p.File)
		}
	}
	u := apply(linkers...)
	if !slices.Contains(u.Changed, "index.html") {
		t.Errorf("links added to %s: the home page did not change (changed: %v)", below.URL, u.Changed)
	}
	if u.Rendered > len(linkers)+2 {
		t.Errorf("links added: rendered %d files; want the %d pages, the home and 404 pages", u.Rendered, len(linkers))
	}
	sameAsFull(t, dir, u)
	// A plain body edit renders the page alone.
	editFile(t, dir, "content/faq/billing.md", func(s string) string { return s + "\nOne more answer.\n" })
	if u := apply("content/faq/billing.md"); u.Rendered != 1 || !slices.Equal(u.Pages, []string{"/faq/billing/"}) {
		t.Errorf("body edit: rendered %d files, changed pages %v; want the page alone", u.Rendered, u.Pages)
	} else {
		sameAsFull(t, dir, u)
	}

	// A page's only link to another moved elsewhere: the other page is an
	// orphan now (lint re-checks it, though it did not change), and the
	// findings equal a full build's.
	var lonely, linker *content.Page
	for _, p := range s.site.Pages {
		if bl := s.site.Backlinks[p]; len(bl) == 1 && bl[0].Type != content.Release {
			lonely, linker = p, bl[0]
			break
		}
	}
	if lonely == nil {
		t.Fatal("the sample has no page with a single backlink")
	}
	var elsewhere string
	for _, p := range s.site.Pages {
		if p != lonely && p != linker && !slices.Contains(s.site.Targets(linker), p) {
			elsewhere = p.URL
			break
		}
	}
	editFile(t, dir, linker.File, func(src string) string { return strings.ReplaceAll(src, lonely.URL, elsewhere) })
	u = apply(linker.File)
	orphan := false
	for _, f := range u.Findings {
		orphan = orphan || f.Rule == lint.RuleOrphan && f.File == lonely.File
	}
	if !orphan {
		t.Errorf("%s lost its only link: no orphan finding (%v)", lonely.File, u.Findings)
	}
	sameAsFull(t, dir, u)

	// A title made another page's is a lint error on both pages: the last
	// good site stays; the title set back, the site equals a full build.
	billing, _ := os.ReadFile(filepath.Join(dir, "content/faq/billing.md"))
	editFile(t, dir, "content/faq/billing.md", func(s string) string {
		return regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllLiteralString(s, "title: Connect Slack to OctoAcme")
	})
	u = apply("content/faq/billing.md")
	dups := 0
	for _, p := range u.Problems {
		if strings.Contains(p.Error(), "is also the title of") {
			dups++
		}
	}
	if dups != 2 {
		t.Errorf("duplicate title: %d problems name it, want 2 (both pages): %v", dups, u.Problems)
	}
	os.WriteFile(filepath.Join(dir, "content/faq/billing.md"), billing, 0o644)
	sameAsFull(t, dir, apply("content/faq/billing.md"))
	// The same, set back with a new tag: lint indexes the site again.
	editFile(t, dir, "content/faq/billing.md", func(s string) string {
		return regexp.MustCompile(`(?m)^title: .*$`).ReplaceAllLiteralString(s, "title: Connect Slack to OctoAcme")
	})
	if u := apply("content/faq/billing.md"); len(u.Problems) == 0 {
		t.Error("duplicate title: no problem")
	}
	os.WriteFile(filepath.Join(dir, "content/faq/billing.md"), []byte(strings.Replace(string(billing), "tags: [", "tags: [invoices, ", 1)), 0o644)
	sameAsFull(t, dir, apply("content/faq/billing.md"))

	// Broken front matter keeps the last good site and reports the file and line;
	// fixing it, after another edit made meanwhile, renders both.
	good, _ := os.ReadFile(filepath.Join(dir, "content/articles/connect-slack.md"))
	os.WriteFile(filepath.Join(dir, "content/articles/connect-slack.md"), []byte("---\ntitle: [broken\n---\n"), 0o644)
	u = apply("content/articles/connect-slack.md")
	if len(u.Problems) == 0 || !strings.Contains(u.Problems[0].Error(), "content/articles/connect-slack.md:") {
		t.Fatalf("broken front matter: problems %v", u.Problems)
	}
	before := u.Files["articles/connect-slack/index.html"]
	if len(before) == 0 {
		t.Fatal("the last good page is not served while the file is broken")
	}
	editFile(t, dir, "content/articles/upload-files.md", func(s string) string { return strings.Replace(s, "title: ", "title: Quickly ", 1) })
	if u := apply("content/articles/upload-files.md"); len(u.Problems) == 0 {
		t.Fatal("the broken file stopped being reported")
	}
	os.WriteFile(filepath.Join(dir, "content/articles/connect-slack.md"), good, 0o644)
	u = apply("content/articles/connect-slack.md")
	sameAsFull(t, dir, u)

	// site.yaml and static files rebuild everything.
	editFile(t, dir, "site.yaml", func(s string) string {
		return strings.Replace(s, "title: OctoAcme Help Center", "title: OctoAcme Support", 1)
	})
	u = apply("site.yaml")
	if !u.Full {
		t.Error("a site.yaml change did not rebuild everything")
	}
	sameAsFull(t, dir, u)
}

// TestSessionPaginatedEdits edits a generated site whose sections span
// several list pages: a title that moves its page to another list page,
// the same title edited again (one list page changes), a body edit, and a
// deleted page. Each rebuild must equal a full build and render only the
// list pages that changed.
func TestSessionPaginatedEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("a 400-page site")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	dir := t.TempDir()
	if _, err := corpus.Generate(dir, corpus.Options{Pages: 400, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := &Session{Dir: dir, Theme: kb.Theme}
	if u, err := s.Full(ctx); err != nil || len(u.Problems) > 0 {
		t.Fatal(err, u.Problems)
	}
	sec := s.site.Section("articles")
	if len(sec.Pages) <= 2*model.PageSize {
		t.Fatalf("articles has %d pages; the test needs three list pages", len(sec.Pages))
	}
	last := sec.Pages[len(sec.Pages)-1] // on the last list page
	listPages := func(u *Update) (n int) {
		for _, p := range u.Changed {
			if strings.HasPrefix(p, "articles/page/") || p == "articles/index.html" {
				n++
			}
		}
		return n
	}
	apply := func(step string, files ...string) *Update {
		t.Helper()
		u, err := s.Apply(ctx, files)
		if err != nil {
			t.Fatal(err)
		}
		sameAsFull(t, dir, u)
		if t.Failed() {
			t.Fatalf("after %s", step)
		}
		return u
	}
	retitle := func(prefix string) {
		editFile(t, dir, last.File, func(src string) string {
			return regexp.MustCompile(`(?m)^title: "?`).ReplaceAllStringFunc(src, func(m string) string { return m + prefix })
		})
	}
	retitle("AAA ")
	if u := apply("title moved to the first list page", last.File); listPages(u) < 3 {
		t.Errorf("a page moved from the last list page to the first: %d list pages changed, want every one", listPages(u))
	}
	retitle("AAB ")
	if u := apply("title edited in place", last.File); listPages(u) != 1 || u.Rendered > 20 {
		t.Errorf("a title edited in place: %d list pages changed, %d files rendered; want 1 list page and few files", listPages(u), u.Rendered)
	}
	editFile(t, dir, last.File, func(src string) string { return src + "\nMore words.\n" })
	apply("body edit", last.File)
	// A new page (a copy of the first, retitled): every list page shows the count.
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(sec.Pages[0].File)))
	if err != nil {
		t.Fatal(err)
	}
	copyName := "content/articles/zz-copy.md"
	src = regexp.MustCompile(`(?m)^title: "?`).ReplaceAllFunc(src, func(m []byte) []byte { return append(m, "Copy of "...) })
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(copyName)), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if u := apply("page added", copyName); listPages(u) < 3 {
		t.Errorf("a page added: %d list pages changed, want every one", listPages(u))
	}
}

// TestSessionRefusesLinkAdded: kb serve's rebuild after a symbolic link
// appears in static/ or layouts/ that leads to a file kb would not read
// there fails like any build error, naming the link, and the last good
// site (without the file) stays served; removing the link builds again.
func TestSessionRefusesLinkAdded(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, minimalSite)
	writeTree(t, dir, map[string]string{".env": "SECRET=1", "static/files/ok.txt": "ok"})
	symlink(t, "files/ok.txt", filepath.Join(dir, "static/ok.txt")) // allowed: inside static/
	s := &Session{Dir: dir, Theme: kb.Theme}
	u, err := s.Full(context.Background())
	if err != nil || len(u.Problems) > 0 {
		t.Fatalf("first build: %v %v", err, u.Problems)
	}
	if string(u.Files["ok.txt"]) != "ok" {
		t.Fatalf("static/ok.txt (a link inside static/) published as %q", u.Files["ok.txt"])
	}
	for _, c := range []struct{ link, target, want string }{
		{"static/env.txt", "../.env", "static/env.txt: is a symbolic link to ../.env, which kb would not publish from static/ (it is outside static/, and .env is hidden)"},
		{"static/ok.txt", "../.env", "static/ok.txt: is a symbolic link to ../.env"}, // a good link retargeted
		{"layouts/partials/footer.html", "../../site.yaml", "layouts/partials/footer.html: is a symbolic link to ../../site.yaml, which kb would not read from layouts/ (it is outside layouts/)"},
	} {
		link := filepath.Join(dir, filepath.FromSlash(c.link))
		os.Remove(link)
		symlink(t, c.target, link)
		u, err := s.Apply(context.Background(), []string{c.link})
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Problems) != 1 || !strings.HasPrefix(u.Problems[0].Error(), c.want) {
			t.Errorf("%s → %s: problems %v, want %q", c.link, c.target, u.Problems, c.want)
		}
		for name, data := range u.Files {
			if strings.Contains(string(data), "SECRET") || string(data) == minimalSite["site.yaml"] {
				t.Errorf("%s → %s: %s serves %q", c.link, c.target, name, data)
			}
		}
		if _, ok := u.Files["env.txt"]; ok {
			t.Errorf("%s → %s: env.txt served", c.link, c.target)
		}
		os.Remove(link)
		if c.link == "static/ok.txt" {
			symlink(t, "files/ok.txt", link)
		}
		if u, err := s.Apply(context.Background(), []string{c.link}); err != nil || len(u.Problems) > 0 {
			t.Fatalf("%s removed: %v %v", c.link, err, u.Problems)
		}
	}
}
