package site

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	kb "github.com/octoacme/kb"
	"golang.org/x/net/html"
)

// sampleDir is the sample OctoAcme site: the repository root.
const sampleDir = "../.."

var feedFormats = []string{"xml", "atom", "json"}

func readFeed(t *testing.T, out, path string) *gofeed.Feed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gofeed cannot read %s: %v", path, err)
	}
	return f
}

// TestSampleSiteFeeds builds the sample site and reads every feed with
// gofeed: the four releases, newest first, in the release feeds; every
// dated page in the all-content feed; ids and links that are the pages'
// canonical URLs and exist in the build.
func TestSampleSiteFeeds(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), Options{Dir: sampleDir, Out: out, Theme: kb.Theme, LockWait: sharedSiteWait})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	const base = "https://help.octoacme.com"
	l, err := Load(sampleDir, kb.Theme)
	if err != nil {
		t.Fatal(err)
	}
	dated := 0
	for _, p := range l.Content.Pages {
		if !p.Draft && !p.Date().IsZero() {
			dated++
		}
	}
	releases := []string{"/releases/3-7-0/", "/releases/3-6-0/", "/releases/3-5-0/", "/releases/3-4-0/"}
	for _, ext := range feedFormats {
		f := readFeed(t, out, "releases/feed."+ext)
		if f.Title != "OctoAcme Help Center: Release notes" || f.Link != base+"/releases/" {
			t.Errorf("releases/feed.%s: title %q link %q", ext, f.Title, f.Link)
		}
		if len(f.Items) != len(releases) {
			t.Fatalf("releases/feed.%s: %d items, want %d", ext, len(f.Items), len(releases))
		}
		for i, it := range f.Items {
			if it.Link != base+releases[i] || it.GUID != it.Link {
				t.Errorf("releases/feed.%s item %d: link %q id %q, want %s", ext, i, it.Link, it.GUID, base+releases[i])
			}
			if it.PublishedParsed == nil || it.PublishedParsed.IsZero() {
				t.Errorf("releases/feed.%s item %d: no date", ext, i)
			}
		}
		c := f.Items[0].Content
		for _, want := range []string{
			"What’s new in 3.7.0", `<a href="` + base + `/articles/share-files-with-guests/">Share files with guests outside your team</a>`,
			"OCTO-4809", "Quit the desktop app and open it again.", "3.7.1",
		} {
			if !strings.Contains(c, want) {
				t.Errorf("releases/feed.%s: 3.7.0 content lacks %q", ext, want)
			}
		}

		all := readFeed(t, out, "feed."+ext)
		if len(all.Items) != min(dated, 50) {
			t.Errorf("feed.%s: %d items, want the %d dated pages", ext, len(all.Items), dated)
		}
		var prev time.Time
		for i, it := range all.Items {
			d := it.UpdatedParsed
			if d == nil {
				d = it.PublishedParsed
			}
			if d == nil {
				t.Errorf("feed.%s item %d (%s): no date", ext, i, it.Link)
				continue
			}
			if i > 0 && d.After(prev) {
				t.Errorf("feed.%s: item %d (%s) is newer than the one before", ext, i, it.Link)
			}
			prev = *d
			if !strings.HasPrefix(it.Link, base+"/") || it.GUID != it.Link {
				t.Errorf("feed.%s item %d: link %q id %q", ext, i, it.Link, it.GUID)
				continue
			}
			page := filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(it.Link, base+"/")), "index.html")
			if _, err := os.Stat(page); err != nil {
				t.Errorf("feed.%s item %d links to %s, which the build has not", ext, i, it.Link)
			}
			if strings.Contains(it.Content, `href="/`) || strings.Contains(it.Content, `src="/`) {
				t.Errorf("feed.%s item %s keeps a site-relative URL", ext, it.Link)
			}
		}
	}
	// Known issues in the feed match the known-issues page: 3.6.0's issue is fixed in 3.7.0.
	f := readFeed(t, out, "releases/feed.atom")
	if c := f.Items[1].Content; !strings.Contains(c, "Fixed") || !strings.Contains(c, base+"/releases/3-7-0/") {
		t.Errorf("3.6.0 entry does not show its known issue fixed in 3.7.0:\n%s", c)
	}
	// The sample has one product: no product feeds.
	entries, _ := os.ReadDir(filepath.Join(out, "releases"))
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(out, "releases", e.Name(), "feed.xml")); err == nil {
				t.Errorf("a one-product site has the product feed releases/%s/feed.xml", e.Name())
			}
		}
	}
}

// TestFeedXMLNamespaces parses the sample's RSS and Atom with encoding/xml.
func TestFeedXMLNamespaces(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Options{Dir: sampleDir, Out: out, Theme: kb.Theme, LockWait: sharedSiteWait}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]xml.Name{
		"feed.xml": {Local: "rss"}, "releases/feed.xml": {Local: "rss"},
		"feed.atom": {Space: "http://www.w3.org/2005/Atom", Local: "feed"}, "releases/feed.atom": {Space: "http://www.w3.org/2005/Atom", Local: "feed"},
	} {
		data, err := os.ReadFile(filepath.Join(out, path))
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		var root xml.Name
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if se, ok := tok.(xml.StartElement); ok && root.Local == "" {
				root = se.Name
			}
		}
		if root != want {
			t.Errorf("%s: root %v, want %v", path, root, want)
		}
	}
}

// TestFeedsByteIdentical: two builds of the same input write the same feeds.
func TestFeedsByteIdentical(t *testing.T) {
	var outs []string
	for i := 0; i < 2; i++ {
		out := filepath.Join(t.TempDir(), "public")
		if _, err := Build(context.Background(), Options{Dir: sampleDir, Out: out, Theme: kb.Theme, LockWait: sharedSiteWait}); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
		if i == 0 {
			time.Sleep(1100 * time.Millisecond) // a clock read would show
		}
	}
	for _, dir := range []string{"", "releases/"} {
		for _, ext := range feedFormats {
			p := dir + "feed." + ext
			a, err := os.ReadFile(filepath.Join(outs[0], p))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(outs[1], p))
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between builds", p)
			}
		}
	}
}

// TestAutodiscovery: each page's head advertises the feeds that matter to
// it, every advertised feed exists, and the pages show subscribe links.
func TestAutodiscovery(t *testing.T) {
	_, out := buildDir(t, mkSite(t, twoProducts), false)
	allThenReleases := []string{"/feed.xml", "/feed.atom", "/feed.json", "/releases/feed.xml", "/releases/feed.atom", "/releases/feed.json"}
	tests := map[string][]string{
		"index.html":               allThenReleases,
		"articles/sync/index.html": allThenReleases,
		"articles/index.html":      allThenReleases,
		"tags/index.html":          allThenReleases,
		"search/index.html":        allThenReleases,
		"releases/alpha-2-0/index.html": {"/releases/feed.xml", "/releases/feed.atom", "/releases/feed.json",
			"/releases/alpha/feed.xml", "/releases/alpha/feed.atom", "/releases/alpha/feed.json"},
		"releases/beta-3-0/index.html": {"/releases/feed.xml", "/releases/feed.atom", "/releases/feed.json",
			"/releases/beta/feed.xml", "/releases/beta/feed.atom", "/releases/beta/feed.json"},
		"known-issues/index.html": {"/releases/feed.xml", "/releases/feed.atom", "/releases/feed.json",
			"/releases/alpha/feed.xml", "/releases/alpha/feed.atom", "/releases/alpha/feed.json",
			"/releases/beta/feed.xml", "/releases/beta/feed.atom", "/releases/beta/feed.json"},
	}
	for page, want := range tests {
		doc := htmlDoc(t, out, page)
		got := alternates(doc)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s advertises\n%v\nwant\n%v", page, got, want)
		}
		types := map[string]string{".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/feed+json"}
		for _, l := range nodesWhere(doc, func(n *html.Node) bool { return n.Data == "link" && nodeAttr(n, "rel") == "alternate" }) {
			href := nodeAttr(l, "href")
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(href))); err != nil {
				t.Errorf("%s advertises %s, which the build has not", page, href)
			}
			if nodeAttr(l, "type") != types[filepath.Ext(href)] || nodeAttr(l, "title") == "" {
				t.Errorf("%s: <link> to %s has type %q title %q", page, href, nodeAttr(l, "type"), nodeAttr(l, "title"))
			}
		}
	}
	// The product feeds hold only their product's releases.
	for product, want := range map[string][]string{
		"alpha": {"Alpha 1.0.1", "Alpha 2.0", "Alpha 1.0"},
		"beta":  {"Beta 3.0"},
	} {
		for _, ext := range feedFormats {
			f := readFeed(t, out, "releases/"+product+"/feed."+ext)
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Title)
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s feed.%s: %v, want %v", product, ext, got, want)
			}
		}
	}
	for _, page := range []string{"releases/index.html", "releases/alpha-2-0/index.html", "index.html"} {
		if len(linksTo(htmlDoc(t, out, page), "/releases/feed.xml")) == 0 {
			t.Errorf("%s has no visible link to the release feed", page)
		}
	}
}

// TestFeedsWithoutBaseURL: no feeds, no links to them, one warning.
func TestFeedsWithoutBaseURL(t *testing.T) {
	files := map[string]string{}
	for k, v := range twoProducts {
		files[k] = v
	}
	files["site.yaml"] = "title: No Base\n"
	res, out := buildDir(t, mkSite(t, files), false)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "base_url") {
		t.Errorf("warnings %q, want one about base_url", res.Warnings)
	}
	var feeds []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "feed.") {
			feeds = append(feeds, p)
		}
		return nil
	})
	if len(feeds) > 0 {
		t.Errorf("feeds written without base_url: %v", feeds)
	}
	for _, page := range []string{"index.html", "releases/index.html", "releases/alpha-2-0/index.html"} {
		doc := htmlDoc(t, out, page)
		if alt := alternates(doc); len(alt) > 0 {
			t.Errorf("%s advertises %v", page, alt)
		}
		for _, a := range nodesWhere(doc, func(n *html.Node) bool { return n.Data == "a" }) {
			if strings.Contains(nodeAttr(a, "href"), "feed.") {
				t.Errorf("%s links to %s", page, nodeAttr(a, "href"))
			}
		}
	}
}

// TestDraftReleaseNotInFeeds: kb build --drafts renders a draft release's
// page but keeps it out of every feed.
func TestDraftReleaseNotInFeeds(t *testing.T) {
	files := map[string]string{}
	for k, v := range twoProducts {
		files[k] = v
	}
	files["content/releases/alpha-3-0.md"] = "---\ntitle: Alpha 3.0 secret\nproduct: Alpha\nversion: \"3.0\"\ndate: 2026-06-01\nupdated: 2026-06-01\ndraft: true\n---\nSoon.\n"
	files["content/articles/draft.md"] = "---\ntitle: Draft article\nupdated: 2026-06-01\ndraft: true\nprerequisites: [An account]\nrelated: [/articles/sync/]\n---\nSoon.\n"
	for _, drafts := range []bool{false, true} {
		_, out := buildDir(t, mkSite(t, files), drafts)
		if _, err := os.Stat(filepath.Join(out, "releases/alpha-3-0/index.html")); (err == nil) != drafts {
			t.Errorf("drafts=%v: draft page built: %v", drafts, err == nil)
		}
		var paths []string
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), "feed.") {
				paths = append(paths, p)
			}
			return nil
		})
		sort.Strings(paths)
		if len(paths) != 12 {
			t.Errorf("drafts=%v: %d feed files, want 12: %v", drafts, len(paths), paths)
		}
		for _, p := range paths {
			data, _ := os.ReadFile(p)
			if bytes.Contains(data, []byte("secret")) || bytes.Contains(data, []byte("Draft article")) {
				t.Errorf("drafts=%v: %s carries a draft", drafts, p)
			}
		}
	}
}
