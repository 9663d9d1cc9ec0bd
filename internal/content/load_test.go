package content

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
)

var conv = markdown.New(markdown.Options{})

func parse(t *testing.T, file, src string) (*Page, []*diag.Diagnostic) {
	t.Helper()
	return Parse(file, []byte(src), Options{Markdown: conv})
}

func TestParseFields(t *testing.T) {
	p, errs := parse(t, "content/troubleshooting/cant-sign-in.md", `---
title: "Can't sign in: AUTH-401"
description: Fix the AUTH-401 error.
updated: 2026-11-02
tags: [account, security]
product: OctoAcme
related:
  - /articles/reset-your-password/
  - /faq/account/#how-do-i-change-my-email-address
prerequisites: [An OctoAcme account]
errors:
  - "AUTH-401: Your email or password is incorrect"
custom_field: kept
---
# Heading

Body text.
`)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if p.Type != Troubleshooting || p.Section != "troubleshooting" || p.Slug != "cant-sign-in" || p.URL != "/troubleshooting/cant-sign-in/" {
		t.Errorf("placement: type %q section %q slug %q url %q", p.Type, p.Section, p.Slug, p.URL)
	}
	if p.Title != "Can't sign in: AUTH-401" || p.Description != "Fix the AUTH-401 error." || p.Product != "OctoAcme" {
		t.Errorf("text fields: %q %q %q", p.Title, p.Description, p.Product)
	}
	if !p.Updated.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("updated = %v", p.Updated)
	}
	if strings.Join(p.Tags, ",") != "account,security" || len(p.Related) != 2 || len(p.Prerequisites) != 1 || len(p.Errors) != 1 {
		t.Errorf("lists: tags %v related %v prereq %v errors %v", p.Tags, p.Related, p.Prerequisites, p.Errors)
	}
	if p.Params["custom_field"] != "kept" {
		t.Errorf("unknown field not kept: %v", p.Params)
	}
	if got := p.Field("related.1"); got != (Pos{Line: 9, Col: 5}) {
		t.Errorf("related.1 at %v, want 9:5", got)
	}
	if got := p.Field("updated"); got != (Pos{Line: 4, Col: 10}) {
		t.Errorf("updated at %v, want 4:10", got)
	}
	if got := p.Pos(p.Doc.Headings[0].Offset); got.Line != 15 {
		t.Errorf("heading on line %d, want 15", got.Line)
	}
}

func TestParseFormats(t *testing.T) {
	for _, tc := range []struct{ name, src, format string }{
		{"yaml", "---\ntitle: Hello there\nupdated: 2026-01-02\n---\nbody\n", "yaml"},
		{"toml", "+++\ntitle = \"Hello there\"\nupdated = 2026-01-02\n+++\nbody\n", "toml"},
		{"json", "{\n  \"title\": \"Hello there\",\n  \"updated\": \"2026-01-02\"\n}\n\nbody\n", "json"},
		{"crlf", "---\r\ntitle: Hello there\r\nupdated: 2026-01-02\r\n---\r\nbody\r\n", "yaml"},
		{"bom", "\ufeff---\ntitle: Hello there\nupdated: 2026-01-02\n---\nbody\n", "yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, errs := parse(t, "content/articles/x.md", tc.src)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if p.Format != tc.format || p.Title != "Hello there" || p.Updated.Format(DateLayout) != "2026-01-02" {
				t.Errorf("format %q title %q updated %v", p.Format, p.Title, p.Updated)
			}
			if got := strings.TrimSpace(string(p.Body())); got != "body" {
				t.Errorf("body = %q", got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"bad date", "---\ntitle: T\nupdated: \"2026-13-01\"\n---\n", `content/articles/x.md:3: updated: "2026-13-01" is not a date (want YYYY-MM-DD)`},
		{"unknown type", "---\ntype: howto\n---\n", `content/articles/x.md:2: type: unknown type "howto" (want article, faq, troubleshooting or release)`},
		{"wrong kind", "---\ntags: billing\n---\n", `content/articles/x.md:2: tags: want a list, like [billing, account], got text`},
		{"wrong kind map", "---\ntitle:\n  a: b\n---\n", `content/articles/x.md:2: title: want text, got a set of fields`},
		{"draft not bool", "---\ndraft: maybe\n---\n", `content/articles/x.md:2: draft: want true or false, got text "maybe"`},
		{"malformed yaml", "---\ntitle: [unclosed\n---\n", `content/articles/x.md:`},
		{"unclosed", "---\ntitle: T\n\nbody\n", `content/articles/x.md:1: front matter opened with "---" is never closed`},
		{"not a mapping", "---\n- a\n- b\n---\n", `content/articles/x.md:2: front matter must be a set of key: value fields`},
		{"toml error", "+++\ntitle = \n+++\n", `content/articles/x.md:2: front matter is not valid TOML`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := parse(t, "content/articles/x.md", tc.src)
			if len(errs) == 0 {
				t.Fatal("no error")
			}
			if got := errs[0].Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("error = %q, want prefix %q", got, tc.want)
			}
		})
	}
}

func TestParseOddBytes(t *testing.T) {
	for name, src := range map[string]string{
		"empty":       "",
		"only fm":     "---\n---\n",
		"invalid utf": "---\ntitle: caf\xe9 menu\n---\nbody \xff\xfe text\n",
		"nul":         "---\ntitle: a\x00b\n---\nx\x00y\n",
		"lone cr":     "---\rtitle: Hi there\r---\rbody\r",
		"bom only":    "\ufeff",
	} {
		t.Run(name, func(t *testing.T) {
			p, errs := parse(t, "content/articles/odd.md", src)
			if p == nil {
				t.Fatalf("no page; errors %v", errs)
			}
			if p.Doc == nil {
				t.Fatal("no document")
			}
			if strings.Contains(string(p.Source), "\x00") || strings.Contains(string(p.Source), "\r") {
				t.Errorf("source not normalised: %q", p.Source)
			}
		})
	}
}

func TestSlugAndURL(t *testing.T) {
	for _, tc := range []struct{ file, src, url string }{
		{"content/articles/Reset Your Password.md", "", "/articles/reset-your-password/"},
		{"content/articles/x.md", "---\nslug: Custom Slug\n---\n", "/articles/custom-slug/"},
		{"content/articles/billing/invoices.md", "", "/articles/billing/invoices/"},
		{"content/about.md", "", "/about/"},
		{"content/articles/caf\u0065\u0301.md", "", "/articles/caf\u00e9/"},
	} {
		p, errs := parse(t, tc.file, tc.src)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tc.file, errs)
		}
		if p.URL != tc.url {
			t.Errorf("%s: url %q, want %q", tc.file, p.URL, tc.url)
		}
	}
	if _, errs := parse(t, "content/articles/x.md", "---\nslug: a/b\n---\n"); len(errs) == 0 {
		t.Error("slug with a slash accepted")
	}
	if _, errs := parse(t, "content/articles/\u200b.md", ""); len(errs) == 0 {
		t.Error("empty slug accepted")
	}
}

func TestTypeFromSection(t *testing.T) {
	for file, want := range map[string]Type{
		"content/articles/a.md": Article, "content/faq/a.md": FAQ, "content/troubleshooting/a.md": Troubleshooting,
		"content/releases/a.md": Release, "content/guides/a.md": Article,
	} {
		src := ""
		if want == Release {
			src = "---\nversion: \"1.0\"\ndate: 2026-01-01\n---\n"
		}
		p, errs := parse(t, file, src)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", file, errs)
		}
		if p.Type != want {
			t.Errorf("%s: type %q, want %q", file, p.Type, want)
		}
	}
	p, _ := parse(t, "content/articles/a.md", "---\ntype: faq\n---\n")
	if p.Type != FAQ {
		t.Errorf("type field ignored: %q", p.Type)
	}
}

func TestLoadSite(t *testing.T) {
	fsys := fstest.MapFS{
		"content/articles/a.md":       {Data: []byte("---\ntitle: A page\n---\nHi\n")},
		"content/articles/A.md":       {Data: []byte("---\ntitle: Same URL by case\n---\nHi\n")},
		"content/articles/b.md":       {Data: []byte("---\ntitle: B\naliases: [/articles/c/]\n---\n")},
		"content/articles/c.md":       {Data: []byte("---\ntitle: C\n---\n")},
		"content/articles/_draft.md":  {Data: []byte("---\ntitle: [\n---\n")},
		"content/articles/.hidden.md": {Data: []byte("---\ntitle: [\n---\n")},
		"content/articles/notes.txt":  {Data: []byte("ignored")},
		"content/faq/broken.md":       {Data: []byte("---\nupdated: yesterday\n---\n")},
	}
	s := Load(fsys, Options{Markdown: conv})
	var msgs []string
	for _, e := range s.Errors {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		"content/articles/a.md:1: has the URL /articles/a/, like content/articles/A.md; rename one file or set a different slug:",
		"content/articles/b.md:3: aliases.0: alias /articles/c/ is already the URL of content/articles/c.md",
		`content/faq/broken.md:2: updated: "yesterday" is not a date (want YYYY-MM-DD)`,
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if len(s.Pages) != 5 {
		t.Errorf("%d pages loaded, want 5 (hidden, underscore and non-.md files skipped)", len(s.Pages))
	}
}

func TestLoadLimits(t *testing.T) {
	fsys := fstest.MapFS{"content/articles/big.md": {Data: []byte(strings.Repeat("word ", 1000))}}
	s := Load(fsys, Options{Markdown: conv, MaxFileBytes: 100})
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error(), "limits.max_file_bytes") {
		t.Errorf("errors = %v", s.Errors)
	}
}

func TestYAMLBomb(t *testing.T) {
	src := "---\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\nbody\n"
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, errs := parse(t, "content/articles/bomb.md", src)
		if len(errs) == 0 {
			t.Error("billion laughs accepted without error")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("YAML bomb did not finish in 10s")
	}
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"3.7.0", "3.7.1", -1}, {"3.10", "3.9.9", 1}, {"v3.7", "3.7.0", 0}, {"3.7.0-rc.1", "3.7.0", -1}, {"4", "3.99", 1},
	} {
		va, ok1 := ParseVersion(tc.a)
		vb, ok2 := ParseVersion(tc.b)
		if !ok1 || !ok2 {
			t.Fatalf("parse %q %q", tc.a, tc.b)
		}
		if got := va.Compare(vb); got != tc.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	for _, bad := range []string{"", "latest", "3..1", "3.x"} {
		if _, ok := ParseVersion(bad); ok {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("---\ntitle: T\nupdated: 2026-01-01\n---\n# Hi\n\ntext [link](/x/)\n")
	f.Add("+++\ntitle = \"T\"\n+++\nbody")
	f.Add("{\n\"title\": 1\n}\n\nbody")
	f.Add("---\nfeatures:\n  - title: x\n    docs: [/a/]\n---\n")
	f.Add("\ufeff---\r\ntitle: x\r\n---\r\n> [!NOTE]\r\n> hi\r\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, errs := Parse("content/releases/x.md", []byte(src), Options{Markdown: conv})
		for _, e := range errs {
			if e.File == "" || e.Message == "" {
				t.Fatalf("error without file or message: %#v", e)
			}
		}
		if p != nil && p.Doc != nil {
			for _, h := range p.Doc.Headings {
				if pos := p.Pos(h.Offset); pos.Line < 1 || pos.Col < 1 {
					t.Fatalf("bad position %v", pos)
				}
			}
		}
	})
}

func TestCompact(t *testing.T) {
	src := "---\ntitle: Reset your password\nrelated: [/a/]\n---\n# Reset\n\nOpen **Settings**, then select [Reset](/a/).\n"
	p, errs := Parse("content/articles/reset.md", []byte(src), Options{Markdown: markdown.New(markdown.Options{})})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	title, links, text := p.Title, len(p.Doc.Links), p.Doc.PlainText()
	p.Compact()
	if p.Source != nil || len(p.Body()) != 0 || p.Field("related.0") != (Pos{Line: 1, Col: 1}) {
		t.Errorf("Compact kept the source or positions: %q, %v", p.Body(), p.Field("related.0"))
	}
	if p.SourcePos(40) != (Pos{Line: 1, Col: 1}) || p.LineText(2) != "" {
		t.Errorf("positions after Compact: %v %q", p.SourcePos(40), p.LineText(2))
	}
	for _, b := range p.Doc.Blocks {
		if b.Spans != nil {
			t.Errorf("block %q kept its spans", b.Text)
		}
	}
	if p.Title != title || len(p.Doc.Links) != links || p.Doc.PlainText() != text || p.Doc.HTML == "" {
		t.Error("Compact dropped what rendering and search read")
	}
}

// TestControlCharactersDropped: an escape in front matter can spell a
// control character; every text field drops them (chars.Clean), in every
// front-matter format.
func TestControlCharactersDropped(t *testing.T) {
	for format, src := range map[string]string{
		"yaml": "---\ntitle: \"a\\u0007b \\x1b[31mred\\x1b[0m\"\ndescription: \"d\\x07e\\N\"\ntags: [\"t\\x07ag\"]\nprerequisites: [\"p\\x1bq\"]\n" +
			"errors: [\"E\\x00RR\"]\nversion: \"1.0\"\ndate: 2026-11-01\nfeatures:\n  - title: \"f\\x07eature\"\n    summary: \"s\\x7fum\"\n---\nBody.\n",
		"toml": "+++\ntitle = \"a\\u0007b \\u001b[31mred\\u001b[0m\"\ndescription = \"d\\u0007e\\u0085\"\ntags = [\"t\\u0007ag\"]\nprerequisites = [\"p\\u001bq\"]\n" +
			"errors = [\"E\\u0000RR\"]\nversion = \"1.0\"\ndate = 2026-11-01\n[[features]]\ntitle = \"f\\u0007eature\"\nsummary = \"s\\u007fum\"\n+++\nBody.\n",
		"json": "{\n\"title\": \"a\\u0007b \\u001b[31mred\\u001b[0m\", \"description\": \"d\\u0007e\\u0085\", \"tags\": [\"t\\u0007ag\"], \"prerequisites\": [\"p\\u001bq\"], " +
			"\"errors\": [\"E\\u0000RR\"], \"version\": \"1.0\", \"date\": \"2026-11-01\", \"features\": [{\"title\": \"f\\u0007eature\", \"summary\": \"s\\u007fum\"}]\n}\n\nBody.\n",
	} {
		p, errs := parse(t, "content/releases/x.md", src)
		if len(errs) > 0 || p == nil {
			t.Fatalf("%s: %v", format, errs)
		}
		got := []string{p.Title, p.Description, strings.Join(p.Tags, ","), strings.Join(p.Prerequisites, ","), strings.Join(p.Errors, ",")}
		if p.Release != nil && len(p.Release.Features) == 1 {
			got = append(got, p.Release.Features[0].Title, p.Release.Features[0].Summary)
		}
		want := []string{"ab [31mred[0m", "de", "tag", "pq", "ERR", "feature", "sum"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", format, got, want)
		}
	}
}

// TestDuplicateKeys: a key set twice is one error at the second, naming
// both lines; the last value counts, and the rest of the front matter is
// read as usual.
func TestDuplicateKeys(t *testing.T) {
	for _, src := range []string{
		"---\ntitle: First title\nupdated: 2026-01-02\ntitle: Second title\ncustom: {a: 1, b: 2, a: 3}\n---\nBody.\n",
		"---\ntitle: First title\nupdated: 2026-01-02\ntitle: Second title\ncustom:\n  a: 1\n  b: 2\n  a: 3\n---\nBody.\n",
	} {
		p, errs := parse(t, "content/articles/x.md", src)
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		want := []string{"content/articles/x.md:4: title: set twice, on lines 2 and 4; kb uses the one on line 4, so delete the other"}
		if strings.HasPrefix(src[strings.Index(src, "custom:"):], "custom: {") {
			want = append(want, "content/articles/x.md:5: custom.a: set twice on line 5; kb uses the last, so delete the other")
		} else {
			want = append(want, "content/articles/x.md:8: custom.a: set twice, on lines 6 and 8; kb uses the one on line 8, so delete the other")
		}
		if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
			t.Errorf("errors:\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
		}
		if p == nil || p.Title != "Second title" || p.Updated.IsZero() || p.Params["title"] != "Second title" {
			t.Fatalf("page %+v", p)
		}
		if c, ok := p.Params["custom"].(map[string]any); !ok || c["a"] != 3 || c["b"] != 2 {
			t.Errorf("custom = %#v", p.Params["custom"])
		}
	}
}
