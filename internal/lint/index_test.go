package lint

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// titleLine is the title in a page's front matter.
var titleLine = regexp.MustCompile(`(?m)^title: .*$`)

// TestIndexReplace edits page bodies of the sample site the way a writer
// does in kb serve — links broken, links added, prose made long, a title
// made another page's, headings renamed — and checks that an Index kept
// between edits, given the new version with Replace and asked to report
// the page and those sharing its titles or linking to it, ends with the
// findings a fresh Check of the whole edited site gives: the pages the
// edit made orphans, or stopped being orphans, are checked too.
func TestIndexReplace(t *testing.T) {
	root := os.DirFS("../..")
	data, err := fs.ReadFile(root, "site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("site.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	static, _ := fs.Sub(root, "static")
	mdOpts := content.Options{Markdown: markdown.New(markdown.Options{})}
	loaded := content.Load(root, mdOpts)
	if len(loaded.Errors) > 0 {
		t.Fatal(loaded.Errors)
	}
	pages := slices.Clone(loaded.Pages)
	src := map[string]string{}
	for _, p := range pages {
		b, err := fs.ReadFile(root, p.File)
		if err != nil {
			t.Fatal(err)
		}
		src[p.File] = string(b)
	}
	opts := Options{Today: today, PublishedOnly: true}
	site := func() *Input { return &Input{Config: cfg, Pages: slices.Clone(pages), Static: static} }
	byFile := func(fs []Finding) map[string][]string {
		m := map[string][]string{}
		for _, f := range fs {
			m[f.File] = append(m[f.File], f.String())
		}
		return m
	}
	x := NewIndex(site(), opts)
	res, err := x.Check(opts)
	if err != nil {
		t.Fatal(err)
	}
	have := byFile(res.Findings)

	rng := rand.New(rand.NewPCG(3, 4))
	orphaned, duplicated := 0, 0
	for round := range 60 {
		i := rng.IntN(len(pages))
		p := pages[i]
		s := src[p.File]
		switch round % 6 {
		case 0: // every link of the body broken: its targets may become orphans
			s = strings.ReplaceAll(s, "](/", "](/gone-")
		case 1: // links to two other pages added
			s += fmt.Sprintf("\n\nSee [one](%s) and [two](%s).\n", pages[rng.IntN(len(pages))].URL, pages[rng.IntN(len(pages))].URL)
		case 2: // back as it was
		case 3: // long prose, jargon
			s += "\n\n" + strings.Repeat("Utilize the leverage of the synergy. ", 400) + "\n"
		case 4: // the title of another page: a duplicate title
			other := pages[rng.IntN(len(pages))]
			s = titleLine.ReplaceAllLiteralString(s, "title: "+strconv.Quote(other.Title))
		case 5: // headings renamed: links to their anchors break
			s = strings.ReplaceAll(s, "\n## ", "\n## Renamed ")
		}
		q, errs := content.Parse(p.File, []byte(s), mdOpts)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		pages[i] = q
		if !x.Replace(q) {
			t.Fatalf("Replace(%s) found no page", q.File)
		}
		// What the caller reports besides the page: the pages sharing its
		// old or new title, and those linking to it (to its headings).
		report := map[string]bool{q.File: true}
		for _, o := range pages {
			if TitleKey(o) == TitleKey(p) || TitleKey(o) == TitleKey(q) {
				report[o.File] = true
			}
			for _, l := range model.Links(o) {
				if path, _ := model.SplitLink(l); path == q.URL {
					report[o.File] = true
				}
			}
		}
		o := opts
		o.Report = func(f string) bool { return report[f] }
		res, err := x.Check(o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(res.Checked, q.File) {
			t.Fatalf("Checked %q lacks the reported %s", res.Checked, q.File)
		}
		got := byFile(res.Findings)
		for _, f := range res.Checked {
			have[f] = got[f]
		}
		full, err := Check(site(), opts)
		if err != nil {
			t.Fatal(err)
		}
		want := byFile(full.Findings)
		for _, f := range full.Findings {
			switch {
			case f.Rule == RuleOrphan:
				orphaned++
			case f.Rule == RuleTitle && strings.Contains(f.Message, "is also the title of"):
				duplicated++
			}
		}
		for _, p := range pages {
			if !slices.Equal(have[p.File], want[p.File]) {
				t.Fatalf("round %d, %s edited: findings of %s\nindex kept: %q\nfresh:      %q", round, p.File, p.File, have[p.File], want[p.File])
			}
		}
	}
	if duplicated == 0 {
		t.Error("no edit made a duplicate title")
	}
	if orphaned == 0 {
		t.Error("no edit made an orphan: the test does not exercise the kept link counts")
	}
}
