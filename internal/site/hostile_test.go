package site

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	kb "github.com/octoacme/kb"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// The hostile corpus: content written to break kb, or pasted from places
// that break it by accident. testdata/hostile/site must build and publish
// nothing that runs; every case of hostileFailures must stop the build with
// a message naming the file (and line), leaving the previous output as it
// was and writing nothing anywhere else. Big inputs (10 MB on one line,
// 100,000 headings) are generated, not committed. docs/reliability.md says
// what each case covers.

// copyCorpus copies a folder tree (files only; the corpus holds no links).
func copyCorpus(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeTree(t *testing.T, dir string, files map[string]string) {
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

// snapshot records every file and link under root with its size, time and
// a hash of its bytes, leaving out the folders skip names (relative paths).
func snapshot(t *testing.T, root string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for _, s := range skip {
			if rel == s {
				return fs.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[rel] = "dir" // a folder's time changes when kb adds .kb/ or public/ to it
			return nil
		}
		v := fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += fmt.Sprintf(" %x", data)
		} else if d.Type()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			v += " -> " + l
		}
		out[rel] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffSnapshots(a, b map[string]string) []string {
	var d []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			d = append(d, "removed "+k)
		} else if v != w {
			d = append(d, "changed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d = append(d, "added "+k)
		}
	}
	sort.Strings(d)
	return d
}

// themeScripts are the inline scripts of the theme's own layouts: the only
// inline scripts a built page may carry.
func themeScripts(t *testing.T) map[string]bool {
	t.Helper()
	scripts := map[string]bool{}
	err := fs.WalkDir(kb.Theme, "layouts", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		src, err := fs.ReadFile(kb.Theme, p)
		for _, m := range regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindAllSubmatch(src, -1) {
			scripts[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("the theme has no inline script; update themeScripts")
	}
	return scripts
}

var (
	assetScript = regexp.MustCompile(`^/js/[a-z0-9-]+\.[0-9a-f]{8}\.js$`)
	// urlAttrs hold URLs a browser may follow or load.
	urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true, "poster": true,
		"background": true, "cite": true, "codebase": true, "srcset": true, "ping": true, "lowsrc": true, "dynsrc": true,
		"manifest": true, "icon": true, "xlink:href": true, "to": true, "from": true, "values": true}
	// framing and plugin elements: the theme uses none, content may add none.
	forbidden = map[atom.Atom]bool{atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Base: true, atom.Frame: true,
		atom.Frameset: true, atom.Applet: true}
	safeData = regexp.MustCompile(`^data:image/(png|gif|jpeg|webp)[;,]`)
)

// dangerousURL reports whether a browser would run v as script (or load it
// as a document of its own): javascript:, vbscript:, and data: other than
// raster images, however it is spelt. Browsers drop ASCII whitespace and
// control characters inside a scheme, and ignore case.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	switch {
	case strings.HasPrefix(v, "javascript:"), strings.HasPrefix(v, "vbscript:"), strings.HasPrefix(v, "livescript:"):
		return true
	case strings.HasPrefix(v, "data:"):
		return !safeData.MatchString(v)
	}
	return false
}

// unsafeHTML lists what in a document could run script that is not the
// theme's own: script elements other than the theme's inline scripts, its
// fingerprinted files and JSON-LD; on* attributes; script URLs; framing and
// plugin elements; refreshes to script URLs.
func unsafeHTML(doc *html.Node, theme map[string]bool) []string {
	var problems []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			tag := n.Data
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				switch {
				case strings.HasPrefix(strings.TrimPrefix(key, "xlink:"), "on"):
					problems = append(problems, fmt.Sprintf("<%s %s=%q>: event handler", tag, key, a.Val))
				case urlAttrs[key] && dangerousURL(a.Val):
					problems = append(problems, fmt.Sprintf("<%s %s=%q>: script URL", tag, key, a.Val))
				case key == "srcset":
					for _, part := range strings.Split(a.Val, ",") {
						if dangerousURL(strings.TrimSpace(part)) {
							problems = append(problems, fmt.Sprintf("<%s srcset=%q>: script URL", tag, a.Val))
						}
					}
				case key == "style" && (strings.Contains(strings.ToLower(a.Val), "javascript:") || strings.Contains(strings.ToLower(a.Val), "expression(")):
					problems = append(problems, fmt.Sprintf("<%s style=%q>: script in style", tag, a.Val))
				}
			}
			switch {
			case n.DataAtom == atom.Script || tag == "script":
				var text strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					text.WriteString(c.Data)
				}
				src, typ := attrVal(n, "src"), attrVal(n, "type")
				switch {
				case src != "":
					if !assetScript.MatchString(src) || text.Len() > 0 {
						problems = append(problems, fmt.Sprintf("<script src=%q>: not a theme script", src))
					}
				case typ == "application/ld+json":
					if !json.Valid([]byte(text.String())) {
						problems = append(problems, fmt.Sprintf("JSON-LD that is not JSON: %.200s", text.String()))
					}
				case !theme[text.String()]:
					problems = append(problems, fmt.Sprintf("inline <script>: %.200s", text.String()))
				}
			case forbidden[n.DataAtom]:
				problems = append(problems, fmt.Sprintf("<%s> element", tag))
			case n.DataAtom == atom.Meta && strings.EqualFold(attrVal(n, "http-equiv"), "refresh"):
				_, u, _ := strings.Cut(attrVal(n, "content"), "=")
				if dangerousURL(strings.Trim(u, `'" `)) {
					problems = append(problems, fmt.Sprintf("refresh to %q", u))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

func attrVal(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// checkSafeFiles runs unsafeHTML over every HTML file of a built site and
// over the HTML of every feed entry, and returns how many documents it read.
func checkSafeFiles(t *testing.T, files map[string][]byte) int {
	t.Helper()
	theme := themeScripts(t)
	n := 0
	for name, data := range files {
		switch {
		case strings.HasSuffix(name, ".html"):
			doc, err := html.Parse(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, p := range unsafeHTML(doc, theme) {
				t.Errorf("%s: %s", name, p)
			}
			n++
		case strings.HasSuffix(name, "feed.xml") || strings.HasSuffix(name, "feed.atom") || strings.HasSuffix(name, "feed.json"):
			f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for _, it := range f.Items {
				// Content is HTML; so is an RSS or Atom description (a JSON
				// Feed summary and every title are text).
				htmlFields := []string{it.Content}
				if !strings.HasSuffix(name, ".json") {
					htmlFields = append(htmlFields, it.Description)
				}
				for _, h := range htmlFields {
					doc, err := html.Parse(strings.NewReader(h))
					if err != nil {
						continue
					}
					for _, p := range unsafeHTML(doc, nil) {
						t.Errorf("%s: entry %q: %s", name, it.Link, p)
					}
				}
				if dangerousURL(it.Link) {
					t.Errorf("%s: entry link %q", name, it.Link)
				}
			}
			n++
		}
	}
	return n
}

func readOutput(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestHostileSite builds testdata/hostile/site, with kb build and as kb
// serve does: it must build, and no page or feed entry may carry script
// that is not the theme's own, however the content spelt it.
func TestHostileSite(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	copyCorpus(t, "testdata/hostile/site", dir)
	// A link in static/ to a file inside static/ is published, and one in
	// layouts/ to a file inside layouts/ is read, through a chain of links.
	writeTree(t, dir, map[string]string{"static/files/shared.txt": "shared",
		"layouts/partials/mine.html": `{{define "mine"}}<p>my partial</p>{{end}}`})
	symlink(t, "files/shared.txt", filepath.Join(dir, "static", "shared.txt"))
	symlink(t, "../shared.txt", filepath.Join(dir, "static", "files", "chain.txt"))
	symlink(t, "mine.html", filepath.Join(dir, "layouts", "partials", "linked.html"))
	out := filepath.Join(root, "public")
	before := snapshot(t, root, "public", filepath.Join("site", ".kb"))
	res, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme})
	if err != nil {
		t.Fatalf("the hostile site did not build:\n%v", err)
	}
	if d := diffSnapshots(before, snapshot(t, root, "public", filepath.Join("site", ".kb"))); len(d) > 0 {
		t.Errorf("the build wrote outside its output folder:\n%s", strings.Join(d, "\n"))
	}
	files := readOutput(t, out)
	if n := checkSafeFiles(t, files); n < 25 {
		t.Errorf("only %d documents checked", n)
	}
	if string(files["shared.txt"]) != "shared" || string(files["files/chain.txt"]) != "shared" {
		t.Errorf("static/shared.txt and static/files/chain.txt (links inside static/) published as %q and %q", files["shared.txt"], files["files/chain.txt"])
	}
	if res.Pages != 8 {
		t.Errorf("%d pages built, want 8", res.Pages)
	}

	// What the writer typed in front matter and code is shown as text,
	// escaped; raw HTML in Markdown is sanitized (markdown.html's default):
	// the script tags go, their text stays as text.
	page := string(files["articles/script-title/index.html"])
	for _, want := range []string{
		`<title>&lt;/title&gt;&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`,
		`Raw HTML in Markdown is shown as text: alert(&quot;inline&quot;)`,
		`<a href="">plain</a>`,
		`<code>&lt;script&gt;alert(&quot;span&quot;)&lt;/script&gt;</code>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("articles/script-title/index.html lacks %s", want)
		}
	}
	// Invisible and bidi characters do not reach URLs.
	if _, ok := files["faq/payment-faq/index.html"]; !ok {
		t.Error("faq/zero-width.md with slug pay\u200bment\u200c-\ufefffaq not published at /faq/payment-faq/")
	}
	for name := range files {
		if strings.ContainsFunc(name, func(r rune) bool {
			return r < ' ' || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r == 0xfeff
		}) {
			t.Errorf("output path %q has invisible characters", name)
		}
	}

	// kb serve renders the same site in memory.
	s := &Session{Dir: dir, Theme: kb.Theme}
	u, err := s.Full(context.Background())
	if err != nil || len(u.Problems) > 0 {
		t.Fatalf("kb serve's build: %v %v", err, u.Problems)
	}
	checkSafeFiles(t, u.Files)
}

// TestHostileSiteEscaped: with markdown.html: escape, raw HTML is shown
// as the writer typed it, and the site is as safe.
func TestHostileSiteEscaped(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	copyCorpus(t, "testdata/hostile/site", dir)
	cfg, err := os.ReadFile(filepath.Join(dir, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"site.yaml": string(cfg) + "markdown:\n  html: escape\n"})
	out := filepath.Join(root, "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatalf("the hostile site did not build:\n%v", err)
	}
	files := readOutput(t, out)
	checkSafeFiles(t, files)
	if page := string(files["articles/script-title/index.html"]); !strings.Contains(page, `&lt;script&gt;alert(&quot;inline&quot;)&lt;/script&gt;`) {
		t.Error("articles/script-title/index.html does not show the raw <script> as text")
	}
}

// TestHostileSiteSafeWithoutLint: lint is what stops most of the corpus
// (broken links, missing fields); with every rule off, what is published
// must still be safe.
func TestHostileSiteSafeWithoutLint(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	copyCorpus(t, "testdata/hostile/site", dir)
	var rules []string
	for _, r := range []string{"front-matter", "title", "prerequisites", "last-updated", "related-links", "broken-link", "image-alt",
		"screenshots", "troubleshooting", "readability", "jargon", "single-topic", "release-docs", "known-issue-workaround", "orphan", "suppression"} {
		rules = append(rules, r+": off")
	}
	writeTree(t, dir, map[string]string{"site.yaml": "title: x\nlint:\n  rules: {" + strings.Join(rules, ", ") + "}\n"})
	out := filepath.Join(root, "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	checkSafeFiles(t, readOutput(t, out))
}

// minimalSite is a site that builds; each failure case adds to it.
var minimalSite = map[string]string{
	"site.yaml": "title: Hostile\n",
	"content/articles/fine.md": "---\ntitle: A page that is fine\nupdated: 2026-11-01\nprerequisites: [None]\n" +
		"related: [/articles/fine/]\n---\nFine.\n\n## Troubleshooting\n\nNone.\n",
}

// okPage is a page that passes lint, with extra front matter.
func okPage(title, extra string) string {
	return "---\ntitle: " + title + "\nupdated: 2026-11-01\nprerequisites: [None]\nrelated: [/articles/fine/]\n" + extra +
		"\n---\nText.\n\n## Troubleshooting\n\nNone.\n"
}

// hostileFailures are inputs that must stop the build. msg is a regular
// expression the first problem must match; each problem must begin with a
// file name (and line when there is one).
var hostileFailures = []struct {
	name  string
	files map[string]string
	setup func(t *testing.T, dir string)
	msg   string
	// buildOnly: kb serve does not read what is wrong (the index path).
	buildOnly bool
}{
	{name: "billion laughs in front matter", files: map[string]string{"content/articles/laughs.md": laughs},
		msg: `^content/articles/laughs\.md:2: front matter expands to more than 100000 values`},
	{name: "front matter nested 20,000 deep", files: map[string]string{"content/articles/deep.md": "---\ntitle: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n---\n"},
		msg: `^content/articles/deep\.md:2: front matter is not valid YAML: exceeded max depth of 10000`},
	{name: "tab indentation in front matter", files: map[string]string{"content/articles/tabs.md": "---\ntitle: Tabs\ntags:\n\t- a\n---\n"},
		msg: `^content/articles/tabs\.md:4: front matter is not valid YAML`},
	{name: "front matter never closed", files: map[string]string{"content/articles/open.md": "\r\n---\r\ntitle: Open\r\n"},
		msg: `^content/articles/open\.md:2: front matter opened with "---" is never closed`},
	{name: "alias with ..", files: map[string]string{"content/articles/alias.md": "---\ntitle: Alias page here\naliases: [/../../../etc/cron.d/]\n---\n"},
		msg: `^content/articles/alias\.md:3: aliases\.0: "/\.\./\.\./\.\./etc/cron\.d/" is not a site path`},
	{name: "slug ..", files: map[string]string{"content/articles/dots.md": "---\ntitle: Dots\nslug: ..\n---\n"},
		msg: `^content/articles/dots\.md:3: slug: "\.\." must be a single path segment`},
	{name: "slug with slashes", files: map[string]string{"content/articles/slash.md": "---\ntitle: Slash\nslug: ../../../etc\n---\n"},
		msg: `^content/articles/slash\.md:3: slug: "\.\./\.\./\.\./etc" must be a single path segment`},
	{name: "folder without letters", files: map[string]string{"content/.../x.md": "hidden", "content/-/x.md": "---\ntitle: X\n---\n"},
		msg: `^content/-/x\.md:1: the folder "-" has no letters or digits`},
	{name: "slugs equal but for case", files: map[string]string{"content/articles/Fine.md": "---\ntitle: Fine again\n---\n"},
		msg: `^content/articles/fine\.md:1: has the URL /articles/fine/, like content/articles/Fine\.md`},
	{name: "slugs equal but for Unicode normalisation", files: map[string]string{
		"content/articles/" + norm.NFC.String("café") + ".md": "---\ntitle: Café one\n---\n",
		"content/articles/" + norm.NFD.String("café") + ".md": "---\ntitle: Café two\n---\n"},
		msg: `^content/articles/caf[^/]+\.md:1: has the URL /articles/` + norm.NFC.String("café") + `/, like content/articles/caf[^/]+\.md`},
	{name: "slugs equal but for invisible characters", files: map[string]string{"content/articles/fi\u200bne.md": "---\ntitle: Zero width\n---\n"},
		msg: `has the URL /articles/fine/, like content/articles/fi`},
	{name: "10 MB on one line over limits.max_file_bytes", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"site.yaml": "title: x\nlimits:\n  max_file_bytes: 8000000\n",
			"content/articles/big.md": "---\ntitle: Big\n---\n" + strings.Repeat("word ", 2<<20)})
	}, msg: `^content/articles/big\.md: is \d+ bytes, more than limits\.max_file_bytes \(8000000\)`},
	{name: "links never closed, 512 KB", files: map[string]string{"content/articles/links.md": "---\ntitle: Links\n---\nAn intro.\n\n" +
		strings.Repeat("[a](<b", 512<<10/6) + "\n"},
		msg: `^content/articles/links\.md:6: this paragraph's brackets, links or emphasis would take minutes to parse, and kb stopped`},
	{name: "link in content/", setup: func(t *testing.T, dir string) {
		symlink(t, "fine.md", filepath.Join(dir, "content/articles/link.md"))
	}, msg: `^content/articles/link\.md: is a symbolic link; kb does not follow links in content/`},
	{name: "content/ is a link out of the site", setup: func(t *testing.T, dir string) {
		outside := t.TempDir()
		writeTree(t, outside, map[string]string{"articles/x.md": "---\ntitle: Outside\n---\n"})
		os.RemoveAll(filepath.Join(dir, "content"))
		symlink(t, outside, filepath.Join(dir, "content"))
	}, msg: `^content: cannot read: path escapes from parent`},
	{name: "link in static/ to a secret outside", setup: func(t *testing.T, dir string) {
		secret := filepath.Join(t.TempDir(), "secret.txt")
		os.WriteFile(secret, []byte("SECRET"), 0o600)
		os.MkdirAll(filepath.Join(dir, "static"), 0o755)
		symlink(t, secret, filepath.Join(dir, "static/leak.txt"))
	}, msg: `^static/leak\.txt: is a symbolic link to /.*/secret\.txt, which kb would not publish from static/ \(it is an absolute path`},
	{name: "relative link in static/ climbing out", setup: func(t *testing.T, dir string) {
		symlink(t, "../../../../../../../../../../etc/hostname", filepath.Join(dir, "static/images/host.png"))
	}, msg: `^static/images/host\.png: is a symbolic link to (\.\./)+etc/hostname, which kb would not publish from static/ \(it is outside the site folder\)`},
	{name: "link in static/ to .env", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{".env": "SECRET=1"})
		symlink(t, "../.env", filepath.Join(dir, "static/env.txt"))
	}, msg: `^static/env\.txt: is a symbolic link to \.\./\.env, which kb would not publish from static/ \(it is outside static/, and \.env is hidden\); copy the file in instead or remove the link$`},
	{name: "link in static/ to .git/config", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{".git/config": "SECRET"})
		symlink(t, "../../.git/config", filepath.Join(dir, "static/css/git.css"))
	}, msg: `^static/css/git\.css: is a symbolic link to \.\./\.\./\.git/config, which .*\(it is outside static/, and \.git is hidden\)`},
	{name: "link in static/ to .kb/", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{".kb/search-log.jsonl": "SECRET"})
		symlink(t, "../.kb/search-log.jsonl", filepath.Join(dir, "static/log.txt"))
	}, msg: `^static/log\.txt: is a symbolic link to \.\./\.kb/search-log\.jsonl, which .*\(it is outside static/, and \.kb is hidden\)`},
	{name: "link in static/ to site.yaml", setup: func(t *testing.T, dir string) {
		symlink(t, "../site.yaml", filepath.Join(dir, "static/site.txt"))
	}, msg: `^static/site\.txt: is a symbolic link to \.\./site\.yaml, which kb would not publish from static/ \(it is outside static/\)`},
	{name: "link in static/ to a draft in content/", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"content/articles/draft.md": "---\ntitle: Draft\ndraft: true\n---\nSECRET\n"})
		symlink(t, "../content/articles/draft.md", filepath.Join(dir, "static/draft.txt"))
	}, msg: `^static/draft\.txt: is a symbolic link to \.\./content/articles/draft\.md, which .*\(it is outside static/\)`},
	{name: "link in static/ to a link to .env", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{".env": "SECRET=1", "static/ok.txt": "ok"})
		symlink(t, "../../.env", filepath.Join(dir, "static/files/env.txt"))
		symlink(t, "files/env.txt", filepath.Join(dir, "static/chain.txt"))
	}, msg: `^static/chain\.txt: is a symbolic link to files/env\.txt, then \.\./\.\./\.env, which kb would not publish from static/ \(it is outside static/, and \.env is hidden\)`},
	{name: "link in static/ to nothing", setup: func(t *testing.T, dir string) {
		symlink(t, "missing.png", filepath.Join(dir, "static/images/a.png"))
	}, msg: `^static/images/a\.png: is a symbolic link to missing\.png, which does not exist`},
	{name: "link in static/ to a folder", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"assets/a.png": "png"})
		symlink(t, "../assets", filepath.Join(dir, "static/assets"))
	}, msg: `^static/assets: is a symbolic link to a folder \(\.\./assets\); kb does not follow links to folders in static/, as it would publish whatever that folder holds`},
	{name: "static/ is a link to .git", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{".git/config": "SECRET"})
		symlink(t, ".git", filepath.Join(dir, "static"))
	}, msg: `^static: is a symbolic link to \.git; kb reads static/ only as a folder of the site, not through a link`},
	{name: "link in layouts/ to a file outside", setup: func(t *testing.T, dir string) {
		secret := filepath.Join(t.TempDir(), "footer.html")
		os.WriteFile(secret, []byte("SECRET"), 0o600)
		symlink(t, secret, filepath.Join(dir, "layouts/partials/footer.html"))
	}, msg: `^layouts/partials/footer\.html: is a symbolic link to /.*/footer\.html, which kb would not read from layouts/ \(it is an absolute path`},
	{name: "link in layouts/ to site.yaml", setup: func(t *testing.T, dir string) {
		symlink(t, "../../site.yaml", filepath.Join(dir, "layouts/partials/footer.html"))
	}, msg: `^layouts/partials/footer\.html: is a symbolic link to \.\./\.\./site\.yaml, which kb would not read from layouts/ \(it is outside layouts/\)`},
	{name: "link in layouts/ to a _ file", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"layouts/partials/_private.html": "SECRET"})
		symlink(t, "_private.html", filepath.Join(dir, "layouts/partials/footer.html"))
	}, msg: `^layouts/partials/footer\.html: is a symbolic link to _private\.html, which kb would not read from layouts/ \(_private\.html starts with _\)`},
	{name: "link in layouts/ kb never renders", setup: func(t *testing.T, dir string) {
		symlink(t, "../.env", filepath.Join(dir, "layouts/notes.txt"))
	}, msg: `^layouts/notes\.txt: is a symbolic link to \.\./\.env, which does not exist`},
	{name: "search.index: . (the site folder)", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"site.yaml": "title: x\nsearch:\n  index: .\n"})
	}, msg: `^site\.yaml:3: search\.index .* is there and is not a search index`, buildOnly: true},
	{name: "search.index: content", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"site.yaml": "title: x\nsearch:\n  index: content\n"})
	}, msg: `^site\.yaml:3: search\.index .*content is there and is not a search index`, buildOnly: true},
	{name: "search.index: a folder outside the site", setup: func(t *testing.T, dir string) {
		writeTree(t, filepath.Dir(dir), map[string]string{"precious/data.txt": "keep me"})
		writeTree(t, dir, map[string]string{"site.yaml": "title: x\nsearch:\n  index: ../precious\n"})
	}, msg: `^site\.yaml:3: search\.index .*precious is there and is not a search index`, buildOnly: true},
	{name: "alias over the sitemap", files: map[string]string{"content/articles/alias.md": okPage("Alias page here", "aliases: [/sitemap.xml/]")},
		msg: `^content/articles/alias\.md: would write /sitemap\.xml/index\.html inside /sitemap\.xml, which the site writes as a file`},
	{name: "alias over a static file", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"static/images/a.png": "png",
			"content/articles/alias.md": okPage("Alias page here", "aliases: [/images/a.png/]")})
	}, msg: `^content/articles/alias\.md: would write /images/a\.png/index\.html inside /images/a\.png, which static/images/a\.png writes as a file`},
	{name: "two pages with one alias", files: map[string]string{
		"content/articles/one.md": okPage("Alias page one", "aliases: [/old/]"),
		"content/articles/two.md": okPage("Alias page two", "aliases: [/old/]")},
		msg: `^content/articles/two\.md: would write /old/index\.html, which content/articles/one\.md also writes`},
	{name: "site.yaml billion laughs", setup: func(t *testing.T, dir string) {
		yaml := "title: x\nparams:\n"
		for _, line := range strings.Split(strings.Trim(laughs, "-\n"), "\n")[1:] {
			yaml += "  " + line + "\n"
		}
		writeTree(t, dir, map[string]string{"site.yaml": yaml})
	}, msg: `^site\.yaml: document contains excessive aliasing`},
	{name: "site.yaml with a NUL", setup: func(t *testing.T, dir string) {
		writeTree(t, dir, map[string]string{"site.yaml": "title: x\ndescription: \"a\x00b\"\n"})
	}, msg: `^site\.yaml:2: control characters are not allowed`},
}

// laughs is a front matter of nine levels of ten aliases: a billion values.
var laughs = func() string {
	s := "---\ntitle: Laughs\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for c := 'b'; c <= 'i'; c++ {
		s += string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+string(c-1)+", ", 10), ", ") + "]\n"
	}
	return s + "---\n"
}()

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

var problemStart = regexp.MustCompile(`^(site\.yaml|content|static|layouts)(/[^:]+)?(:\d+)?: `)

func TestHostileFailures(t *testing.T) {
	for _, tc := range hostileFailures {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "site")
			writeTree(t, dir, minimalSite)
			writeTree(t, dir, tc.files)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			out := filepath.Join(root, "public")
			writeTree(t, out, map[string]string{"index.html": "the previous site", "articles/old/index.html": "old", MarkerFile: markerText})
			before := snapshot(t, root, filepath.Join("site", ".kb"))
			start := time.Now()
			_, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme})
			if el := time.Since(start); el > 20*time.Second {
				t.Errorf("took %v", el)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("want an input error (exit status 2), got %T %v", err, err)
			}
			if !regexp.MustCompile(tc.msg).MatchString(ie.Problems[0].Error()) {
				t.Errorf("first problem:\n%s\nwant it to match %s", ie.Problems[0], tc.msg)
			}
			for _, e := range ie.Problems {
				if !problemStart.MatchString(e.Error()) {
					t.Errorf("problem without a file: %q", e)
				}
				if strings.Contains(e.Error(), "SECRET") || strings.Contains(e.Error(), "goroutine ") {
					t.Errorf("problem shows what it must not: %q", e)
				}
			}
			if d := diffSnapshots(before, snapshot(t, root, filepath.Join("site", ".kb"))); len(d) > 0 {
				t.Errorf("a failed build changed files:\n%s", strings.Join(d, "\n"))
			}
			if tc.buildOnly {
				return
			}
			// kb serve (whose --no-watch mode refuses a site with problems)
			// finds the same problem.
			u, err := (&Session{Dir: dir, Theme: kb.Theme}).Full(context.Background())
			if err == nil && (len(u.Problems) == 0 || !regexp.MustCompile(tc.msg).MatchString(u.Problems[0].Error())) {
				t.Errorf("kb serve's build: %v", u.Problems)
			}
		})
	}
}

// heapWatch samples the heap in use while f runs and returns its peak above
// the starting point, and how long f took.
func heapWatch(f func()) (peak uint64, elapsed time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var max atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max.Load() {
				max.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	f()
	elapsed = time.Since(start)
	close(done)
	wg.Wait()
	if m := max.Load(); m > base {
		peak = m - base
	}
	return peak, elapsed
}

// TestHostileBigFiles builds the big cases of the corpus, generated here:
// each must build, in bounded time and memory. The figures go to the test
// log (go test -v -run TestHostileBigFiles) and docs/reliability.md.
func TestHostileBigFiles(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("big inputs: not with -short or -race")
	}
	headings := func(same bool) string {
		var b strings.Builder
		b.WriteString("---\ntitle: Many headings\n---\n")
		for i := range 100000 {
			if same {
				b.WriteString("## Same heading\n\n")
			} else {
				fmt.Fprintf(&b, "## Heading %d\n\nText %d.\n\n", i, i)
			}
		}
		return b.String()
	}
	lines := func(n int, line func(i int) string) string {
		var b strings.Builder
		b.WriteString("---\ntitle: Pathological\n---\n")
		for i := range n {
			b.WriteString(line(i))
		}
		return b.String()
	}
	for _, tc := range []struct {
		name string
		page string
	}{
		{"10 MB on one line", "---\ntitle: Big\n---\n" + strings.Repeat("word ", 2<<20)},
		{"10 MB on one line without spaces", "---\ntitle: Big\n---\n" + strings.Repeat("x", 10<<20)},
		{"100,000 headings", headings(false)},
		{"100,000 equal headings", headings(true)},
		{"block quotes 100,000 deep", "---\ntitle: Deep\n---\n" + strings.Repeat("> ", 100000) + "x\n"},
		{"lists 2,000 deep by indentation", lines(2000, func(i int) string { return strings.Repeat("  ", i) + "- x\n" })},
		{"table 20,000 columns wide", "---\ntitle: Wide\n---\n|" + strings.Repeat("a|", 20000) + "\n|" + strings.Repeat("-|", 20000) + "\n" + strings.Repeat("|b\n", 20000)},
		{"100,000 links", "---\ntitle: Links\n---\n" + strings.Repeat("[x](/articles/fine/#nope) ", 100000)},
		{"10,000 code blocks with 1 KB languages", lines(10000, func(int) string { return "```" + strings.Repeat("x", 1000) + "\ny\n```\n" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "site")
			writeTree(t, dir, minimalSite)
			writeTree(t, dir, map[string]string{
				"site.yaml":               "title: x\nlimits:\n  max_file_bytes: 16000000\nlint:\n  rules: {title: off, last-updated: off, prerequisites: off, related-links: off, broken-link: warning, troubleshooting: off, single-topic: off, readability: off}\n",
				"content/articles/big.md": tc.page,
			})
			var err error
			peak, elapsed := heapWatch(func() {
				_, err = Build(context.Background(), Options{Dir: dir, Out: filepath.Join(root, "public"), Theme: kb.Theme})
			})
			t.Logf("%s: %d KB in %v, peak heap +%d MB", tc.name, len(tc.page)>>10, elapsed.Round(time.Millisecond), peak>>20)
			if err != nil {
				t.Fatalf("%.2000v", err)
			}
			if elapsed > 60*time.Second || peak > 1500<<20 {
				t.Errorf("%v and %d MB is too much", elapsed, peak>>20)
			}
		})
	}
}

// TestFilesVanishMidBuild deletes and restores content and static files
// while the site builds, again and again. Each build either succeeds or
// stops with a problem naming a file; a build that stops leaves the
// previous output exactly as it was.
func TestFilesVanishMidBuild(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	files := map[string]string{"site.yaml": "title: x\nlint:\n  rules: {orphan: off}\n"}
	for i := range 200 {
		files[fmt.Sprintf("content/articles/page-%03d.md", i)] = fmt.Sprintf("---\ntitle: Page number %03d here\nupdated: 2026-11-01\n"+
			"prerequisites: [None]\nrelated: [/articles/page-%03d/]\n---\nText.\n\n## Troubleshooting\n\nNone.\n", i, (i+1)%200)
		files[fmt.Sprintf("static/images/shot-%03d.png", i)] = "png"
	}
	writeTree(t, dir, files)
	out := filepath.Join(root, "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Pages that link nowhere else, so a build that misses one is still clean.
			name := fmt.Sprintf("content/articles/page-%03d.md", 100+i%50)
			img := fmt.Sprintf("static/images/shot-%03d.png", i%200)
			os.Remove(filepath.Join(dir, name))
			os.Remove(filepath.Join(dir, img))
			time.Sleep(time.Millisecond)
			writeTree(t, dir, map[string]string{name: files[name], img: "png"})
		}
	}()
	ok, failed := 0, 0
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) || ok+failed < 3 {
		before := snapshot(t, out)
		_, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme})
		var ie *InputError
		var le *LintError
		switch {
		case err == nil:
			ok++
			continue
		case errors.As(err, &ie):
			for _, e := range ie.Problems {
				if !problemStart.MatchString(e.Error()) {
					t.Errorf("problem without a file: %q", e)
				}
			}
		case errors.As(err, &le):
			// a page that links to one gone a moment: a finding, with its file
		default:
			t.Errorf("unexpected error %T: %v", err, err)
		}
		failed++
		if d := diffSnapshots(before, snapshot(t, out)); len(d) > 0 {
			t.Errorf("a failed build changed the output:\n%s", strings.Join(d[:min(len(d), 20)], "\n"))
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d builds succeeded, %d stopped", ok, failed)
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error(err)
	}
}

// TestControlCharactersNotPublished: control characters spelt by YAML
// escapes in titles and descriptions (of pages and of site.yaml) reach no
// output — not <title>, the meta tags, headings, lists, JSON-LD, the feeds,
// the sitemap or the static search index — in kb build and kb serve alike.
func TestControlCharactersNotPublished(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	root := t.TempDir()
	dir := filepath.Join(root, "site")
	writeTree(t, dir, map[string]string{
		"site.yaml": "title: \"Help\\x07 center\"\ndescription: \"All\\x1b[31m answers\"\nbase_url: https://help.example.com/\n",
		"content/articles/bell.md": "---\ntitle: \"Ring the\\u0007 bell \\x1b[31mnow\"\ndescription: \"A\\x1b[0m bell\\u0085 page.\"\n" +
			"updated: 2026-11-01\nprerequisites: [\"A\\x07 bell\"]\nrelated: [/articles/bell/]\ntags: [\"bel\\x07ls\"]\n---\nRing it.\n\n## Troubleshooting\n\nNone.\n",
		"content/releases/1-0.md": "---\ntitle: \"Version\\x07 1.0\"\nversion: \"1.0\"\ndate: 2026-11-01\nfeatures:\n  - title: \"Bells\\x1b[1m\"\n    summary: Ring.\n    docs: [/articles/bell/]\n---\nNotes.\n",
	})
	forbidden := regexp.MustCompile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\x{80}-\\x{9f}]")
	check := func(t *testing.T, files map[string][]byte) {
		t.Helper()
		page := string(files["articles/bell/index.html"])
		for _, want := range []string{"<title>Ring the bell [31mnow", `<meta name="description" content="A[0m bell page.">`, "<h1>Ring the bell [31mnow</h1>"} {
			if !strings.Contains(page, want) {
				t.Errorf("articles/bell/index.html lacks %q", want)
			}
		}
		n := 0
		for name, data := range files {
			if strings.HasSuffix(name, ".bin") { // the static search index, gzip-compressed binary
				if strings.HasPrefix(path.Base(path.Dir(name)), "f.") { // fragments: the texts a hit shows
					r, err := gzip.NewReader(bytes.NewReader(data))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					data, _ = io.ReadAll(r)
					if bytes.Contains(data, []byte("Ring the bell")) {
						n++
					}
					for _, bad := range []string{"the\x07", "\x1b[", "\u0085"} {
						if bytes.Contains(data, []byte(bad)) {
							t.Errorf("%s carries %q", name, bad)
						}
					}
				}
				continue
			}
			if loc := forbidden.FindIndex(data); loc != nil {
				t.Errorf("%s carries %q at %d", name, data[loc[0]:loc[1]], loc[0])
			}
		}
		if n == 0 {
			t.Error("no search fragment holds the page's title")
		}
	}
	out := filepath.Join(root, "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	check(t, readOutput(t, out))
	u, err := (&Session{Dir: dir, Theme: kb.Theme}).Full(context.Background())
	if err != nil || len(u.Problems) > 0 {
		t.Fatalf("kb serve's build: %v %v", err, u.Problems)
	}
	for name, data := range u.Files {
		if loc := forbidden.FindIndex(data); loc != nil {
			t.Errorf("kb serve: %s carries %q", name, data[loc[0]:loc[1]])
		}
	}
}
