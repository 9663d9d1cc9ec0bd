package render

import (
	"encoding/xml"
	"io"

	"github.com/octoacme/kb/internal/content"
)

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists the home page, section lists and every page, with lastmod
// from the page's updated date (a release's date).
func (r *Renderer) sitemap(w io.Writer) error {
	cfg := r.Site.Config
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	set.URLs = append(set.URLs, sitemapURL{Loc: cfg.AbsURL("/")})
	for _, sec := range r.Site.Sections {
		set.URLs = append(set.URLs, sitemapURL{Loc: cfg.AbsURL(sec.URL)})
	}
	for _, p := range r.Site.Pages {
		u := sitemapURL{Loc: cfg.AbsURL(p.URL)}
		if d := p.Date(); !d.IsZero() {
			u.LastMod = d.Format(content.DateLayout)
		}
		set.URLs = append(set.URLs, u)
	}
	set.URLs = append(set.URLs, sitemapURL{Loc: cfg.AbsURL("/known-issues/")})
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(set); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
