package lint

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// TestFindingsAreOneSafeLine: a finding quotes what the page wrote (a link,
// a title), and a page may write anything. Printed, a finding must still be
// one line with no control characters, so that no page can fake a finding,
// clear the terminal or reorder text with a bidi override.
func TestFindingsAreOneSafeLine(t *testing.T) {
	res := lintFiles(t, map[string]string{
		"content/articles/evil\u202e.md": fm + "[a](/x%0a/content/articles/fake.md:1:1:%20error:%20fake/) [b](/y%1b[2J%1b]0;title%07/) [c](/z%e2%80%ae/)\n",
	}, Options{})
	var buf bytes.Buffer
	if err := WriteText(&buf, res.Findings, res.Files); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(res.Findings)+1 {
		t.Errorf("%d findings printed as %d lines:\n%s", len(res.Findings), len(lines), buf.String())
	}
	broken := 0
	for _, f := range res.Findings {
		s := f.String()
		if i := strings.IndexFunc(s, unsafeRune); i >= 0 {
			t.Errorf("finding has control character %q: %q", s[i:i+1], s)
		}
		if f.Rule == RuleBrokenLink {
			broken++
		}
	}
	if broken != 3 {
		t.Errorf("%d broken links found, want 3: %v", broken, res.Findings)
	}
}

// loadOne loads the base site plus one page, keeping the pages.
func loadOne(t *testing.T, page string) (*content.Set, *Result) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range base {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	fsys["content/articles/fuzz.md"] = &fstest.MapFile{Data: []byte(page)}
	cs := content.Load(fsys, content.Options{Markdown: markdown.New(markdown.Options{})})
	static, _ := fs.Sub(fsys, "static")
	res, err := Check(&Input{Config: config.Default(), Pages: cs.Pages, Errors: cs.Errors, Static: static}, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return cs, res
}

// FuzzLinkResolution checks one link in a page against model.SplitLink,
// which the templates use to resolve the same links: when render finds the
// page (and the heading of a #fragment), lint must not call the link broken.
func FuzzLinkResolution(f *testing.F) {
	for _, s := range []string{
		"/articles/reset-your-password/", "/articles/reset-your-password/#troubleshooting", "/faq/account/#how-do-i-change-my-email",
		"../../faq/account/", "#steps", "/articles/reset-your-password/index.html", "/articles/reset-your-password",
		"/articles/%72eset-your-password/?x=1#steps", "//evil.example/", "javascript:alert(1)", "/images/shot.png",
		"/sitemap.xml", "reset-your-password.md", "/../../etc/passwd", "%zz", "/faq/account/#%E2%80%AE", "mailto:a@b",
		"/known-issues/#x", `\\x`, "/articles/fuzz/#kb-feedback", "/faq/account/#main", "/tags/", "/a b/", "/faq/account/#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dest string) {
		if strings.ContainsAny(dest, "<>\n\r") {
			return // cannot be written as one <link destination>
		}
		cs, res := loadOne(t, fm+"[link](<"+dest+">)\n")
		var page *content.Page
		byURL := map[string]*content.Page{}
		for _, p := range cs.Pages {
			byURL[p.URL] = p
			if p.File == "content/articles/fuzz.md" {
				page = p
			}
		}
		if page == nil || page.Doc == nil || len(page.Doc.Links) != 1 {
			return
		}
		link := page.Doc.Links[0].Dest // as goldmark read it: escapes and entities decoded
		path, frag := model.SplitLink(link)
		if path != "" && (!strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/")) {
			t.Fatalf("SplitLink(%q) = %q, not a /path/", link, path)
		}
		q, _ := model.Resolve(byURL, link)
		if q == nil || !strings.HasPrefix(strings.TrimSpace(link), "/") {
			return
		}
		if frag != "" {
			ids := model.TemplateAnchors(q)
			for _, h := range q.Doc.Headings {
				ids = append(ids, h.ID)
			}
			if !slices.Contains(ids, frag) {
				return
			}
		}
		for _, fd := range res.Findings {
			if fd.File == page.File && fd.Rule == RuleBrokenLink {
				t.Errorf("render resolves %q to %s, but lint says: %s", link, q.URL, fd.Message)
			}
		}
	})
}

// FuzzSuppression puts a kb-lint-disable-next-line comment naming
// arbitrary rules above a line with jargon: the jargon finding must go
// exactly when the comment names no rule or names jargon.
func FuzzSuppression(f *testing.F) {
	for _, s := range []string{"", "jargon", "readability, jargon", "jargon,", " , ,jargon", "jargn", "all", "JARGON", "jargon-x", "x jargon y", "-- jargon --"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rules string) {
		for _, r := range rules {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == ',' || r == ' ') {
				return // other text ends or changes the comment; FuzzCheck covers it
			}
		}
		page := fm + "<!-- kb-lint-disable-next-line " + rules + " -->\nWe utilize it.\n"
		_, res := lintWithJargon(t, page)
		names := strings.FieldsFunc(rules, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
		want := !(len(names) == 0 || slices.Contains(names, RuleJargon))
		got := false
		for _, fd := range res.Findings {
			if fd.File == "content/articles/fuzz.md" && fd.Rule == RuleJargon {
				got = true
				if fd.Line != 8 {
					t.Errorf("jargon found on line %d, want 8", fd.Line)
				}
			}
		}
		if got != want {
			t.Errorf("comment naming %q: jargon finding %v, want %v (%v)", rules, got, want, res.Findings)
		}
	})
}

func lintWithJargon(t *testing.T, page string) (*content.Set, *Result) {
	t.Helper()
	fsys := fstest.MapFS{"content/articles/fuzz.md": &fstest.MapFile{Data: []byte(page)}}
	cfg, err := config.Parse("site.yaml", []byte("lint:\n  jargon: [utilize]\n"))
	if err != nil {
		t.Fatal(err)
	}
	cs := content.Load(fsys, content.Options{Markdown: markdown.New(markdown.Options{})})
	res, err := Check(&Input{Config: cfg, Pages: cs.Pages, Errors: cs.Errors}, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return cs, res
}

// unsafeRune is what a printed finding must not hold: control and
// bidirectional-override characters.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
