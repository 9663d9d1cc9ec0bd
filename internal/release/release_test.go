package release_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/release"

	"github.com/google/go-cmp/cmp"
	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/site"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func sample(t *testing.T) ([]*content.Page, *model.Site) {
	t.Helper()
	l, err := site.Load("../..", kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Content.Errors) > 0 {
		t.Fatal(l.Content.Errors)
	}
	return l.Content.Pages, model.Publish(l.Config, l.Content.Pages, model.Rules{})
}

// TestGoldenMessages renders the newest sample release's briefing and
// announcement in every format and compares them with testdata. Run with
// -update after a deliberate change and read the result as a liaison would.
func TestGoldenMessages(t *testing.T) {
	pages, s := sample(t)
	r, err := release.Find(pages, "3.7.0", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"brief", "announce"} {
		build := release.Brief
		if kind == "announce" {
			build = release.Announce
		}
		m, problems := build(s, r)
		if len(problems) > 0 {
			t.Fatalf("%s: problems with the sample release: %v", kind, problems)
		}
		for _, format := range release.Formats {
			var buf bytes.Buffer
			if err := m.Write(&buf, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", kind+"-3.7.0."+map[string]string{"markdown": "md", "text": "txt", "html": "html"}[format])
			if *update {
				os.WriteFile(golden, buf.Bytes(), 0o644)
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), buf.String()); d != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", golden, d)
			}
			if format == "html" {
				for _, bad := range []string{"<script", "<link", "<img", "src=", "class="} {
					if strings.Contains(buf.String(), bad) {
						t.Errorf("%s: HTML email body contains %q; it must be self-contained with inline styles", golden, bad)
					}
				}
			}
		}
	}
}

func TestProblemsNameFileAndLine(t *testing.T) {
	_, s := sample(t)
	src := "---\ntitle: Broken release\nversion: \"9.0\"\ndate: 2026-11-01\nfeatures:\n  - title: No summary here\n    docs: [/articles/nope/]\nknown_issues:\n  - title: No workaround\n---\nBody\n"
	p, errs := content.Parse("content/releases/9-0.md", []byte(src), content.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, problems := release.Brief(s, p)
	var got []string
	for _, pr := range problems {
		got = append(got, pr.String())
	}
	want := []string{
		"content/releases/9-0.md:6: features[0] (No summary here) has no summary: add summary: with the benefit to customers",
		"content/releases/9-0.md:7: features[0].docs: /articles/nope/ is not a page of the site",
		"content/releases/9-0.md:9: known_issues[0] (No workaround) has no workaround: add workaround: with what customers can do meanwhile",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
	_, problems = release.Announce(s, p)
	if len(problems) == 0 || !strings.Contains(problems[0].String(), "has no description") {
		t.Errorf("announce problems = %v", problems)
	}
}

func TestFind(t *testing.T) {
	mk := func(file, product, version string, draft bool) *content.Page {
		return &content.Page{File: file, Type: content.Release, Product: product, Draft: draft, Release: &content.ReleaseInfo{Version: version}}
	}
	pages := []*content.Page{
		mk("a.md", "Cloud", "1.0", false), mk("b.md", "Desktop", "1.0", false), mk("c.md", "Cloud", "2.0", true),
	}
	for _, tc := range []struct{ version, product, want string }{
		{"1.0", "", "version 1.0 exists for several products"},
		{"3.0", "", "no release announcement for 3.0 (known versions: 1.0, 1.0, 2.0)"},
		{"2.0", "", "c.md is still marked draft: true"},
		{"latest", "", `"latest" is not a version`},
	} {
		_, err := release.Find(pages, tc.version, tc.product)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Find(%s, %q) = %v, want %q", tc.version, tc.product, err, tc.want)
		}
	}
	if r, err := release.Find(pages, "1.0.0", "desktop"); err != nil || r.File != "b.md" {
		t.Errorf("Find with product = %v, %v", r, err)
	}
}

// TestProblemsInSiteYAML: a support contact missing from site.yaml is
// reported at site.yaml's line of the key when there is one, and as
// site.yaml alone when the key is not there (never "site.yaml:0:").
func TestProblemsInSiteYAML(t *testing.T) {
	pages, _ := sample(t)
	r, err := release.Find(pages, "3.7.0", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"title: Help\n", "site.yaml: support.channels is not set"},
		{"title: Help\nsupport:\n  email: help@example.com\n", "site.yaml:2: support.channels is not set"},
	} {
		cfg, err := config.Parse("site.yaml", []byte(tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		_, problems := release.Brief(model.Publish(cfg, pages, model.Rules{}), r)
		if len(problems) == 0 || !strings.HasPrefix(problems[0].String(), tc.want) {
			t.Errorf("%q: problems %v, want the first to start with %q", tc.yaml, problems, tc.want)
		}
	}
}
