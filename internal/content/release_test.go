package content

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
)

func parseRelease(t *testing.T, file, src string) (*Page, []*diag.Diagnostic) {
	t.Helper()
	return Parse(file, []byte(src), Options{Markdown: markdown.New(markdown.Options{})})
}

func TestParseRelease(t *testing.T) {
	src := `---
title: "OctoAcme 3.7: Guest access"
product: OctoAcme
version: "3.7.0"
date: 2026-11-17
features:
  - title: Guest access
    summary: Share a folder with guests.
    docs: [/articles/share/, /faq/files/#guests]
fixes:
  - title: Renaming a workspace disconnected Slack
    ticket: OCTO-4809
  - title: No ticket here
known_issues:
  - title: Sync may pause
    workaround: Quit and reopen.
    fix_expected: "3.7.1"
    docs: [/troubleshooting/sync/]
---
Body.
`
	p, errs := parseRelease(t, "content/releases/3-7-0.md", src)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if p.Type != Release || p.URL != "/releases/3-7-0/" {
		t.Fatalf("type %q URL %q, want release at /releases/3-7-0/", p.Type, p.URL)
	}
	want := &ReleaseInfo{
		Version: "3.7.0",
		Date:    time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC),
		Features: []Feature{{Title: "Guest access", Summary: "Share a folder with guests.",
			Docs: []string{"/articles/share/", "/faq/files/#guests"}, Pos: Pos{Line: 7, Col: 5}}},
		Fixes: []Fix{
			{Title: "Renaming a workspace disconnected Slack", Ticket: "OCTO-4809", Pos: Pos{Line: 11, Col: 5}},
			{Title: "No ticket here", Pos: Pos{Line: 13, Col: 5}},
		},
		KnownIssues: []KnownIssue{{Title: "Sync may pause", Workaround: "Quit and reopen.", FixExpected: "3.7.1",
			Docs: []string{"/troubleshooting/sync/"}, Pos: Pos{Line: 15, Col: 5}}},
	}
	if diff := cmp.Diff(want, p.Release); diff != "" {
		t.Errorf("Release (-want +got):\n%s", diff)
	}
	if !p.Date().Equal(want.Date) {
		t.Errorf("Date() = %v, want the release date %v", p.Date(), want.Date)
	}
}

// TestReleaseBadInput checks every "bad input" of a release announcement:
// each stops the build with an error at the file and line of the problem.
func TestReleaseBadInput(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line: message fragment"
	}{
		{"no version", "---\ntitle: x\ndate: 2026-01-02\n---\n",
			[]string{"1: version: a release announcement needs a version"}},
		{"no date", "---\ntitle: x\nversion: 1.0.0\n---\n",
			[]string{"1: date: a release announcement needs a release date"}},
		{"no front matter", "Just a body.\n",
			[]string{"1: version: a release announcement needs a version", "1: date: a release announcement needs a release date"}},
		{"empty version and date", "---\ntitle: x\nversion:\ndate:\n---\n",
			[]string{"3: version: a release announcement needs a version", "4: date: a release announcement needs a release date"}},
		{"blank version", "---\ntitle: x\nversion: \"  \"\ndate: \"\"\n---\n",
			[]string{"3: version: a release announcement needs a version", `4: date: "" is not a date`}},
		{"version not a version", "---\nversion: three\ndate: 2026-01-02\n---\n",
			[]string{`2: version: "three" is not a version`}},
		{"version a list", "---\nversion: [1, 2]\ndate: 2026-01-02\n---\n",
			[]string{"2: version: want text, got a list"}},
		{"slashed date", "---\nversion: 1.0.0\ndate: 2026/01/02\n---\n",
			[]string{`3: date: "2026/01/02" is not a date (want YYYY-MM-DD)`}},
		{"month out of range", "---\nversion: 1.0.0\ndate: 2026-13-02\n---\n",
			[]string{`3: date: "2026-13-02" is not a date (want YYYY-MM-DD)`}},
		{"words", "---\nversion: 1.0.0\ndate: 17 November 2026\n---\n",
			[]string{`3: date: "17 November 2026" is not a date (want YYYY-MM-DD)`}},
		{"timestamp", "---\nversion: 1.0.0\ndate: 2026-11-17T10:00:00Z\n---\n",
			[]string{`3: date: "2026-11-17T10:00:00Z" is not a date (want YYYY-MM-DD)`}},
		{"date a map", "---\nversion: 1.0.0\ndate: {y: 2026}\n---\n",
			[]string{"3: date: want a date (YYYY-MM-DD), got a set of fields"}},
		{"fix_expected not a version", "---\nversion: 1.0.0\ndate: 2026-01-02\nknown_issues:\n  - title: Broken\n    fix_expected: soon\n---\n",
			[]string{`6: known_issues.0.fix_expected: "soon" is not a version`}},
		{"fix_expected next week", "---\nversion: 1.0.0\ndate: 2026-01-02\nknown_issues:\n  - title: Broken\n    fix_expected: next release\n---\n",
			[]string{`6: known_issues.0.fix_expected: "next release" is not a version`}},
		{"unknown feature field", "---\nversion: 1.0.0\ndate: 2026-01-02\nfeatures:\n  - title: New\n    link: /x/\n---\n",
			[]string{`6: features.0.link: unknown field "link"`}},
		{"features not a list", "---\nversion: 1.0.0\ndate: 2026-01-02\nfeatures: lots\n---\n",
			[]string{"4: features: want a list of entries"}},
		{"toml bad date", "+++\nversion = \"1.0.0\"\ndate = \"01/02/2026\"\n+++\n",
			[]string{`3: date: "01/02/2026" is not a date`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseRelease(t, "content/releases/x.md", tt.src)
			diag.List(errs).Sort()
			var got []string
			for _, e := range errs {
				if e.File != "content/releases/x.md" {
					t.Errorf("error names %q, want the file", e.File)
				}
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], "content/releases/x.md:"+w) {
					t.Errorf("error %d = %q, want it to start with %q", i, got[i], "content/releases/x.md:"+w)
				}
			}
		})
	}
}

func TestReleaseGoodDates(t *testing.T) {
	for _, src := range []string{
		"---\nversion: 1.0.0\ndate: 2026-01-02\n---\n",
		"---\nversion: 1.0.0\ndate: \"2026-01-02\"\n---\n",
		"+++\nversion = \"1.0.0\"\ndate = 2026-01-02\n+++\n",
		"{\n\"version\": \"1.0.0\", \"date\": \"2026-01-02\"\n}\n\nBody.\n",
	} {
		p, errs := parseRelease(t, "content/releases/x.md", src)
		if len(errs) > 0 {
			t.Errorf("%q: %v", src, errs)
			continue
		}
		if want := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC); !p.Release.Date.Equal(want) {
			t.Errorf("%q: date %v, want %v", src, p.Release.Date, want)
		}
	}
}

func TestReleaseTypeOutsideReleases(t *testing.T) {
	p, errs := parseRelease(t, "content/news/x.md", "---\ntype: release\ntitle: x\n---\n")
	if p == nil || p.Type != Release {
		t.Fatalf("type: release in another section: got %+v", p)
	}
	if len(errs) != 2 {
		t.Errorf("want the missing version and date reported, got %v", errs)
	}
	// An article is not held to the release rules.
	if _, errs := parseRelease(t, "content/articles/x.md", "---\ntitle: x\n---\n"); len(errs) > 0 {
		t.Errorf("article: %v", errs)
	}
}

func TestDuplicateReleaseVersions(t *testing.T) {
	rel := func(product, version string) *fstest.MapFile {
		fm := "---\ntitle: r\nversion: \"" + version + "\"\ndate: 2026-01-02\n"
		if product != "" {
			fm += "product: " + product + "\n"
		}
		return &fstest.MapFile{Data: []byte(fm + "---\nBody.\n")}
	}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{"same product, same version", fstest.MapFS{
			"content/releases/a.md": rel("Octo", "3.7.0"),
			"content/releases/b.md": rel("Octo", "3.7.0"),
		}, []string{"content/releases/b.md:3: version: 3.7.0 of Octo is also announced in content/releases/a.md"}},
		{"same version spelled differently", fstest.MapFS{
			"content/releases/a.md": rel("Octo", "3.7"),
			"content/releases/b.md": rel("Octo", "v3.7.0"),
		}, []string{"content/releases/b.md:3: version: v3.7.0 of Octo is also announced in content/releases/a.md"}},
		{"no product", fstest.MapFS{
			"content/releases/a.md": rel("", "1.0"),
			"content/releases/b.md": rel("", "1.0"),
		}, []string{"content/releases/b.md:3: version: 1.0 of the site is also announced in content/releases/a.md"}},
		{"different products", fstest.MapFS{
			"content/releases/a.md": rel("Octo", "3.7.0"),
			"content/releases/b.md": rel("Octo Mobile", "3.7.0"),
		}, nil},
		{"pre-release and release", fstest.MapFS{
			"content/releases/a.md": rel("Octo", "3.7.0-rc.1"),
			"content/releases/b.md": rel("Octo", "3.7.0"),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Load(tt.files, Options{Markdown: markdown.New(markdown.Options{})})
			var got []string
			for _, e := range s.Errors {
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("errors:\n%s\nwant %d", strings.Join(got, "\n"), len(tt.want))
			}
			for i := range tt.want {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("got %q, want %q…", got[i], tt.want[i])
				}
			}
		})
	}
}

func TestVersionCompare(t *testing.T) {
	ordered := []string{"1", "1.0.1", "1.2", "1.10.0-alpha", "1.10.0-beta", "1.10.0", "v1.10.1", "2.0.0.1", "10"}
	for i, a := range ordered {
		va, ok := ParseVersion(a)
		if !ok {
			t.Fatalf("ParseVersion(%q) failed", a)
		}
		for j, b := range ordered {
			vb, _ := ParseVersion(b)
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := va.Compare(vb); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	for _, s := range []string{"", "soon", "3.x", "1.2.3.4.5", "-1", "1..2", "99999999999999999999"} {
		if _, ok := ParseVersion(s); ok {
			t.Errorf("ParseVersion(%q) accepted a non-version", s)
		}
	}
	a, _ := ParseVersion("3.7")
	b, _ := ParseVersion("3.7.0+build.5")
	if a.Compare(b) != 0 {
		t.Errorf("3.7 and 3.7.0+build.5 should be equal")
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"3.7.0", "v1.2.3-rc.1+b", "1", "", "9999999999.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseVersion(s)
		if !ok {
			return
		}
		if v.Compare(v) != 0 {
			t.Errorf("%q does not equal itself", s)
		}
	})
}

func TestUnquotedVersion(t *testing.T) {
	// YAML and JSON keep the text as written.
	for _, src := range []string{"---\nversion: 3.10\ndate: 2026-01-02\n---\n", "{\n\"version\": 3.10, \"date\": \"2026-01-02\"\n}\n\nx\n"} {
		p, errs := parseRelease(t, "content/releases/x.md", src)
		if len(errs) > 0 || p.Release.Version != "3.10" {
			t.Errorf("%q: version read as %q (%v), want the text as written", src, p.Release.Version, errs)
		}
	}
	// TOML decodes a number, losing the trailing zero: an error, not 3.1.
	_, errs := parseRelease(t, "content/releases/x.md", "+++\nversion = 3.10\ndate = 2026-01-02\n[[known_issues]]\ntitle = \"k\"\nfix_expected = 3.20\n+++\n")
	diag.List(errs).Sort()
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), `x.md:2: version: write the version as text`) ||
		!strings.Contains(errs[1].Error(), `known_issues.0.fix_expected: write the version as text`) {
		t.Errorf("TOML numeric versions: %v", errs)
	}
	if _, errs := parseRelease(t, "content/releases/x.md", "+++\nversion = 3\ndate = 2026-01-02\n+++\n"); len(errs) > 0 {
		t.Errorf("version = 3: %v", errs)
	}
}
