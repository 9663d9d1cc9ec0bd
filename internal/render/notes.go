package render

import (
	"bytes"
	"context"
	"html/template"

	"github.com/octoacme/kb/internal/content"
)

// ContentHTML is a page's body as the feeds carry it: the Markdown body and,
// for a release announcement, the release notes below it exactly as the
// release page shows them (partials/release-notes.html: features with their
// docs, fixes with tickets, known issues with workaround and expected fix).
// Links are site paths, as on the page; the caller makes them absolute.
func (r *Renderer) ContentHTML(ctx context.Context, p *content.Page) (template.HTML, error) {
	var b bytes.Buffer
	if p.Doc != nil {
		b.WriteString(string(p.Doc.HTML))
	}
	if p.Type == content.Release && p.Release != nil {
		t := r.tmpls["release"]
		if t == nil || t.Lookup("partials/release-notes.html") == nil {
			return template.HTML(b.String()), nil
		}
		b.WriteByte('\n')
		what := "rendering the feed entry of " + p.File
		if err := r.run(ctx, &b, "release", "partials/release-notes.html", r.pageData(p), what, what); err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}
