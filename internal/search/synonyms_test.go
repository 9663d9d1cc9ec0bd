package search

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
)

// TestSynonymsMerge checks how the site's synonyms and the built-in ones
// combine: built-in ones by default, none when turned off, and a site's
// entry for a word replacing the built-in entry for it.
func TestSynonymsMerge(t *testing.T) {
	off := false
	if got := Synonyms(config.Search{}); !reflect.DeepEqual(got, BuiltinSynonyms) {
		t.Errorf("default: %v, want the built-in list", got)
	}
	site := []config.Synonym{oneWay("iphone", "apple"), twoWay("sign in", "log in")}
	if got := Synonyms(config.Search{Synonyms: site, BuiltinSynonyms: &off}); !reflect.DeepEqual(got, site) {
		t.Errorf("off: %v, want the site's only", got)
	}
	tab := newSynonymTable(Synonyms(config.Search{Synonyms: site}))
	alts := func(q string) []string {
		sp := tab.match(strings.Fields(q))
		return sp[0].alts
	}
	if got := alts("iphone"); !reflect.DeepEqual(got, []string{"iphone", "apple"}) {
		t.Errorf("iphone: %q, want the site's entry alone", got)
	}
	if got := alts("ipad"); !reflect.DeepEqual(got, []string{"ipad", "ios", "ipados"}) {
		t.Errorf("ipad: %q, want the built-in entry", got)
	}
	// "sign in" is the site's; "login" keeps the built-in group.
	if got := alts("sign in"); !reflect.DeepEqual(got, []string{"sign in", "log in"}) {
		t.Errorf("sign in: %q", got)
	}
	if got := alts("login"); len(got) < 4 || got[0] != "login" {
		t.Errorf("login: %q", got)
	}
}

// TestBuiltinSynonymsSearch checks that a customer's device word finds the
// platform's page with no synonyms in site.yaml, in the API and the static
// export, and not when the built-in synonyms are off.
func TestBuiltinSynonymsSearch(t *testing.T) {
	page := pageParser(t)
	pages := []*content.Page{
		page("content/articles/ios.md", "---\ntitle: Install on iOS\n---\nGet the app from the App Store.\n"),
		page("content/articles/web.md", "---\ntitle: Use the web app\n---\nOpen a browser.\n"),
	}
	top := func(s interface {
		Search(context.Context, Request) (*Response, error)
	}) string {
		r, err := s.Search(context.Background(), Request{Q: "iphone app"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) == 0 {
			return ""
		}
		return r.Hits[0].ID
	}
	ix := buildIndex(t, pages, config.Default(), Settings{})
	static, err := OpenStatic(os.DirFS(exportIndex(t, ix)))
	if err != nil {
		t.Fatal(err)
	}
	if got, gotStatic := top(ix), top(static); got != "/articles/ios/" || gotStatic != got {
		t.Errorf("iphone app: %q (static %q), want /articles/ios/", got, gotStatic)
	}
	cfg := config.Default()
	off := false
	cfg.Search.BuiltinSynonyms = &off
	if got := top(buildIndex(t, pages, cfg, Settings{})); got == "/articles/ios/" {
		t.Errorf("built-in synonyms off: iphone app still finds %q first", got)
	}
}

// TestBuiltinSynonymsDocumented checks that docs/search.md lists every
// built-in synonym as it is.
func TestBuiltinSynonymsDocumented(t *testing.T) {
	data, err := os.ReadFile("../../docs/search.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range BuiltinSynonyms {
		line := strings.Join(s.From, ", ") + " => " + strings.Join(s.To, ", ")
		if s.TwoWay {
			line = "[" + strings.Join(s.From, ", ") + "]"
		}
		if !strings.Contains(string(data), "    - "+line+"\n") {
			t.Errorf("docs/search.md does not list %q", line)
		}
	}
}
