package markdown

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/corpus"
)

// linkifySeeds are Markdown texts full of autolink edge cases, and the
// sample site's pages.
func linkifySeeds(t testing.TB) []string {
	seeds := []string{
		"Go to https://example.com/a_(b) or www.example.com. Mail help@octoacme.com, not @here or a@b.\n",
		"*http://x.io* _www.y.org_ ~ftp://z~ (https://q.example/path?x=1). Trailing https://a.b/c.\n",
		"x@y.z-_ user.name+tag@sub.example.co.uk, mailto:who@example.com &amp; www.a.b; h f w hx fy wz\n",
		"[link https://in.label](/x) `https://code` <https://angle.example>\n\n| a | https://t.example |\n|---|---|\n| w@x.yz | b |\n",
		"Ünïcode www.пример.рф and e@mail.ü ok\n\twww.tab.example\n  https://indented.example\n",
		// local parts of 63 to 66 bytes: goldmark reads 64 at most (mayLink)
		"(" + strings.Repeat("a", 63) + "@example.com (" + strings.Repeat("b", 64) + "@example.com (" +
			strings.Repeat("c", 65) + "@example.com (" + strings.Repeat("d", 66) + "@example.com\n",
	}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := corpus.Generate(dir, corpus.Options{Pages: 30, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{"../../content", filepath.Join(dir, "content")} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".md") {
				if b, err := os.ReadFile(p); err == nil {
					seeds = append(seeds, string(b))
				}
			}
			return nil
		})
	}
	return seeds
}

// sameAsStockLinkify fails unless kb's converter gives the same HTML and
// links as one with goldmark's own linkify parser.
func sameAsStockLinkify(t *testing.T, quick, stock *Converter, src string) {
	t.Helper()
	a, err1 := quick.Convert([]byte(src), "/x/")
	b, err2 := stock.Convert([]byte(src), "/x/")
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if a.HTML != b.HTML {
		t.Fatalf("autolinks differ from goldmark's linkify on %q:\nkb:    %s\nstock: %s", src, a.HTML, b.HTML)
	}
	if len(a.Links) != len(b.Links) {
		t.Fatalf("links differ on %q: %v, %v", src, a.Links, b.Links)
	}
}

func TestLinkifySameAsStock(t *testing.T) {
	quick, stock := New(Options{}), New(Options{stockLinkify: true})
	for _, s := range linkifySeeds(t) {
		sameAsStockLinkify(t, quick, stock, s)
	}
}

// FuzzLinkify checks kb's quick linkify against goldmark's on any text.
func FuzzLinkify(f *testing.F) {
	for _, s := range linkifySeeds(f) {
		f.Add(s)
	}
	quick, stock := New(Options{}), New(Options{stockLinkify: true})
	f.Fuzz(func(t *testing.T, src string) {
		sameAsStockLinkify(t, quick, stock, src)
	})
}
