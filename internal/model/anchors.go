package model

import "github.com/octoacme/kb/internal/content"

// TemplateAnchors lists the element IDs the default layouts give a content
// page of p's type besides the IDs of its Markdown headings, so that a link
// to /releases/3-7-0/#known-issues or /articles/x/#kb-related is known to
// work. Keep it in step with layouts/*.html and layouts/partials/*.html
// (render's TestTemplateAnchors renders every type and checks); a site
// with layouts of its own may emit more.
func TemplateAnchors(p *content.Page) []string {
	ids := []string{"main"} // baseof.html
	if len(p.Related) > 0 {
		ids = append(ids, "kb-related") // partials/related.html, on every type
	}
	switch p.Type {
	case content.Article, content.Troubleshooting:
		if p.Type == content.Troubleshooting && len(p.Errors) > 0 {
			ids = append(ids, "kb-errors")
		}
		if len(p.Prerequisites) > 0 {
			ids = append(ids, "kb-prerequisites")
		}
		ids = append(ids, "kb-feedback")
	case content.FAQ:
		if p.Doc != nil && len(p.Doc.Questions()) > 0 {
			ids = append(ids, "kb-questions")
		}
		ids = append(ids, "kb-feedback")
	case content.Release:
		if r := p.Release; r != nil {
			if len(r.Features) > 0 {
				ids = append(ids, "whats-new")
			}
			if len(r.Fixes) > 0 {
				ids = append(ids, "fixed")
			}
			if len(r.KnownIssues) > 0 {
				ids = append(ids, "known-issues")
				for _, ki := range r.KnownIssues {
					ids = append(ids, KnownIssueID(p, ki))
				}
			}
		}
	}
	return ids
}

// KnownIssuesAnchors lists the element IDs of the /known-issues/ page: its
// lists and one per known issue of the site.
func (s *Site) KnownIssuesAnchors() []string {
	ids := []string{"main", "kb-open-issues"}
	fixed := false
	for _, k := range s.KnownIssues {
		ids = append(ids, k.ID)
		fixed = fixed || !k.Open()
	}
	if fixed {
		ids = append(ids, "kb-fixed-issues")
	}
	return ids
}

// HasAnchor reports whether p's HTML has an element with the id: a heading
// of its Markdown (with the ID the renderer gives it, or the ID kb gave it
// before matching GitHub's, which the heading still carries), another
// element the Markdown gives an ID (Doc.IDs: FAQ questions in bold), or one
// of its layout's.
func HasAnchor(p *content.Page, id string) bool {
	if p.Doc != nil {
		for _, h := range p.Doc.Headings {
			if h.ID == id || h.OldID == id {
				return true
			}
		}
		for _, a := range p.Doc.IDs {
			if a == id {
				return true
			}
		}
	}
	for _, a := range TemplateAnchors(p) {
		if a == id {
			return true
		}
	}
	return false
}
