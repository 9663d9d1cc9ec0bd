package site

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/corpus"
)

// cacheSite generates a small site with a draft, in a fresh folder.
func cacheSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := corpus.Generate(dir, corpus.Options{Pages: 40, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	draft := "---\ntitle: Unfinished draft\ndescription: Not yet.\nupdated: 2026-03-01\ndraft: true\nrelated: [\"https://acme.example/support\"]\n---\nDraft body.\n"
	writeFile(t, filepath.Join(dir, "content", "faq", "draft.md"), draft)
	return dir
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAll reads every file under dir.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if p == dir && errors.Is(err, fs.ErrNotExist) {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// copyDir copies a site folder without its output and build state.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if top := strings.Split(filepath.ToSlash(rel), "/")[0]; top == "public" || top == ".kb" || strings.HasPrefix(top, "out") || strings.HasPrefix(top, ".public") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sameTrees fails when two built sites differ in any file.
func sameTrees(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var names []string
	for n := range got {
		names = append(names, n)
	}
	for n := range want {
		if _, ok := got[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	bad := 0
	for _, n := range names {
		g, okg := got[n]
		w, okw := want[n]
		switch {
		case !okg:
			t.Errorf("%s: %s is missing (a cold build writes it)", what, n)
		case !okw:
			t.Errorf("%s: %s is left over (a cold build does not write it)", what, n)
		case g != w:
			t.Errorf("%s: %s differs from a cold build", what, n)
		default:
			continue
		}
		if bad++; bad > 5 {
			t.Fatalf("%s: more differences left out", what)
		}
	}
}

// TestBuildCacheNeverStale changes each kind of input a build reads, and
// each way its output can be disturbed, between two builds of one site
// folder, and checks that the second build publishes exactly what a cold
// build (no output, no .kb/) of the changed site publishes; and that a
// third build, with nothing changed, is skipped and leaves the output as
// it was.
func TestBuildCacheNeverStale(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1800000000")
	type opts struct {
		drafts bool
		out    string // relative to the site folder; "" is public
	}
	steps := []struct {
		name   string
		opts   opts
		change func(t *testing.T, dir string)
		// index says whether the search index must be built again
		index bool
	}{
		{name: "first build", index: true},
		{name: "nothing changed"},
		{name: "content body", index: true, change: func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "content", "faq"), "\nOne more sentence for the first FAQ.\n")
		}},
		{name: "new page", index: true, change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "content", "articles", "brand-new.md"), strings.Replace(firstFile(t, filepath.Join(dir, "content", "articles")), "title: \"", "title: \"Brand new ", 1))
		}},
		{name: "page removed", index: true, change: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "content", "articles", "brand-new.md")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "site.yaml", index: true, change: func(t *testing.T, dir string) {
			p := filepath.Join(dir, "site.yaml")
			data, _ := os.ReadFile(p)
			writeFile(t, p, strings.Replace(string(data), "title: Acme Help Center", "title: Acme Support", 1))
		}},
		{name: "layout override", change: func(t *testing.T, dir string) {
			data, err := fs.ReadFile(kb.Theme, "layouts/partials/footer.html")
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "layouts", "partials", "footer.html"), strings.Replace(string(data), "Help home", "Help center home", 1))
		}},
		{name: "layout edited", change: func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "layouts", "partials"), "<!-- edited -->\n")
		}},
		{name: "static file added", change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "static", "files", "terms.txt"), "Terms.\n")
		}},
		{name: "static file edited", change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "static", "files", "terms.txt"), "New terms.\n")
		}},
		{name: "theme CSS override", change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "static", "css", "kb.css"), "body{color:black}\n")
		}},
		{name: "another kb binary", index: true, change: func(t *testing.T, dir string) {
			old := binaryID
			binaryID = func() string { return "another version of kb" }
			t.Cleanup(func() { binaryID = old })
		}},
		{name: "--drafts", opts: opts{drafts: true}, index: true},
		{name: "no --drafts", index: true},
		{name: "--out", opts: opts{out: "out2"}},
		{name: "back to public", opts: opts{out: "public"}},
		{name: "output file edited", change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "public", "index.html"), "defaced")
		}},
		{name: "output file removed", change: func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "public", "robots.txt")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "output file added", change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "public", "stray.html"), "stray")
		}},
		{name: "output removed", change: func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "public")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "search index removed", index: true, change: func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, ".kb", "search.bleve")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "state file corrupt", index: true, change: func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, ".kb", "build", "state.json"), `{"version":1,"key":`)
		}},
		{name: "another day", change: func(t *testing.T, dir string) {
			t.Setenv("SOURCE_DATE_EPOCH", "1800100000")
		}},
		{name: "spare output tampered", change: func(t *testing.T, dir string) {
			// The recycled output holds files this build must not publish.
			spare := filepath.Join(dir, ".kb", "build", "spare")
			if _, err := os.Stat(spare); err != nil {
				t.Fatalf("no spare output to recycle: %v", err)
			}
			writeFile(t, filepath.Join(spare, "stale", "index.html"), "stale")
			if err := os.Remove(filepath.Join(spare, "articles", "index.html")); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(spare, "articles", "index.html", "x"), "a folder where a file goes")
			if err := os.RemoveAll(filepath.Join(spare, "faq")); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(spare, "faq"), "a file where a folder goes")
			appendTo(t, filepath.Join(dir, "content", "troubleshooting"), "\nForce a rebuild.\n")
		}, index: true},
	}
	dir := cacheSite(t)
	for i, st := range steps {
		if st.change != nil {
			st.change(t, dir)
		}
		out := filepath.Join(dir, "public")
		if st.opts.out != "" {
			out = filepath.Join(dir, st.opts.out)
		}
		before := readAll(t, filepath.Join(dir, ".kb"))
		res, err := Build(context.Background(), Options{Dir: dir, Out: out, Drafts: st.opts.drafts, Theme: kb.Theme})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if want := st.name == "nothing changed"; res.Unchanged != want {
			t.Errorf("%s: Unchanged = %v, want %v", st.name, res.Unchanged, want)
		}
		after := readAll(t, filepath.Join(dir, ".kb"))
		indexBuilt := false
		for n, data := range after {
			if strings.HasPrefix(n, "search.bleve/") && before[n] != data {
				indexBuilt = true
			}
		}
		if i > 0 && indexBuilt != st.index {
			t.Errorf("%s: search index built again = %v, want %v", st.name, indexBuilt, st.index)
		}

		// A cold build of a copy of the site must publish the same files.
		cold := filepath.Join(t.TempDir(), "site")
		copyDir(t, dir, cold)
		want := filepath.Join(cold, "public")
		if _, err := Build(context.Background(), Options{Dir: cold, Out: want, Drafts: st.opts.drafts, Theme: kb.Theme}); err != nil {
			t.Fatalf("%s: cold build: %v", st.name, err)
		}
		got := readAll(t, out)
		sameTrees(t, st.name, got, readAll(t, want))
		if _, err := os.Stat(filepath.Join(dir, ".kb", "build", "spare", "stale")); err == nil {
			t.Errorf("%s: the spare output still holds a stale file", st.name)
		}

		// With nothing changed, the next build is skipped and touches nothing.
		printBefore, err := fingerprint(out)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Build(context.Background(), Options{Dir: dir, Out: out, Drafts: st.opts.drafts, Theme: kb.Theme})
		if err != nil {
			t.Fatalf("%s, again: %v", st.name, err)
		}
		if !again.Unchanged {
			t.Errorf("%s: the build after it was not skipped", st.name)
		}
		if again.Pages != res.Pages || again.Files != res.Files || again.Bytes != res.Bytes || len(again.Findings) != len(res.Findings) {
			t.Errorf("%s: skipped build reports %+v, the build %+v", st.name, again, res)
		}
		if p, _ := fingerprint(out); p != printBefore {
			t.Errorf("%s: a skipped build changed the output", st.name)
		}
	}
}

// TestBuildCacheFailedBuild checks that a build that fails leaves the
// output and the cache as they were, so that undoing the mistake is a
// skipped build again.
func TestBuildCacheFailedBuild(t *testing.T) {
	dir := cacheSite(t)
	opts := Options{Dir: dir, Theme: kb.Theme}
	if _, err := Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	before, _ := fingerprint(out)
	p := filepath.Join(dir, "content", "articles", "broken.md")
	writeFile(t, p, "---\ntitle: [unclosed\n---\n")
	if _, err := Build(context.Background(), opts); err == nil {
		t.Fatal("a page with broken front matter built")
	}
	if after, _ := fingerprint(out); after != before {
		t.Error("a failed build changed the output")
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unchanged {
		t.Error("undoing the change did not give a skipped build")
	}
}

// appendTo appends text to the first file (by name) in dir.
func appendTo(t *testing.T, dir, text string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			p := filepath.Join(dir, e.Name())
			data, _ := os.ReadFile(p)
			writeFile(t, p, string(data)+text)
			return
		}
	}
	t.Fatalf("no file in %s", dir)
}

func firstFile(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(data)) + "\n"
}
