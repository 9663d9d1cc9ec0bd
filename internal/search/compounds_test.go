package search

import (
	"context"
	"os"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// compoundPages write each compound one way: hyphenated, joined or spaced.
func compoundPages(t testing.TB) []*content.Page {
	page := pageParser(t)
	return []*content.Page{
		page("content/articles/autofill.md", "---\ntitle: Turn on Auto-fill\n---\nForms fill themselves.\n"),
		page("content/articles/dropbox.md", "---\ntitle: Connect Dropbox\n---\nLink your account.\n"),
		page("content/articles/mail.md", "---\ntitle: Change your e-mail address\n---\nType the new address.\n"),
		page("content/articles/setup.md", "---\ntitle: Set up the printer\n---\nPlug it in.\n"),
		page("content/articles/other.md", "---\ntitle: Fill in a box\n---\nAuto drop set mail.\n"),
	}
}

// compoundQueries are each compound typed the other ways, and the page.
var compoundQueries = map[string]string{
	"autofill": "/articles/autofill/", "auto fill": "/articles/autofill/", "auto-fill": "/articles/autofill/",
	"drop box": "/articles/dropbox/", "drop-box": "/articles/dropbox/", "dropbox": "/articles/dropbox/",
	"email": "/articles/mail/", "e mail": "/articles/mail/", "change email": "/articles/mail/",
	"setup": "/articles/setup/", "set-up printer": "/articles/setup/", "printer setup": "/articles/setup/",
}

// TestCompounds checks that hyphenated, joined and spaced forms of a word
// find each other, in the API and the static client's Go port.
func TestCompounds(t *testing.T) {
	ix := buildIndex(t, compoundPages(t), config.Default(), Settings{})
	static, err := OpenStatic(os.DirFS(exportIndex(t, ix)))
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range compoundQueries {
		for name, s := range map[string]interface {
			Search(context.Context, Request) (*Response, error)
		}{"api": ix, "static": static} {
			r, err := s.Search(context.Background(), Request{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) == 0 || r.Hits[0].ID != want || r.Corrected != "" {
				t.Errorf("%s: %q: corrected %q, %v; want %s first", name, q, r.Corrected, ids(r), want)
			}
		}
	}
}

// TestParityCompounds holds the JavaScript client to the API on the
// compound queries, typed and as you type.
func TestParityCompounds(t *testing.T) {
	ix := buildIndex(t, compoundPages(t), config.Default(), Settings{})
	var reqs []Request
	for q := range compoundQueries {
		reqs = append(reqs, Request{Q: q}, Request{Q: q, Prefix: true})
	}
	parity(t, ix, exportIndex(t, ix), reqs)
}
