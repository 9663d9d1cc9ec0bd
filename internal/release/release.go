// Package release turns a release announcement into what the support
// readiness process asks for before a release (see the seed process's
// "Release Communication Template"):
//
//   - Brief: the internal support team briefing — subject with release name
//     and date; new features with benefit, support docs and the questions
//     customers are expected to ask (the FAQ questions among the docs); bug
//     fixes; known issues with workaround and expected fix; action items
//     dated from the release date; signed by support.liaison.
//   - Announce: the customer announcement — subject, greeting, the value of
//     the release (its description), what's new, how to get started (the
//     how-to guides), known issues with workarounds, how to get help.
//   - Check: the pre-release readiness checklist (see ready.go).
//
// A field the text needs but the release lacks (a feature without a summary,
// a known issue without a workaround) is a diag.Diagnostic with the file and
// line (of site.yaml for a missing support contact),
// never a placeholder in the text. Messages render as Markdown, plain text
// or a self-contained HTML email body.
package release

import (
	"fmt"
	"sort"
	"strings"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/model"
)

// UsageError is a request that cannot be answered: an unknown version, an
// ambiguous one, a draft. The CLI exits with status 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Find returns the release announcement of a version among all loaded pages
// (drafts included, so that a draft can be named as the problem).
func Find(pages []*content.Page, version, product string) (*content.Page, error) {
	want, ok := content.ParseVersion(version)
	if !ok {
		return nil, &UsageError{fmt.Sprintf("%q is not a version (want a version like 3.7.0)", version)}
	}
	var matches []*content.Page
	var known []string
	for _, p := range pages {
		if p.Type != content.Release || p.Release == nil {
			continue
		}
		v, ok := content.ParseVersion(p.Release.Version)
		if !ok {
			continue
		}
		if product != "" && !strings.EqualFold(p.Product, product) {
			continue
		}
		known = append(known, p.Release.Version)
		if v.Compare(want) == 0 {
			matches = append(matches, p)
		}
	}
	switch len(matches) {
	case 0:
		sort.Strings(known)
		hint := "no release announcements found in content/releases/"
		if len(known) > 0 {
			hint = "known versions: " + strings.Join(known, ", ")
		}
		what := version
		if product != "" {
			what = product + " " + version
		}
		return nil, &UsageError{fmt.Sprintf("no release announcement for %s (%s); create one with: kb new release \"Title\" --version %s", what, hint, version)}
	case 1:
	default:
		var products []string
		for _, m := range matches {
			products = append(products, fmt.Sprintf("%q (%s)", m.Product, m.File))
		}
		return nil, &UsageError{fmt.Sprintf("version %s exists for several products: %s; pick one with --product", version, strings.Join(products, ", "))}
	}
	r := matches[0]
	if r.Draft {
		return nil, &UsageError{fmt.Sprintf("%s is still marked draft: true; publish it (remove draft) before preparing the release communication", r.File)}
	}
	return r, nil
}

// Name is how a release is called in subjects: its title, else product and version.
func Name(r *content.Page) string {
	if r.Title != "" {
		return r.Title
	}
	return strings.TrimSpace(r.Product + " " + r.Release.Version)
}

// Link is a resolved doc link.
type Link struct {
	Title string
	URL   string // absolute
	Page  *content.Page
	Frag  string
}

// resolver resolves doc links against the published site.
type resolver struct {
	site *model.Site
	cfg  *config.Config
}

func (r resolver) link(ref string) (Link, bool) {
	p, frag := r.site.Resolve(ref)
	if p == nil {
		if strings.Contains(ref, "://") {
			return Link{Title: ref, URL: ref}, true
		}
		return Link{}, false
	}
	l := Link{Title: p.LinkTitle(), URL: r.cfg.AbsURL(p.URL), Page: p, Frag: frag}
	if frag != "" {
		l.URL += "#" + frag
		if p.Doc != nil {
			for _, h := range p.Doc.Headings {
				if h.ID == frag {
					l.Title = h.Text
				}
			}
		}
	}
	return l, true
}

// questions returns the FAQ questions a feature's docs point at: the
// question itself for an anchored link, every question of a linked FAQ page.
func (r resolver) questions(docs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range docs {
		p, frag := r.site.Resolve(d)
		if p == nil || p.Type != content.FAQ || p.Doc == nil {
			continue
		}
		for _, q := range p.Doc.Questions() {
			if (frag == "" || q.Heading.ID == frag) && !seen[q.Heading.Text] {
				seen[q.Heading.Text] = true
				out = append(out, q.Heading.Text)
			}
		}
	}
	return out
}
