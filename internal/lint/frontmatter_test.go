package lint

import (
	"slices"
	"strings"
	"testing"
)

// TestFrontMatterNearMiss: a key that is a near miss of one kb reads is a
// front-matter warning with the key kb reads; other unknown keys are
// templates' (.Page.Params) and pass.
func TestFrontMatterNearMiss(t *testing.T) {
	res := lintFiles(t, map[string]string{
		"content/articles/x.md": "---\ntitle: A page for the test\nupdated: 2026-11-01\ntagz: [billing]\nTitel: Twice\nprerequisites: [An account]\nrelated: [/articles/reset-your-password/]\nhero_image: /images/shot.png\nweight: 3\n---\nText.\n",
	}, Options{})
	var got []string
	for _, f := range res.Findings {
		if f.File == "content/articles/x.md" && f.Rule == RuleFrontMatter {
			got = append(got, short(f)+" "+f.Message)
		}
	}
	want := []string{
		`content/articles/x.md:4:1: warning: front-matter "tagz" is not a key kb reads; did you mean "tags"? (kb keeps other keys for templates, as .Page.Params)`,
		`content/articles/x.md:5:8: warning: front-matter "Titel" is not a key kb reads; did you mean "title"? (kb keeps other keys for templates, as .Page.Params)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNoFrontMatter: a Markdown file without front matter gets one
// finding that says so, not one per missing field; body rules still run.
func TestNoFrontMatter(t *testing.T) {
	res := lintFiles(t, map[string]string{
		"content/articles/plain.md": "# Reset your password\n\nOpen the settings and choose [Reset](/articles/nope/).\n",
	}, Options{})
	var got []string
	for _, f := range res.Findings {
		if f.File == "content/articles/plain.md" {
			got = append(got, short(f))
		}
	}
	want := []string{"content/articles/plain.md:1:1: error: front-matter", "content/articles/plain.md:3:38: error: broken-link"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for _, f := range res.Findings {
		if f.Rule == RuleFrontMatter && !strings.Contains(f.Message, "the file has no front matter") {
			t.Errorf("message %q", f.Message)
		}
	}
	// A site that wants none of the fields front matter gives wants no front matter.
	res = lintFiles(t, map[string]string{
		"content/articles/plain.md": "# Reset your password\n\nOpen the settings.\n",
		"site.yaml":                 "lint:\n  rules: {title: off, last-updated: off, related-links: off, orphan: off}\n",
	}, Options{})
	for _, f := range res.Findings {
		if f.File == "content/articles/plain.md" {
			t.Errorf("with the field rules off: %v", f)
		}
	}
}
