package content

import (
	"bytes"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/adrg/frontmatter"
	"github.com/octoacme/kb/internal/diag"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// TestDeepFrontMatter: a front matter nested thousands deep parses in
// memory proportional to its size. Recording every key path of it cost
// memory quadratic in the depth (1.2 GB for these 520 KB).
func TestDeepFrontMatter(t *testing.T) {
	for name, src := range map[string]string{
		"long keys": "---\nx: " + strings.Repeat("{"+strings.Repeat("k", 100)+": ", 5000) + "1" + strings.Repeat("}", 5000) + "\n---\n",
		"lists":     "---\nx: " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + "\n---\n",
		"too deep":  "---\nx: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n---\n",
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		p, errs := Parse("content/articles/x.md", []byte(src), Options{Markdown: conv})
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
			t.Errorf("%s: %d bytes of front matter allocated %d MB", name, len(src), alloc>>20)
		}
		if name == "too deep" {
			if p != nil || len(errs) != 1 || errs[0].Line != 2 {
				t.Errorf("%s: want one error on line 2, got %v", name, errs)
			}
		} else if len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
	}
}

// TestFolderWithoutLetters: a folder whose name makes an empty URL segment
// ("content/---/x.md" would be //x/) is an error naming the file.
func TestFolderWithoutLetters(t *testing.T) {
	s := Load(fstest.MapFS{
		"content/---/x.md":   {Data: []byte("---\ntitle: X\n---\n")},
		"content/a/…/y.md":   {Data: []byte("---\ntitle: Y\n---\n")},
		"content/ok/fine.md": {Data: []byte("---\ntitle: Fine\n---\n")},
	}, Options{Markdown: conv})
	var got []string
	for _, e := range s.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`content/---/x.md:1: the folder "---" has no letters or digits, so it cannot be part of a URL; rename it`,
		`content/a/…/y.md:1: the folder "…" has no letters or digits, so it cannot be part of a URL; rename it`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range s.Pages {
		if strings.Contains(p.URL, "//") {
			t.Errorf("%s has the URL %s", p.File, p.URL)
		}
	}
}

// vanishing lists a file that is gone by the time it is read, as when a
// writer deletes a page in the middle of a build.
type vanishing struct {
	fstest.MapFS
	gone string
}

func (v vanishing) Open(name string) (fs.File, error) {
	if name == v.gone {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return v.MapFS.Open(name)
}

func (v vanishing) Stat(name string) (fs.FileInfo, error) {
	if name == v.gone {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return v.MapFS.Stat(name)
}

func (v vanishing) ReadFile(name string) ([]byte, error) {
	if name == v.gone {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return v.MapFS.ReadFile(name)
}

func TestFileVanishesMidLoad(t *testing.T) {
	s := Load(vanishing{fstest.MapFS{
		"content/articles/a.md": {Data: []byte("---\ntitle: A\n---\n")},
		"content/articles/b.md": {Data: []byte("---\ntitle: B\n---\n")},
	}, "content/articles/b.md"}, Options{Markdown: conv})
	if len(s.Pages) != 1 || len(s.Errors) != 1 || s.Errors[0].Error() != "content/articles/b.md: cannot read: file does not exist" {
		t.Errorf("pages %d, errors %v", len(s.Pages), s.Errors)
	}
}

// TestSlugCollisions: names that differ only by case, Unicode
// normalisation or invisible characters give one URL, and the clash is an
// error on the later file instead of one page silently replacing the other.
func TestSlugCollisions(t *testing.T) {
	nfc, nfd := norm.NFC.String("café"), norm.NFD.String("café")
	for _, names := range [][2]string{
		{"Reset-Password", "reset-password"},
		{nfc, nfd},
		{"pay\u200bment", "payment"},
		{"right\u202eleft", "rightleft"},
		{"a b", "a-b"},
	} {
		s := Load(fstest.MapFS{
			"content/articles/" + names[0] + ".md": {Data: []byte("---\ntitle: One\n---\n")},
			"content/articles/" + names[1] + ".md": {Data: []byte("---\ntitle: Two\n---\n")},
		}, Options{Markdown: conv})
		if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Message, "has the URL") {
			t.Errorf("%q and %q: errors %v", names[0], names[1], s.Errors)
		}
	}
}

// FuzzFrontMatter splits and decodes arbitrary text as a page's front
// matter: no panic, errors inside the file, a body offset inside the
// source, every decoded value on a line of the file.
func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: T\nupdated: 2026-01-01\n---\n# Hi\n", "+++\ntitle = \"T\"\n[x]\ny = 1\n+++\nbody", "{\n\"title\": 1\n}\n\nbody",
		";;;\n{\"a\": [1, 2]}\n;;;\n", "---yaml\na: b\n---\n", "---toml\na = 1\n---\n", "---json\n{}\n---\n", "---\n---\n",
		"---\na: &a [x]\nb: [*a, *a]\n---\n", "---\ntitle: [\n---\n", "---\n\ttitle: tab\n---\n", "---\nno end\n", "\n\n---\na: 1\n---\n",
		"---\n? [a, b]\n: c\n---\n", "---\n!!binary aGk=: x\n---\n", "---\na: !!timestamp 2026-01-01\n---\n", "+++\na = 3.10\n+++\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := normalize([]byte(text))
		lines := strings.Count(string(src), "\n") + 1
		node, format, bodyStart, err := split(src)
		if err != nil {
			e, ok := err.(*diag.Diagnostic)
			if !ok || e.Message == "" || e.Line < 1 || e.Line > lines {
				t.Fatalf("bad error %#v for %q", err, text)
			}
			return
		}
		if bodyStart < 0 || bodyStart > len(src) || (format == "") != (node == nil) {
			t.Fatalf("split(%q) = %v, %q, %d", text, node, format, bodyStart)
		}
		if node == nil {
			return
		}
		if node.Kind != yaml.MappingNode {
			t.Fatalf("front matter of kind %v", node.Kind)
		}
		var check func(n *yaml.Node, depth int)
		check = func(n *yaml.Node, depth int) {
			if n.Line < 0 || n.Line > lines {
				t.Fatalf("value %q on line %d of a %d-line file", n.Value, n.Line, lines)
			}
			if depth < 50 {
				for _, c := range n.Content {
					check(c, depth+1)
				}
			}
		}
		check(node, 0)
	})
}

// FuzzLoad loads a site of arbitrary files: whatever their names and bytes,
// every page has a clean URL of its own (or an error says why not), and
// every error names a file of the site.
func FuzzLoad(f *testing.F) {
	f.Add("articles/reset.md", "---\ntitle: Reset\nslug: reset\naliases: [/old/]\n---\n# Hi\n", "faq/Reset.md")
	f.Add("café.md", "---\nslug: \"..\"\n---\n", "café.md")
	f.Add("releases/1-0.md", "---\nversion: 1.0\ndate: 2026-01-01\n---\n", "releases/1.0.md")
	f.Add("a/b/c/index.md", "---\naliases: [\"/a/b/c/\", \"/../x/\"]\n---\n", "x/_y/.z.md")
	f.Add("---/x.md", "\x00\xff", "-/index.MD")
	f.Fuzz(func(t *testing.T, name1, data, name2 string) {
		fsys := fstest.MapFS{"content/articles/fixed.md": {Data: []byte("---\ntitle: Fixed\naliases: [/old/]\n---\n")}}
		var files []string
		for _, n := range []string{name1, name2} {
			p := "content/" + n
			if !fs.ValidPath(p) || !utf8.ValidString(p) {
				return
			}
			if _, dup := fsys[p]; dup {
				continue
			}
			fsys[p] = &fstest.MapFile{Data: []byte(data)}
			files = append(files, p)
		}
		s := Load(fsys, Options{Markdown: conv})
		for _, e := range s.Errors {
			if _, ok := fsys[e.File]; !ok && !strings.HasPrefix(e.File, Dir) {
				t.Errorf("error names %q, not a file of the site: %v", e.File, e)
			}
		}
		urls := map[string]string{}
		for _, p := range s.Pages {
			if !strings.HasPrefix(p.URL, "/") || !strings.HasSuffix(p.URL, "/") || strings.Contains(p.URL, "//") ||
				strings.Contains(p.URL, "/../") || strings.Contains(p.URL, "/./") || strings.ContainsAny(p.URL, "\\?#") {
				if !hasError(s, p.File) {
					t.Errorf("%s has the URL %q", p.File, p.URL)
				}
			}
			if q, dup := urls[p.URL]; dup && !hasError(s, p.File) && !hasError(s, q) {
				t.Errorf("%s and %s share the URL %s without an error", q, p.File, p.URL)
			}
			urls[p.URL] = p.File
			if p.Slug == "" {
				t.Errorf("%s has no slug", p.File)
			}
		}
	})
}

func hasError(s *Set, file string) bool {
	for _, e := range s.Errors {
		if e.File == file {
			return true
		}
	}
	return false
}

// FuzzFrontMatterEnd checks that giving adrg/frontmatter only the lines up
// to frontMatterEnd finds the same front matter and body as the whole file.
func FuzzFrontMatterEnd(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: T\n---\n# Hi\n---\nmore\n", "+++\na = 1\n+++\nbody", "---yaml\na: b\n---\n", ";;;\n{}\n;;;\nx",
		"\n\n---\na: 1\n --- \n---\nbody", "---\nno end\n", "{\n\"a\": 1\n}\nbody", "---\n---", "---\r\na: 1\r\n---\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := normalize([]byte(text))
		var whole, head capture
		restWhole, errWhole := frontmatter.Parse(bytes.NewReader(src), &whole, formats...)
		h := src[:frontMatterEnd(src)]
		restHead, errHead := frontmatter.Parse(bytes.NewReader(h), &head, formats...)
		if (errWhole == nil) != (errHead == nil) || whole.format != head.format || string(whole.data) != string(head.data) ||
			errWhole == nil && len(src)-len(restWhole) != len(h)-len(restHead) {
			t.Fatalf("%q: whole file gives %q %q body at %d (%v); up to %d gives %q %q body at %d (%v)", text,
				whole.format, whole.data, len(src)-len(restWhole), errWhole, len(h), head.format, head.data, len(h)-len(restHead), errHead)
		}
	})
}
