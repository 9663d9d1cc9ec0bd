// Package feed publishes a kb site's feeds in RSS 2.0, Atom 1.0 and JSON
// Feed 1.1, built with github.com/gorilla/feeds.
//
// # Feeds
//
// The site model plans the feeds (model.Site.FeedPlans: which, their URLs
// and entries); this package writes them. Every feed comes in the three
// formats, side by side:
//
//	releases  /releases/feed.xml  /releases/feed.atom  /releases/feed.json
//	          every release announcement, the newest release date first
//	all       /feed.xml  /feed.atom  /feed.json
//	          every page with a date (a release's date, or updated), the most
//	          recently changed first: the help center's "what's new"
//	product   /releases/<product>/feed.xml  …/feed.atom  …/feed.json
//	          one per product, when the releases name more than one product
//	          (<product> is the product name as a URL segment: "OctoAcme
//	          Mobile" → octoacme-mobile); releases without a product are only
//	          in the releases feed
//
// A feed holds the newest feeds.limit entries (site.yaml; 50 by default). A
// feed that would be empty is not written, and pages do not advertise it.
// Only pages published now reach a feed: never drafts or scheduled pages,
// not even in a build with --drafts or --future (model.Site.Live). A page
// without a date (no updated) is left out of the all-content feed: it has no
// time at which it changed.
//
// # Entries
//
//	id, link    the page's canonical URL: base_url + the page's path. It never
//	            changes while the page keeps its URL, so a reader does not
//	            show an edited page as new.
//	title       the page's title
//	summary     the page's description (RSS description, Atom summary, JSON
//	            summary)
//	content     the page's rendered body; for a release announcement its
//	            narrative followed by the release notes exactly as the release
//	            page shows them (features with links to their docs, fixes with
//	            tickets, known issues with their status, workaround and
//	            expected fix). Every relative URL in href, src, srcset, poster
//	            and cite is resolved against the entry's URL, so links work in
//	            a feed reader.
//	published   a release's date (Atom published, JSON date_published, and
//	            RSS pubDate in the release and product feeds); other pages
//	            have none
//	updated     the later of the page's updated and a release's date (Atom
//	            updated, JSON date_modified, and RSS pubDate in the
//	            all-content feed, which is ordered by it)
//
// A feed's own time (RSS pubDate and lastBuildDate, Atom updated) is the
// newest entry's updated time; nothing reads the clock, so two builds of the
// same input write byte-identical feeds. All dates are UTC midnights.
//
// # Absolute URLs
//
// Feeds are read away from the site, so every URL in them is absolute and
// comes from base_url. A site without base_url publishes no feeds (and no
// autodiscovery or subscribe links); model.Site.PlanFeeds returns a warning
// for the build to print. Guessing a host instead would publish feeds whose links and ids
// point nowhere, and whose ids change once base_url is set, so subscribers
// would see every entry twice.
//
// # Formats
//
// gorilla/feeds converts one feeds.Feed into each format; kb then corrects
// what the converters leave out or get wrong:
//
//   - RSS 2.0: the channel gets its language, a generator, and an
//     <atom:link rel="self">; gorilla's managingEditor (" (name)" without an
//     e-mail address) is dropped. Full content is in content:encoded.
//   - Atom 1.0: the feed id is the feed's own URL (gorilla uses the home page,
//     which three feeds share), the feed has rel="alternate" and rel="self"
//     links, xml:lang, an author (required when entries have none) and
//     entries carry published.
//   - JSON Feed 1.1: gorilla/feeds v1.2.0 writes the version
//     "https://jsonfeed.org/version/1.1", but leaves out feed_url and
//     language, writes the deprecated author next to authors, drops "items"
//     from an empty feed, and copies the HTML summary RSS needs into the
//     plain-text summary. kb marshals its own top-level object around
//     gorilla's JSONItem values and fixes those fields.
//
// Text is escaped by each format's encoder (encoding/xml, encoding/json):
// &, <, quotes, emoji and any script come out right. RSS descriptions and
// Atom summaries are HTML, so a description is HTML-escaped once before it
// is XML-escaped; characters XML 1.0 cannot carry (control characters) are
// dropped from every format (chars.Clean).
package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"github.com/octoacme/kb/internal/chars"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/model"
)

// The formats' namespaces and versions.
const (
	// JSONFeedVersion is the version URL of the JSON Feed the feeds follow.
	JSONFeedVersion = "https://jsonfeed.org/version/1.1"
	atomNS          = "http://www.w3.org/2005/Atom"
	rssContentNS    = "http://purl.org/rss/1.0/modules/content/"
	generator       = "kb"
)

// File is one written feed.
type File struct {
	// Path is the slash path in the output: "releases/feed.xml".
	Path string
	Data []byte
}

// Body is an entry's content as HTML: the page's body and, for a release,
// its release notes as the release page shows them (render's
// ContentHTML, with the templates the pages were rendered with).
type Body func(ctx context.Context, p *content.Page) (template.HTML, error)

// Writer receives the feeds' files.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Files renders every feed the site plans (model.Site.FeedPlans) in every
// format, taking the entries' content from body.
func Files(ctx context.Context, s *model.Site, entry Body) ([]File, error) {
	base, err := url.Parse(s.Config.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, nil // no base_url: no feeds (see List)
	}
	bodies := map[*content.Page]string{}
	body := func(p *content.Page) (string, error) {
		if b, ok := bodies[p]; ok {
			return b, nil
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		h, err := entry(ctx, p)
		if err != nil {
			return "", err
		}
		abs := s.Config.AbsURL(p.URL)
		u, err := url.Parse(abs)
		if err != nil {
			u = base
		}
		b := chars.Clean(Absolutize(string(h), u))
		bodies[p] = b
		return b, nil
	}
	var files []File
	for _, pl := range s.FeedPlans() {
		gf, err := gorilla(pl, s, body)
		if err != nil {
			return nil, err
		}
		rss, err := rssOf(pl, s, gf)
		if err != nil {
			return nil, err
		}
		atom, err := atomOf(pl, s, gf)
		if err != nil {
			return nil, err
		}
		js, err := jsonOf(pl, s, gf)
		if err != nil {
			return nil, err
		}
		files = append(files, File{strings.TrimPrefix(pl.RSS, "/"), rss}, File{strings.TrimPrefix(pl.Atom, "/"), atom}, File{strings.TrimPrefix(pl.JSON, "/"), js})
	}
	return files, nil
}

// Write renders the feeds and writes them to out, until ctx is done.
// owners are the other files of the site, by output path, with who writes
// each (render's Owners): a page, alias or static file that would take a
// feed's path, or the folder of one, is an error naming its file.
func Write(ctx context.Context, out Writer, s *model.Site, entry Body, owners iter.Seq2[string, string]) error {
	files, err := Files(ctx, s, entry)
	if err != nil || len(files) == 0 {
		return err
	}
	taken := map[string]string{} // output path, and every folder above it → who writes it
	claim := func(p, by string) {
		taken[p] = by
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			if _, ok := taken[p[:i]]; !ok {
				taken[p[:i]] = by
			}
		}
	}
	for p, by := range owners {
		claim(p, by)
	}
	for _, f := range files {
		if by, ok := taken[f.Path]; ok {
			return diag.At(by, 0, "takes the path /%s, where kb publishes a feed; rename the file or change its slug", f.Path)
		}
	}
	for _, f := range files {
		if err := out.WriteFile(f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// gorilla builds the format-neutral feed gorilla/feeds converts.
func gorilla(pl *model.FeedPlan, s *model.Site, body func(*content.Page) (string, error)) (*feeds.Feed, error) {
	cfg := s.Config
	gf := &feeds.Feed{
		Title:       chars.Clean(pl.Title),
		Link:        &feeds.Link{Href: pl.Home, Rel: "alternate", Type: "text/html"},
		Description: chars.Clean(pl.Description),
		Author:      &feeds.Author{Name: chars.Clean(cfg.Title)},
		Id:          cfg.AbsURL(pl.Atom),
		Copyright:   chars.Clean(cfg.Copyright),
	}
	for _, p := range pl.Pages {
		b, err := body(p)
		if err != nil {
			return nil, err
		}
		u := cfg.AbsURL(p.URL)
		gf.Items = append(gf.Items, &feeds.Item{
			Title:       chars.Clean(p.LinkTitle()),
			Link:        &feeds.Link{Href: u, Rel: "alternate", Type: "text/html"},
			Id:          u,
			IsPermaLink: "true",
			Description: htmlText.Replace(chars.Clean(p.Description)),
			Content:     b,
			Created:     model.PublishedAt(p),
			Updated:     model.UpdatedAt(p),
		})
		if up := model.UpdatedAt(p); up.After(gf.Updated) {
			gf.Updated = up
		}
	}
	return gf, nil
}

// htmlText escapes text for an HTML element's content (RSS descriptions and
// Atom html summaries are HTML); quotes need no escaping there.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// rssDoc is gorilla's RssFeedXml with the Atom namespace for atom:link.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	Channel   rssChannel `xml:"channel"`
}

// rssChannel is gorilla's channel plus <atom:link rel="self">.
type rssChannel struct {
	*feeds.RssFeed
	Self rssSelf
}

type rssSelf struct {
	XMLName xml.Name `xml:"atom:link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr"`
}

func rssOf(pl *model.FeedPlan, s *model.Site, gf *feeds.Feed) ([]byte, error) {
	ch := (&feeds.Rss{Feed: gf}).RssFeed()
	ch.Language = s.Config.Language
	ch.ManagingEditor = "" // gorilla writes " (name)" when there is no e-mail address
	ch.Generator = generator
	if pl.Scope == "all" {
		// The all-content feed is ordered by change; RSS has one date per
		// item, so it is the time of the change, as Atom's updated is.
		for i, it := range ch.Items {
			it.PubDate = gf.Items[i].Updated.Format(time.RFC1123Z)
		}
	}
	doc := &rssDoc{Version: "2.0", ContentNS: rssContentNS, AtomNS: atomNS,
		Channel: rssChannel{RssFeed: ch, Self: rssSelf{Href: s.Config.AbsURL(pl.RSS), Rel: "self", Type: "application/rss+xml"}}}
	return marshalXML(doc)
}

// atomDoc is gorilla's AtomFeed with a self link, xml:lang and a generator.
type atomDoc struct {
	XMLName   xml.Name          `xml:"feed"`
	Xmlns     string            `xml:"xmlns,attr"`
	Lang      string            `xml:"xml:lang,attr,omitempty"`
	Title     string            `xml:"title"`
	ID        string            `xml:"id"`
	Updated   string            `xml:"updated"`
	Subtitle  string            `xml:"subtitle,omitempty"`
	Rights    string            `xml:"rights,omitempty"`
	Generator string            `xml:"generator,omitempty"`
	Links     []feeds.AtomLink  `xml:"link"`
	Author    *feeds.AtomAuthor `xml:"author"`
	Entries   []*feeds.AtomEntry
}

func atomOf(pl *model.FeedPlan, s *model.Site, gf *feeds.Feed) ([]byte, error) {
	af := (&feeds.Atom{Feed: gf}).AtomFeed()
	self := s.Config.AbsURL(pl.Atom)
	doc := &atomDoc{Xmlns: atomNS, Lang: s.Config.Language, Title: af.Title, ID: self, Updated: af.Updated,
		Subtitle: af.Subtitle, Rights: af.Rights, Generator: generator,
		Links: []feeds.AtomLink{
			{Href: pl.Home, Rel: "alternate", Type: "text/html"},
			{Href: self, Rel: "self", Type: "application/atom+xml"},
		},
		Author: af.Author, Entries: af.Entries}
	for i, e := range doc.Entries {
		if c := gf.Items[i].Created; !c.IsZero() {
			e.Published = c.Format(time.RFC3339)
		}
	}
	return marshalXML(doc)
}

// jsonFeed is a JSON Feed 1.1 top-level object; items are gorilla's.
type jsonFeed struct {
	Version     string              `json:"version"`
	Title       string              `json:"title"`
	HomePageURL string              `json:"home_page_url"`
	FeedURL     string              `json:"feed_url"`
	Description string              `json:"description,omitempty"`
	Language    string              `json:"language,omitempty"`
	Authors     []*feeds.JSONAuthor `json:"authors,omitempty"`
	Items       []*feeds.JSONItem   `json:"items"`
}

func jsonOf(pl *model.FeedPlan, s *model.Site, gf *feeds.Feed) ([]byte, error) {
	jf := (&feeds.JSON{Feed: gf}).JSONFeed()
	doc := &jsonFeed{Version: JSONFeedVersion, Title: jf.Title, HomePageURL: jf.HomePageUrl,
		FeedURL: s.Config.AbsURL(pl.JSON), Description: jf.Description, Language: s.Config.Language,
		Authors: []*feeds.JSONAuthor{{Name: gf.Author.Name, Url: s.Config.AbsURL("/")}},
		Items:   jf.Items}
	if doc.Items == nil {
		doc.Items = []*feeds.JSONItem{}
	}
	for i, it := range doc.Items {
		p := pl.Pages[i]
		it.Author, it.Authors = nil, nil        // the feed's authors cover every item
		it.Summary = chars.Clean(p.Description) // plain text in JSON Feed, not RSS's HTML
		it.Tags = append([]string(nil), p.Tags...)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Entries returns the URLs of the pages that appear in some feed of the
// site: kb serve skips rewriting the feeds when an edit touches none of them.
func Entries(s *model.Site) map[string]bool {
	out := map[string]bool{}
	for _, pl := range s.FeedPlans() {
		for _, p := range pl.Pages {
			out[p.URL] = true
		}
	}
	return out
}
