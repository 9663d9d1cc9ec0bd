package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/diag"
)

// TestParseHostile: site.yaml files meant to exhaust kb fail with a line
// (or parse), in bounded time and memory.
func TestParseHostile(t *testing.T) {
	laughs := "params:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	for c := 'b'; c <= 'j'; c++ {
		laughs += "  " + string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+string(c-1)+",", 10), ",") + "]\n"
	}
	for _, tc := range []struct {
		name, src, err string
	}{
		{"billion laughs", laughs, "site.yaml: document contains excessive aliasing"},
		{"nested 5,000 deep with long keys", "params: " + strings.Repeat("{"+strings.Repeat("k", 100)+": ", 5000) + "1" + strings.Repeat("}", 5000) + "\n", ""},
		{"nested 20,000 deep", "params: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "site.yaml: exceeded max depth of 10000"},
		{"unknown key deep down", "lint:\n  rules:\n    nope: error\n", ""},
		{"tab indentation", "lint:\n\tmax_grade: 3\n", "site.yaml:2: found character that cannot start any token"},
		{"BOM and NUL", "\ufefftitle: T\ndescription: \"a\x00b\"\n", "site.yaml:2: control characters are not allowed"},
		{"Latin-1", "title: T\ndescription: caf\xe9\n", "site.yaml:2: "},
		{"not a mapping", "- a\n- b\n", "site.yaml:1: site.yaml must be a mapping of keys to values"},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Parse("site.yaml", []byte(tc.src))
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
			t.Errorf("%s: %d bytes allocated %d MB", tc.name, len(tc.src), alloc>>20)
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if tc.err == "" && err != nil || !strings.HasPrefix(got, tc.err) {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.err)
		}
	}
}

// FuzzParse reads arbitrary bytes as site.yaml: a valid Config, or errors
// that each name site.yaml and a line of it.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"../../site.yaml", "../site/testdata/golden/site/site.yaml", "../site/testdata/hostile/site/site.yaml"} {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(string(data))
		}
	}
	for _, s := range []string{
		"", "title: x\n", "base_url: ftp://\n", "feeds: {limit: 0}\n", "lint: {jargon: {utilize: use}}\n", "lint: {jargon: [a, {b: c}]}\n",
		"search: {synonyms: [[a, b], \"c => d, e\", \"=>\"]}\n", "sections: {Bad Name: {}}\n", "limits: {max_file_bytes: -1}\n", "limits: {template_timeout: 10}\n", "limits: {template_timeout: 1h}\n",
		"params: {a: &x [1, 2], b: *x}\n", "titel: typo\n", "---\na: 1\n---\nb: 2\n", "lint: {rules: {jargon: loud}}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		// YAML reads CR, LF and CRLF as line ends.
		lines := strings.Count(strings.ReplaceAll(src, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(src, "\r\n", ""), "\r") + 1
		c, err := Parse("site.yaml", []byte(src))
		if err == nil {
			if c == nil || c.Feeds.Limit <= 0 || c.Limits.MaxFileBytes <= 0 || c.Limits.TemplateTimeout <= 0 || c.Lint.MaxGrade <= 0 || c.Search.Index == "" {
				t.Fatalf("invalid config accepted: %+v", c)
			}
			return
		}
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			var ce *diag.Diagnostic
			if !errors.As(e, &ce) || ce.File != "site.yaml" || ce.Line < 0 || ce.Line > lines || ce.Message == "" {
				t.Fatalf("error %#v for %q", e, src)
			}
		}
	})
}

// TestTextsDropControls: an escape can spell a control character in
// site.yaml's texts; they are dropped (chars.Clean) as from front matter.
func TestTextsDropControls(t *testing.T) {
	c, err := Parse("site.yaml", []byte("title: \"S\\x07ite \\e[31mred\"\ndescription: \"d\\u0007e\"\ncopyright: \"\\N(c)\"\n"+
		"sections:\n  faq: {title: \"F\\x07AQ\", description: \"q\\x1b\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{c.Title, c.Description, c.Copyright, c.Sections["faq"].Title, c.Sections["faq"].Description}
	if want := []string{"Site [31mred", "de", "(c)", "FAQ", "q"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTemplateTimeout: limits.template_timeout is a duration with its
// unit, 10s unless set; anything else is refused at its line.
func TestTemplateTimeout(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want time.Duration
		err  string
	}{
		{"title: x\n", 10 * time.Second, ""},
		{"limits:\n  template_timeout: 2m30s\n", 150 * time.Second, ""},
		{"limits:\n  template_timeout: 500ms\n", 500 * time.Millisecond, ""},
		{"limits:\n  template_timeout: 10\n", 0, `site.yaml:2: want a duration with its unit, like 10s or 2m, got "10"`},
		{"limits:\n  template_timeout: soon\n", 0, `site.yaml:2: want a duration with its unit, like 10s or 2m, got "soon"`},
		{"limits:\n  template_timeout: [1s]\n", 0, `site.yaml:2: want a duration with its unit`},
		{"limits:\n  template_timeout: -1s\n", 0, "site.yaml:2: limits.template_timeout: must be a positive duration, like 10s"},
		{"limits:\n  template_timeout: 0s\n", 0, "site.yaml:2: limits.template_timeout: must be a positive duration, like 10s"},
		{"limits:\n  template_timeout:\n", 10 * time.Second, ""}, // empty: the default, as for every key
	} {
		c, err := Parse("site.yaml", []byte(tc.src))
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %s", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got := time.Duration(c.Limits.TemplateTimeout); got != tc.want {
			t.Errorf("%q: template_timeout %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestMarkdownKeys: markdown.html, its older spelling markdown.unsafe, and
// markdown.embeds, with errors at their lines.
func TestMarkdownKeys(t *testing.T) {
	for _, tc := range []struct {
		src, html, embeds, err string
	}{
		{"", "sanitize", "", ""},
		{"markdown:\n  html: escape\n", "escape", "", ""},
		{"markdown:\n  unsafe: true\n", "unsafe", "", ""},
		{"markdown:\n  unsafe: true\n  html: unsafe\n", "unsafe", "", ""},
		{"markdown:\n  unsafe: false\n", "sanitize", "", ""},
		{"markdown:\n  embeds: [www.YouTube-nocookie.com, player.vimeo.com]\n", "sanitize", "www.youtube-nocookie.com player.vimeo.com", ""},
		{"markdown:\n  html: loose\n", "", "", `site.yaml:2: markdown.html: unknown value "loose" (want sanitize, escape or unsafe)`},
		{"markdown:\n  html: escape\n  unsafe: true\n", "", "", "site.yaml:3: markdown.unsafe: true contradicts markdown.html: escape"},
		{"title: x\nmarkdown:\n  embeds:\n    - https://www.youtube.com/embed/\n", "", "", `site.yaml:3: markdown.embeds: "https://www.youtube.com/embed/" is not a host name; write www.youtube.com`},
		{"markdown:\n  embeds: [localhost]\n", "", "", `site.yaml:2: markdown.embeds: "localhost" is not a host name (want a host like www.youtube-nocookie.com)`},
		{"markdown:\n  sanitize: true\n", "", "", `site.yaml:2: unknown key "markdown.sanitize"`},
	} {
		c, err := Parse("site.yaml", []byte(tc.src))
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if c.Markdown.HTML != tc.html || strings.Join(c.Markdown.Embeds, " ") != tc.embeds {
			t.Errorf("%q: html %q embeds %q, want %q %q", tc.src, c.Markdown.HTML, c.Markdown.Embeds, tc.html, tc.embeds)
		}
	}
	if Default().Markdown.HTML != "sanitize" {
		t.Error("the default is not sanitize")
	}
}

// TestLintKeys: the settings of the rules that fit existing documentation.
func TestLintKeys(t *testing.T) {
	c, err := Parse("site.yaml", []byte("lint:\n  baseline: lint-baseline.json\n  related_links: {body_links: 2}\n"+
		"  prerequisites:\n    when: always\n    headings: [What you need]\n  troubleshooting:\n    headings: [If it fails]\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lint
	if l.Baseline != "lint-baseline.json" || l.RelatedLinks.BodyLinks != 2 || l.Prerequisites.When != "always" ||
		strings.Join(l.Prerequisites.Headings, ",") != "What you need" || strings.Join(l.Troubleshooting.Headings, ",") != "If it fails" {
		t.Errorf("lint = %+v", l)
	}
	d := Default().Lint
	if d.RelatedLinks.BodyLinks != 1 || d.Prerequisites.When != "steps" || len(d.Prerequisites.Headings) != 4 || len(d.Troubleshooting.Headings) != 4 {
		t.Errorf("defaults = %+v", d)
	}
	for src, want := range map[string]string{
		"lint:\n  related_links: {body_links: -1}\n":           "site.yaml:2: lint.related_links.body_links: must not be negative",
		"lint:\n  prerequisites:\n    when: sometimes\n":       `site.yaml:3: lint.prerequisites.when: unknown value "sometimes" (want steps or always)`,
		"lint:\n  troubleshooting:\n    when: often\n":         `site.yaml:3: lint.troubleshooting.when: unknown value "often" (want steps or always)`,
		"lint:\n  troubleshooting:\n    headings: [a, \"\"]\n": "site.yaml:3: lint.troubleshooting.headings: entry 2 is empty",
		"lint:\n  baseline: \"\"\n":                            "site.yaml:2: lint.baseline: must not be empty",
		"lint:\n  related_links: {count: 1}\n":                 `site.yaml:2: unknown key "lint.related_links.count"`,
	} {
		if _, err := Parse("site.yaml", []byte(src)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

// TestSitePaths: search.index and search.log are in the site folder unless
// absolute, and default when site.yaml leaves them empty.
func TestSitePaths(t *testing.T) {
	c, err := Parse("site.yaml", []byte("search:\n  index: idx\n  log: /var/log/kb.jsonl\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.IndexPath("site"); got != filepath.Join("site", "idx") {
		t.Errorf("IndexPath = %q", got)
	}
	if got := c.SearchLogPath("site"); got != "/var/log/kb.jsonl" {
		t.Errorf("SearchLogPath = %q", got)
	}
	c.Search.Index, c.Search.Log = "", ""
	if c.IndexPath("site") != filepath.Join("site", ".kb", "search.bleve") || c.SearchLogPath("site") != filepath.Join("site", ".kb", "search-log.jsonl") {
		t.Errorf("defaults: %q %q", c.IndexPath("site"), c.SearchLogPath("site"))
	}
}

// TestTimezone: timezone names an IANA zone, in which the site's dates are
// read; without it the site is in UTC; a zone kb does not know (or
// "Local", the machine's) is an error at its line.
func TestTimezone(t *testing.T) {
	c, err := Parse("site.yaml", []byte("title: T\ntimezone: Europe/Paris\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Location().String(); got != "Europe/Paris" {
		t.Errorf("Location() = %s, want Europe/Paris", got)
	}
	if got := Default().Location(); got != time.UTC {
		t.Errorf("default Location() = %s, want UTC", got)
	}
	for _, bad := range []string{"Europe/Pari", "Local", "+01:00"} {
		_, err := Parse("site.yaml", []byte("title: T\ntimezone: "+bad+"\n"))
		want := `site.yaml:2: timezone: "` + bad + `" is not a time zone kb knows`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("timezone %s: error %v, want %s…", bad, err, want)
		}
	}
}

// TestSectionTitle: site.yaml's title, else the standard sections' own
// titles, else the folder name.
func TestSectionTitle(t *testing.T) {
	c, err := Parse("site.yaml", []byte("sections:\n  faq: {title: Questions}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"articles": "How-to guides", "faq": "Questions", "troubleshooting": "Troubleshooting",
		"releases": "Release notes", "getting-started": "Getting started", "": "",
	} {
		if got := c.SectionTitle(name); got != want {
			t.Errorf("SectionTitle(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestBuiltinSynonymsKey(t *testing.T) {
	for src, want := range map[string]string{"search: {builtin_synonyms: false}\n": "false", "search: {builtin_synonyms: true}\n": "true", "search: {}\n": "unset"} {
		c, err := Parse("site.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		got := "unset"
		if b := c.Search.BuiltinSynonyms; b != nil {
			got = map[bool]string{true: "true", false: "false"}[*b]
		}
		if got != want {
			t.Errorf("%q: builtin_synonyms %s, want %s", src, got, want)
		}
	}
}
