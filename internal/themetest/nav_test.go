package themetest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/octoacme/kb/internal/browsertest"
)

// navState is what a reader sees of a page's navigation block, read in
// the browser.
type navState struct {
	Found   bool   `json:"found"`
	Visible bool   `json:"visible"` // laid out, inside the screen's width
	Heading string `json:"heading"`
	Current string `json:"current"` // the link marked aria-current
	Prev    string `json:"prev"`
	PrevTxt string `json:"prevText"`
	Next    string `json:"next"`
	NextTxt string `json:"nextText"`
	Links   int    `json:"links"`
}

// readNav reads the nav element labelled label.
func readNav(label string) string {
	return `(function () {
	var n = document.querySelector('nav[aria-label="` + label + `"]'), out = {found: !!n};
	if (!n) return out;
	var r = n.getBoundingClientRect(), vw = document.documentElement.clientWidth;
	out.visible = r.height > 0 && r.left >= 0 && r.right <= vw + 0.5 && getComputedStyle(n).visibility === "visible";
	n.querySelectorAll("a").forEach(function (a) {
		var q = a.getBoundingClientRect();
		if (q.width === 0 || q.right > vw + 0.5) out.visible = false;
	});
	var h = n.querySelector("h2");
	out.heading = h ? h.textContent.trim() : "";
	var cur = n.querySelector("a[aria-current=page]");
	out.current = cur ? cur.pathname : "";
	var p = n.querySelector("a[rel=prev]"), x = n.querySelector("a[rel=next]");
	out.prev = p ? p.pathname : ""; out.prevText = p ? p.innerText.replace(/\s+/g, " ").trim() : "";
	out.next = x ? x.pathname : ""; out.nextText = x ? x.innerText.replace(/\s+/g, " ").trim() : "";
	out.links = n.querySelectorAll("li a").length;
	return out;
})()`
}

// TestNavigation: what a reader sees below an article and a release, on a
// desktop and a phone. An article shows "In this section" with its
// section's name, the page itself marked, and previous and next links that lead to the pages
// either side, whose own links lead back. A release links the releases
// just before and after it by version, named by version, and they link
// back. Everything fits the screen's width.
func TestNavigation(t *testing.T) {
	browserSkip(t)
	base := serveSample(t)
	b := browsertest.New(t, 2*time.Minute)
	ctx := b.Ctx
	read := func(label string) navState {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[navState](readNav(label)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	// follow clicks the link and waits for the page it leads to.
	follow := func(sel, want string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && strings.HasSuffix(loc, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("clicking %s led to %s, want %s", sel, loc, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
	}
	const (
		article  = "/articles/install-the-desktop-app/"
		section  = `nav[aria-label="In this section"]`
		releases = "Previous and next releases"
	)
	for _, v := range []view{views[0], views[2]} {
		if err := chromedp.Do(ctx, emulate(v)); err != nil {
			t.Fatal(err)
		}
		open(article)
		s := read("In this section")
		if !s.Found || !s.Visible || s.Heading != "In this section: How-to guides" || s.Current != article || s.Links < 3 ||
			s.Prev == "" || s.Next == "" || !strings.HasPrefix(s.PrevTxt, "Previous ") || !strings.HasPrefix(s.NextTxt, "Next ") {
			t.Fatalf("%s %s: %+v", v.Name, article, s)
		}
		follow(section+" a[rel=next]", s.Next)
		if back := read("In this section"); back.Prev != article || back.Current != s.Next {
			t.Errorf("%s: the next page %s: %+v; its previous link should lead back to %s", v.Name, s.Next, back, article)
		}

		open("/releases/3-6-0/")
		r := read(releases)
		if !r.Found || !r.Visible || r.Prev != "/releases/3-5-0/" || r.Next != "/releases/3-7-0/" ||
			r.PrevTxt != "Previous release OctoAcme 3.5.0" || r.NextTxt != "Next release OctoAcme 3.7.0" {
			t.Fatalf("%s /releases/3-6-0/: %+v", v.Name, r)
		}
		follow(`nav[aria-label="`+releases+`"] a[rel=next]`, "/releases/3-7-0/")
		if n := read(releases); n.Prev != "/releases/3-6-0/" || n.Next != "" {
			t.Errorf("%s /releases/3-7-0/ (the latest): %+v", v.Name, n)
		}
		open("/releases/3-4-0/")
		if o := read(releases); o.Prev != "" || o.Next != "/releases/3-5-0/" {
			t.Errorf("%s /releases/3-4-0/ (the first): %+v", v.Name, o)
		}
	}
	b.CheckNoExceptions(t)
}
