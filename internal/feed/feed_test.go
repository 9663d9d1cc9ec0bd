package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mmcdole/gofeed"
	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
	"github.com/octoacme/kb/internal/render"
)

const testConfig = `title: Octo Help
description: Help for Octo.
base_url: https://help.example.com/
language: en
`

// site is a small test site: config, content files, and the built feeds.
type site struct {
	site  *model.Site
	r     *render.Renderer
	files map[string][]byte
	order []string
}

// build loads files with the site's config and renders its feeds.
// drafts publishes draft pages, as kb build --drafts does.
func build(t *testing.T, cfgYAML string, files map[string]string, drafts bool) *site {
	t.Helper()
	cfg, err := config.Parse("site.yaml", []byte(cfgYAML))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	// Raw HTML shown as text: the bodies' "<notes>" is text whose escaping
	// the feeds must keep (sanitized, it would be dropped as a tag).
	conv := markdown.New(markdown.Options{BasePath: cfg.BasePath(), HTML: markdown.HTMLEscape})
	cs := content.Load(fsys, content.Options{Markdown: conv})
	if len(cs.Errors) > 0 {
		t.Fatalf("content errors: %v", cs.Errors)
	}
	var pages []*content.Page
	for _, p := range cs.Pages {
		if drafts || !p.Draft {
			pages = append(pages, p)
		}
	}
	s := model.New(cfg, pages)
	s.PlanFeeds()
	r, err := render.New(s, render.NewTheme(fsys, kb.Theme))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Files(context.Background(), s, r.ContentHTML)
	if err != nil {
		t.Fatal(err)
	}
	out := &site{site: s, r: r, files: map[string][]byte{}}
	for _, f := range fs {
		if _, dup := out.files[f.Path]; dup {
			t.Fatalf("%s written twice", f.Path)
		}
		out.files[f.Path] = f.Data
		out.order = append(out.order, f.Path)
	}
	return out
}

// parse reads a feed with gofeed, the independent parser.
func (s *site) parse(t *testing.T, path string) *gofeed.Feed {
	t.Helper()
	data, ok := s.files[path]
	if !ok {
		t.Fatalf("no feed %s; have %v", path, s.order)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gofeed cannot read %s: %v\n%s", path, err, data)
	}
	return f
}

func release(product, version, date string, extra string) string {
	fm := fmt.Sprintf("---\ntitle: %q\nversion: %q\ndate: %s\n", "Release "+version, version, date)
	if product != "" {
		fm += "product: " + product + "\n"
	}
	return fm + extra + "---\nNotes for " + version + ".\n"
}

func releaseFile(version string) string {
	return "content/releases/" + strings.ReplaceAll(version, ".", "-") + ".md"
}

// formats are the three files of a feed.
var formats = []struct {
	ext, feedType, version string
}{
	{"xml", "rss", "2.0"},
	{"atom", "atom", "1.0"},
	{"json", "json", "https://jsonfeed.org/version/1.1"},
}

func TestReleaseFeed(t *testing.T) {
	files := map[string]string{
		releaseFile("1.0.0"): release("", "1.0.0", "2026-01-10", "description: The first one.\n"),
		releaseFile("1.1.0"): release("", "1.1.0", "2026-03-05", "updated: 2026-03-09\n"+`features:
  - title: Guests
    summary: Share with guests.
    docs: [/articles/guests/]
fixes:
  - title: Crash on start
    ticket: OCTO-1
known_issues:
  - title: Sync pauses
    workaround: Restart the app.
    fix_expected: "1.2.0"
    docs: [/articles/guests/#limits]
`),
		releaseFile("1.2.0"):          release("", "1.2.0", "2026-05-01", ""),
		"content/articles/guests.md":  "---\ntitle: Share with guests\nupdated: 2026-03-08\n---\nBody.\n\n## Limits\n\nSome.\n",
		"content/articles/undated.md": "---\ntitle: Undated\n---\nBody.\n",
	}
	s := build(t, testConfig, files, false)
	wantItems := []struct {
		title, url string
		published  string // "" for none
		updated    string
	}{
		{"Release 1.2.0", "https://help.example.com/releases/1-2-0/", "2026-05-01", "2026-05-01"},
		{"Release 1.1.0", "https://help.example.com/releases/1-1-0/", "2026-03-05", "2026-03-09"},
		{"Release 1.0.0", "https://help.example.com/releases/1-0-0/", "2026-01-10", "2026-01-10"},
	}
	for _, ft := range formats {
		t.Run(ft.ext, func(t *testing.T) {
			path := "releases/feed." + ft.ext
			f := s.parse(t, path)
			if f.FeedType != ft.feedType || f.FeedVersion != ft.version {
				t.Errorf("type %s %s, want %s %s", f.FeedType, f.FeedVersion, ft.feedType, ft.version)
			}
			if f.Title != "Octo Help: Release notes" {
				t.Errorf("title %q", f.Title)
			}
			if f.Link != "https://help.example.com/releases/" {
				t.Errorf("link %q, want the releases index", f.Link)
			}
			if want := "https://help.example.com/" + path; f.FeedLink != want {
				t.Errorf("feed link %q, want %q", f.FeedLink, want)
			}
			if f.Language != "en" {
				t.Errorf("language %q", f.Language)
			}
			if ft.ext != "json" {
				if f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(day("2026-05-01")) {
					t.Errorf("feed updated %v, want the newest entry's 2026-05-01", f.UpdatedParsed)
				}
			}
			if len(f.Items) != len(wantItems) {
				t.Fatalf("%d items, want %d", len(f.Items), len(wantItems))
			}
			for i, w := range wantItems {
				it := f.Items[i]
				if it.Title != w.title || it.Link != w.url || it.GUID != w.url {
					t.Errorf("item %d: title %q link %q id %q, want %q at %s", i, it.Title, it.Link, it.GUID, w.title, w.url)
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(day(w.published)) {
					t.Errorf("item %d: published %v, want %s", i, it.PublishedParsed, w.published)
				}
				if ft.ext != "xml" { // RSS has no updated date for an item
					if it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(day(w.updated)) {
						t.Errorf("item %d: updated %v, want %s", i, it.UpdatedParsed, w.updated)
					}
				}
			}
			if got := f.Items[2].Description; got != "The first one." {
				t.Errorf("summary %q", got)
			}
			// The full release notes, with absolute links.
			c := f.Items[1].Content
			for _, want := range []string{
				"<p>Notes for 1.1.0.</p>",
				"Guests", "Share with guests.",
				`<a href="https://help.example.com/articles/guests/">Share with guests</a>`,
				"Crash on start", "OCTO-1",
				"Sync pauses", "Restart the app.", "1.2.0",
				`<a href="https://help.example.com/articles/guests/#limits">Share with guests: Limits</a>`,
			} {
				if !strings.Contains(c, want) {
					t.Errorf("content lacks %q:\n%s", want, c)
				}
			}
			if strings.Contains(c, `href="/`) || strings.Contains(c, `src="/`) {
				t.Errorf("content keeps a site-relative link:\n%s", c)
			}
		})
	}

	// The all-content feed: every dated page, most recently changed first.
	for _, ft := range formats {
		f := s.parse(t, "feed."+ft.ext)
		var got []string
		for _, it := range f.Items {
			got = append(got, it.Link)
		}
		want := []string{
			"https://help.example.com/releases/1-2-0/",
			"https://help.example.com/releases/1-1-0/",
			"https://help.example.com/articles/guests/",
			"https://help.example.com/releases/1-0-0/",
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("feed.%s items:\n%v\nwant\n%v", ft.ext, got, want)
		}
		if f.Title != "Octo Help: Recent updates" || f.Link != "https://help.example.com/" {
			t.Errorf("feed.%s: title %q link %q", ft.ext, f.Title, f.Link)
		}
		guests := f.Items[2]
		if guests.UpdatedParsed == nil && guests.PublishedParsed == nil {
			t.Errorf("feed.%s: the article has no date", ft.ext)
		}
		if !strings.Contains(guests.Content, `<h2 id="limits">Limits</h2>`) {
			t.Errorf("feed.%s: article content %q", ft.ext, guests.Content)
		}
	}
	// A single product: no product feeds.
	for p := range s.files {
		if strings.Count(p, "/") > 1 {
			t.Errorf("unexpected product feed %s", p)
		}
	}
	if len(s.files) != 6 {
		t.Errorf("files %v, want the release and all-content feeds in three formats", s.order)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(content.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestXML checks the RSS and Atom files as XML: well formed to the last
// token, with the right root element and namespaces.
func TestXML(t *testing.T) {
	s := build(t, testConfig, map[string]string{releaseFile("1.0"): release("", "1.0", "2026-01-01", "")}, false)
	for path, want := range map[string]xml.Name{
		"releases/feed.xml":  {Local: "rss"},
		"feed.xml":           {Local: "rss"},
		"releases/feed.atom": {Space: "http://www.w3.org/2005/Atom", Local: "feed"},
		"feed.atom":          {Space: "http://www.w3.org/2005/Atom", Local: "feed"},
	} {
		data := s.files[path]
		if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			t.Errorf("%s: no XML declaration", path)
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = true
		var root *xml.StartElement
		spaces := map[string]string{}
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed XML: %v", path, err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == nil {
				se := se.Copy()
				root = &se
				for _, a := range se.Attr {
					if a.Name.Space == "xmlns" {
						spaces[a.Name.Local] = a.Value
					}
				}
			}
		}
		if root == nil || root.Name != want {
			t.Errorf("%s: root %v, want %v", path, root, want)
			continue
		}
		if want.Local == "rss" {
			var version string
			for _, a := range root.Attr {
				if a.Name.Local == "version" {
					version = a.Value
				}
			}
			if version != "2.0" {
				t.Errorf("%s: version %q", path, version)
			}
			if spaces["content"] != "http://purl.org/rss/1.0/modules/content/" || spaces["atom"] != "http://www.w3.org/2005/Atom" {
				t.Errorf("%s: namespaces %v", path, spaces)
			}
		}
	}
}

// TestJSONFeed11 checks the JSON Feed against version 1.1 directly: the
// fields gorilla/feeds leaves out or gets wrong.
func TestJSONFeed11(t *testing.T) {
	s := build(t, testConfig, map[string]string{
		releaseFile("1.0"): release("", "1.0", "2026-01-01", "description: \"Fixes <b> & more\"\ntags: [billing]\n"),
	}, false)
	var f map[string]any
	if err := json.Unmarshal(s.files["releases/feed.json"], &f); err != nil {
		t.Fatal(err)
	}
	if f["version"] != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version %v", f["version"])
	}
	if f["feed_url"] != "https://help.example.com/releases/feed.json" || f["home_page_url"] != "https://help.example.com/releases/" {
		t.Errorf("feed_url %v home_page_url %v", f["feed_url"], f["home_page_url"])
	}
	if _, ok := f["author"]; ok {
		t.Error("the deprecated author field is written")
	}
	items, _ := f["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("items %v", f["items"])
	}
	it := items[0].(map[string]any)
	if _, ok := it["author"]; ok {
		t.Error("an item has the deprecated author field")
	}
	if it["summary"] != "Fixes <b> & more" {
		t.Errorf("summary %q, want the plain-text description", it["summary"])
	}
	if it["date_published"] != "2026-01-01T00:00:00Z" {
		t.Errorf("date_published %v", it["date_published"])
	}
	if tags, _ := it["tags"].([]any); len(tags) != 1 || tags[0] != "billing" {
		t.Errorf("tags %v", it["tags"])
	}
}

func TestDraftsNeverInFeeds(t *testing.T) {
	files := map[string]string{
		releaseFile("1.0"):              release("", "1.0", "2026-01-01", ""),
		releaseFile("2.0"):              release("", "2.0", "2026-02-01", "draft: true\n"),
		"content/articles/draft.md":     "---\ntitle: Secret\nupdated: 2026-03-01\ndraft: true\n---\nSoon.\n",
		"content/articles/published.md": "---\ntitle: Public\nupdated: 2026-01-05\n---\nHere.\n",
	}
	for _, drafts := range []bool{false, true} {
		s := build(t, testConfig, files, drafts)
		for _, p := range s.order {
			if bytes.Contains(s.files[p], []byte("2-0")) || bytes.Contains(s.files[p], []byte("Secret")) {
				t.Errorf("drafts=%v: %s carries a draft", drafts, p)
			}
		}
		if f := s.parse(t, "feed.json"); len(f.Items) != 2 {
			t.Errorf("drafts=%v: %d items in the all-content feed, want 2", drafts, len(f.Items))
		}
		// The feed's date is that of its newest published entry.
		if f := s.parse(t, "releases/feed.atom"); !f.UpdatedParsed.Equal(day("2026-01-01")) {
			t.Errorf("drafts=%v: updated %v", drafts, f.UpdatedParsed)
		}
	}
}

func TestLimit(t *testing.T) {
	files := map[string]string{}
	for i := 1; i <= 7; i++ {
		v := fmt.Sprintf("1.%d", i)
		files[releaseFile(v)] = release("", v, fmt.Sprintf("2026-01-%02d", i), "")
	}
	for cfg, want := range map[string]int{testConfig: 7, testConfig + "feeds:\n  limit: 3\n": 3} {
		s := build(t, cfg, files, false)
		for _, p := range s.order {
			f := s.parse(t, p)
			if len(f.Items) != want {
				t.Errorf("%s: %d items, want %d", p, len(f.Items), want)
				continue
			}
			if f.Items[0].Title != "Release 1.7" || f.Items[want-1].Title != fmt.Sprintf("Release 1.%d", 8-want) {
				t.Errorf("%s: items from %q to %q, want the newest", p, f.Items[0].Title, f.Items[want-1].Title)
			}
		}
	}
}

func TestDefaultLimit(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 60; i++ {
		files[fmt.Sprintf("content/articles/a%02d.md", i)] = fmt.Sprintf("---\ntitle: A%02d\nupdated: 2026-01-01\n---\nx\n", i)
	}
	s := build(t, testConfig, files, false)
	if f := s.parse(t, "feed.xml"); len(f.Items) != 50 {
		t.Errorf("%d items, want the default 50", len(f.Items))
	}
	if _, ok := s.files["releases/feed.xml"]; ok {
		t.Error("a site without releases has a release feed")
	}
	if len(s.site.Feeds) != 1 || s.site.Feeds[0].Scope != "all" {
		t.Errorf("Feeds %+v, want only the all-content feed", s.site.Feeds)
	}
}

func TestProductFeeds(t *testing.T) {
	files := map[string]string{
		"content/releases/web-1.md":    release("Octo Web", "1.0", "2026-01-01", ""),
		"content/releases/web-2.md":    release("Octo Web", "2.0", "2026-03-01", ""),
		"content/releases/mobile-1.md": release("Octo Mobile", "1.0", "2026-02-01", ""),
		"content/releases/other.md":    release("", "0.9", "2025-12-01", ""),
		"content/releases/clash.md":    release("octo-web", "5.0", "2026-04-01", ""),
	}
	s := build(t, testConfig, files, false)
	want := map[string][]string{
		"releases/feed":             {"Release 5.0", "Release 2.0", "Release 1.0", "Release 1.0", "Release 0.9"},
		"releases/octo-mobile/feed": {"Release 1.0"},
		"releases/octo-web/feed":    {"Release 2.0", "Release 1.0"},
		"releases/octo-web-2/feed":  {"Release 5.0"},
	}
	for base, titles := range want {
		for _, ft := range formats {
			f := s.parse(t, base+"."+ft.ext)
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Title)
			}
			if strings.Join(got, "|") != strings.Join(titles, "|") {
				t.Errorf("%s.%s: %v, want %v", base, ft.ext, got, titles)
			}
		}
	}
	f := s.parse(t, "releases/octo-mobile/feed.atom")
	if f.Title != "Octo Help: Release notes for Octo Mobile" {
		t.Errorf("title %q", f.Title)
	}
	if f.Link != "https://help.example.com/releases/#product-octo-mobile" {
		t.Errorf("link %q, want the product's heading on the releases index", f.Link)
	}
	if len(s.files) != 3*(len(want)+1) {
		t.Errorf("files %v", s.order)
	}
	var scopes []string
	for _, fd := range s.site.Feeds {
		scopes = append(scopes, fd.Scope+"="+fd.RSS)
	}
	wantScopes := "releases=/releases/feed.xml all=/feed.xml product:Octo Mobile=/releases/octo-mobile/feed.xml product:Octo Web=/releases/octo-web/feed.xml product:octo-web=/releases/octo-web-2/feed.xml"
	if strings.Join(scopes, " ") != wantScopes {
		t.Errorf("Feeds:\n%s\nwant\n%s", strings.Join(scopes, " "), wantScopes)
	}
}

// TestSpecialCharacters: &, <, quotes, emoji, Japanese and control
// characters in titles, descriptions and bodies survive every format.
func TestSpecialCharacters(t *testing.T) {
	title := `Fixes & "quotes" <script>alert(1)</script> 🎉 日本語のリリース`
	desc := `Tom & Jerry's <b>bold</b> "plan" — 絵文字 🚀`
	body := "Bodies & <notes> 🎉 日本語 ]]> end\n\n[link](/articles/a/?q=1&r=2) `a<b`\n"
	files := map[string]string{
		releaseFile("1.0"): fmt.Sprintf("---\ntitle: %q\ndescription: %q\nversion: \"1.0\"\ndate: 2026-01-01\n"+
			"features:\n  - title: \"A & B <c> \\\"d\\\" 🎉 機能\"\n    summary: \"x < y & z\"\n---\n%s", title+"\x01\x1b", desc, body),
		"content/articles/a.md": "---\ntitle: 'Ünïcödé & “curly”'\nupdated: 2026-01-02\n---\nHi.\n",
	}
	s := build(t, testConfig, files, false)
	for _, ft := range formats {
		f := s.parse(t, "releases/feed."+ft.ext)
		it := f.Items[0]
		if it.Title != title {
			t.Errorf("%s: title\n%q\nwant\n%q", ft.ext, it.Title, title)
		}
		wantDesc := desc
		if ft.ext != "json" {
			// RSS descriptions and Atom html summaries are HTML: the text, escaped once.
			wantDesc = htmlEscape(desc)
		}
		if it.Description != wantDesc {
			t.Errorf("%s: description\n%q\nwant\n%q", ft.ext, it.Description, wantDesc)
		}
		for _, want := range []string{
			"Bodies &amp; &lt;notes&gt; 🎉 日本語 ]]&gt; end",
			`href="https://help.example.com/articles/a/?q=1&amp;r=2"`,
			"<code>a&lt;b</code>",
			"A &amp; B &lt;c&gt; &#34;d&#34; 🎉 機能",
			"x &lt; y &amp; z",
		} {
			if !strings.Contains(it.Content, want) {
				t.Errorf("%s: content lacks %q:\n%s", ft.ext, want, it.Content)
			}
		}
		a := s.parse(t, "feed."+ft.ext)
		if a.Items[0].Title != "Ünïcödé & “curly”" {
			t.Errorf("%s: article title %q", ft.ext, a.Items[0].Title)
		}
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func TestDeterministic(t *testing.T) {
	files := map[string]string{
		"content/releases/a.md":   release("A", "1.0", "2026-01-01", "known_issues:\n  - title: K\n    fix_expected: \"1.1\"\n"),
		"content/releases/b.md":   release("B", "1.0", "2026-01-01", ""),
		"content/releases/c.md":   release("A", "1.1", "2026-01-01", ""),
		"content/articles/x.md":   "---\ntitle: X\nupdated: 2026-01-01\n---\nx\n",
		"content/articles/y.md":   "---\ntitle: Y\nupdated: 2026-01-01\n---\ny\n",
		"content/faq/account.md":  "---\ntitle: Account\nupdated: 2026-01-01\n---\n## Why?\n\nBecause.\n",
		"static/images/shot.png":  "png",
		"content/articles/img.md": "---\ntitle: Img\nupdated: 2026-01-01\n---\n![shot](/images/shot.png)\n",
	}
	first := build(t, testConfig, files, false)
	for i := 0; i < 5; i++ {
		again := build(t, testConfig, files, false)
		if strings.Join(first.order, " ") != strings.Join(again.order, " ") {
			t.Fatalf("file order changed: %v, then %v", first.order, again.order)
		}
		for _, p := range first.order {
			if !bytes.Equal(first.files[p], again.files[p]) {
				t.Errorf("%s differs between builds", p)
			}
		}
	}
	if !bytes.Contains(first.files["feed.xml"], []byte(`src="https://help.example.com/images/shot.png"`)) {
		t.Errorf("image not made absolute:\n%s", first.files["feed.xml"])
	}
}

func TestNoBaseURL(t *testing.T) {
	s := build(t, "title: T\n", map[string]string{releaseFile("1.0"): release("", "1.0", "2026-01-01", "")}, false)
	if len(s.files) != 0 || len(s.site.Feeds) != 0 {
		t.Errorf("feeds without base_url: %v %v", s.order, s.site.Feeds)
	}
	if warn := s.site.PlanFeeds(); !strings.Contains(warn, "base_url") {
		t.Errorf("warning %q, want one naming base_url", warn)
	}
	empty := model.New(config.Default(), nil)
	if warn := empty.PlanFeeds(); empty.Feeds != nil || warn != "" {
		t.Errorf("an empty site: %v %q", empty.Feeds, warn)
	}
}

func TestBasePath(t *testing.T) {
	cfg := "title: T\nbase_url: https://example.com/help/\n"
	s := build(t, cfg, map[string]string{
		releaseFile("1.0"):      release("", "1.0", "2026-01-01", "features:\n  - title: F\n    docs: [/articles/a/]\n") + "See [a](/articles/a/) and [top](#top).\n",
		"content/articles/a.md": "---\ntitle: A\nupdated: 2026-01-01\n---\nA.\n",
	}, false)
	f := s.parse(t, "releases/feed.atom")
	if f.FeedLink != "https://example.com/help/releases/feed.atom" || f.Link != "https://example.com/help/releases/" {
		t.Errorf("links %q %q", f.FeedLink, f.Link)
	}
	it := f.Items[0]
	if it.Link != "https://example.com/help/releases/1-0/" {
		t.Errorf("item link %q", it.Link)
	}
	for _, want := range []string{`href="https://example.com/help/articles/a/">a</a>`, `href="https://example.com/help/releases/1-0/#top"`,
		`<a href="https://example.com/help/articles/a/">A</a>`} {
		if !strings.Contains(it.Content, want) {
			t.Errorf("content lacks %s:\n%s", want, it.Content)
		}
	}
	if strings.Contains(it.Content, "/help/help/") {
		t.Errorf("base path doubled:\n%s", it.Content)
	}
	if s.site.Feeds[0].RSS != "/releases/feed.xml" {
		t.Errorf("Feed paths are site paths (templates add the base path with rel): %q", s.site.Feeds[0].RSS)
	}
}

func TestAbsolutize(t *testing.T) {
	base, _ := url.Parse("https://h.example/help/releases/1-0/")
	tests := []struct{ in, want string }{
		{`<a href="/help/x/">x</a>`, `<a href="https://h.example/help/x/">x</a>`},
		{`<a href="#top">t</a>`, `<a href="https://h.example/help/releases/1-0/#top">t</a>`},
		{`<a href="../2-0/">n</a>`, `<a href="https://h.example/help/releases/2-0/">n</a>`},
		{`<a href="https://other.example/a?b=1&amp;c=2">o</a>`, `<a href="https://other.example/a?b=1&amp;c=2">o</a>`},
		{`<a href="mailto:x@y.z">m</a>`, `<a href="mailto:x@y.z">m</a>`},
		{`<a href="//cdn.example/x.png">c</a>`, `<a href="https://cdn.example/x.png">c</a>`},
		{`<img src="/help/i.png" alt="a &amp; b">`, `<img src="https://h.example/help/i.png" alt="a &amp; b">`},
		{`<img srcset="/a.png 1x, /b.png 2x">`, `<img srcset="https://h.example/a.png 1x, https://h.example/b.png 2x">`},
		{`<a HREF='/q?a=1&amp;b=2'>q</a>`, `<a href="https://h.example/q?a=1&amp;b=2">q</a>`},
		{`<a href="">e</a>`, `<a href="">e</a>`},
		{`<p>no links &amp; &lt;text&gt; 🎉</p><!-- c --><br/>`, `<p>no links &amp; &lt;text&gt; 🎉</p><!-- c --><br/>`},
		{`<script>var a = "<a href='/x'>";</script>`, `<script>var a = "<a href='/x'>";</script>`},
		{`plain`, `plain`},
		{`<a href="/%zz">bad</a>`, `<a href="/%zz">bad</a>`},
		{`<blockquote cite="/src/">q</blockquote>`, `<blockquote cite="https://h.example/src/">q</blockquote>`},
	}
	for _, tt := range tests {
		if got := Absolutize(tt.in, base); got != tt.want {
			t.Errorf("Absolutize(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func FuzzAbsolutize(f *testing.F) {
	f.Add(`<a href="/x/">x</a><img src=/a.png>`)
	f.Add(`<p>text &amp; more</p><a href="#f">`)
	f.Add(`<a href='//x' srcset=", ,">`)
	base, _ := url.Parse("https://h.example/p/")
	f.Fuzz(func(t *testing.T, s string) {
		out := Absolutize(s, base)
		// Without a URL attribute the fragment comes back byte for byte.
		if !strings.Contains(strings.ToLower(s), "href") && !strings.Contains(strings.ToLower(s), "src") &&
			!strings.Contains(strings.ToLower(s), "poster") && !strings.Contains(strings.ToLower(s), "cite") && out != s {
			t.Errorf("changed %q to %q", s, out)
		}
	})
}

type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memOutput) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = data
	return nil
}

func TestWriteRefusesTakenPaths(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"static file": {"static/feed.xml": "<rss/>"},
		"page slug":   {"content/releases/x.md": release("", "2.0", "2026-02-01", "slug: feed.xml\n")},
	} {
		t.Run(name, func(t *testing.T) {
			files[releaseFile("1.0")] = release("", "1.0", "2026-01-01", "")
			s := build(t, testConfig, files, false)
			out := &memOutput{files: map[string][]byte{}}
			err := write(out, s)
			var re *diag.Diagnostic
			if !errors.As(err, &re) || !strings.Contains(err.Error(), "where kb publishes a feed") {
				t.Fatalf("Write = %v, want a *diag.Diagnostic naming the clash", err)
			}
			if len(out.files) != 0 {
				t.Errorf("wrote %d files before failing", len(out.files))
			}
		})
	}
	s := build(t, testConfig, map[string]string{releaseFile("1.0"): release("", "1.0", "2026-01-01", "")}, false)
	out := &memOutput{files: map[string][]byte{}}
	if err := write(out, s); err != nil {
		t.Fatal(err)
	}
	if len(out.files) != 6 {
		t.Errorf("wrote %d files, want 6", len(out.files))
	}
}

// write writes the feeds of a test site, as a build does.
func write(out Writer, s *site) error {
	owners, err := s.r.Owners()
	if err != nil {
		return err
	}
	return Write(context.Background(), out, s.site, s.r.ContentHTML, owners)
}
