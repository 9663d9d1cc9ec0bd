package search

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// formPages write one word in several forms: "share" on two pages,
// "sharing" on one, "scheduler" on one.
func formPages(t testing.TB) []*content.Page {
	page := pageParser(t)
	return []*content.Page{
		page("content/articles/share.md", "---\ntitle: Share a folder\n---\nShare it with the people.\n"),
		page("content/articles/links.md", "---\ntitle: Links\n---\nShare a link with anyone.\n"),
		page("content/articles/sharing.md", "---\ntitle: Sharing settings\n---\nWho sees what.\n"),
		page("content/articles/scheduler.md", "---\ntitle: The scheduler\n---\nRun jobs at night.\n"),
		page("content/articles/other.md", "---\ntitle: Sharp images\n---\nScale the photo.\n"),
	}
}

// TestWordForms checks Settings.Forms: a query word finds the other forms
// of its Snowball stem, and the form typed still ranks first, although
// "sharing" is rarer than "share" (a form takes the typed word's idf when
// that is lower). Without Forms, the plural stemmer finds the typed form
// only.
func TestWordForms(t *testing.T) {
	pages := formPages(t)
	forms := buildIndex(t, pages, config.Default(), Settings{Forms: true})
	plain := buildIndex(t, pages, config.Default(), Settings{})
	for _, c := range []struct {
		q           string
		forms, none string // the ids in rank order, with Forms and without
	}{
		{"share", "/articles/share/ /articles/links/ /articles/sharing/", "/articles/share/ /articles/links/"},
		{"sharing", "/articles/sharing/ /articles/share/ /articles/links/", "/articles/sharing/"},
		{"scheduling jobs", "/articles/scheduler/", "/articles/scheduler/"},
		{"scheduling", "/articles/scheduler/", ""},
	} {
		for _, v := range []struct {
			ix   *Index
			want string
		}{{forms, c.forms}, {plain, c.none}} {
			r, err := v.ix.Search(context.Background(), Request{Q: c.q})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(ids(r), " "); got != v.want {
				t.Errorf("%q (forms %v): got %q, want %q", c.q, v.ix.meta.Forms, got, v.want)
			}
		}
	}
	// A word whose forms are indexed is not a typo: "scheduled" finds the
	// scheduler as a form, not by correction to "scheduler".
	r, err := forms.Search(context.Background(), Request{Q: "scheduled"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Corrected != "" || len(r.Hits) == 0 || r.Hits[0].ID != "/articles/scheduler/" {
		t.Errorf("scheduled: corrected %q, %v; want the scheduler uncorrected", r.Corrected, ids(r))
	}
	// "sharing" (in 1 document) matched for "share" (in 2) is worth
	// share's idf, not its own higher one.
	r, err = forms.Search(context.Background(), Request{Q: "share", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hits {
		if h.ID == "/articles/sharing/" {
			if e := h.Explanation.String(); !strings.Contains(e, "text:sharing: boost 0.3 × idf 0.8755 (df 2)") {
				t.Errorf("the explanation of sharing for share has not share's df:\n%s", e)
			}
		}
	}
	// The static client has no Snowball stemmer: it refuses the index
	// rather than rank differently.
	if _, err := Export(context.Background(), forms.Path(), dirWriter(t.TempDir())); err == nil || !strings.Contains(err.Error(), "word forms") {
		t.Errorf("export of an index with word forms: %v, want an error naming word forms", err)
	}
	if _, err := OpenStatic(os.DirFS(exportIndex(t, plain))); err != nil {
		t.Fatal(err)
	}
}
