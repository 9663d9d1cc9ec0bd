package search_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	kbtheme "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/search/api"
	"github.com/octoacme/kb/internal/site"
)

// builtSample builds the sample site once for the browser tests.
var builtSample struct {
	once      sync.Once
	out, path string
	err       error
}

func buildSample(t *testing.T) (out, indexPath string) {
	t.Helper()
	builtSample.once.Do(func() {
		dir, err := os.MkdirTemp("", "kb-browser-")
		if err != nil {
			builtSample.err = err
			return
		}
		search.RemoveAfterTests(dir)
		builtSample.out = filepath.Join(dir, "public")
		res, err := site.Build(context.Background(), site.Options{Dir: "../..", Out: builtSample.out, Theme: kbtheme.Theme,
			// other packages' tests build the sample site at the same time
			LockWait: 5 * time.Minute})
		if err != nil {
			builtSample.err = err
			return
		}
		builtSample.path = res.Search.Path
	})
	if builtSample.err != nil {
		t.Fatal(builtSample.err)
	}
	return builtSample.out, builtSample.path
}

// requests counts the requests a test server sees, by path prefix.
type requests struct {
	mu    sync.Mutex
	paths []string
}

func (r *requests) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.URL.Path)
		r.mu.Unlock()
		h.ServeHTTP(w, req)
	})
}

func (r *requests) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.paths {
		if strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

func browserSkip(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
}

// TestBrowserSearchAPI serves the built sample site with the search API,
// as kb serve does (no static index: its requests are answered 404), and
// runs the customer's scenario; the answers come from the API.
func TestBrowserSearchAPI(t *testing.T) {
	browserSkip(t)
	out, indexPath := buildSample(t)
	b := browsertest.New(t, 90*time.Second)
	ix, err := search.Open(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	mux := http.NewServeMux()
	mux.Handle("/api/search", api.NewHandler(ix))
	mux.Handle("/kb-search/", http.NotFoundHandler())
	mux.Handle("/", http.FileServer(http.Dir(out)))
	var reqs requests
	srv := httptest.NewServer(reqs.wrap(mux))
	defer srv.Close()
	scenario(t, b, srv.URL, rankOrder(t, indexPath))
	if reqs.count("/api/search") == 0 {
		t.Error("the API answered no search")
	}
	b.CheckNoExceptions(t)
}

// TestBrowserSearchStatic serves the built sample site with a plain static
// file server, no API, and runs the same scenario: the static index answers.
func TestBrowserSearchStatic(t *testing.T) {
	browserSkip(t)
	out, indexPath := buildSample(t)
	b := browsertest.New(t, 90*time.Second)
	var reqs requests
	srv := httptest.NewServer(reqs.wrap(http.FileServer(http.Dir(out))))
	defer srv.Close()
	scenario(t, b, srv.URL, rankOrder(t, indexPath))
	if n := reqs.count("/kb-search/p."); n == 0 {
		t.Error("no postings file was loaded")
	}
	if n := reqs.count("/kb-search/manifest.json"); n == 0 {
		t.Error("the manifest was not loaded")
	}
	badInput(t, b, srv.URL)
	b.CheckNoExceptions(t)
}

// TestBrowserSearchCorrupt serves a copy of the site whose postings files
// are truncated or missing: search says it is unavailable, and shows no
// results.
func TestBrowserSearchCorrupt(t *testing.T) {
	browserSkip(t)
	out, _ := buildSample(t)
	for _, damage := range []string{"truncated", "missing"} {
		t.Run(damage, func(t *testing.T) {
			b := browsertest.New(t, 60*time.Second)
			h := http.FileServer(http.Dir(out))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasPrefix(r.URL.Path, "/kb-search/p.") {
					h.ServeHTTP(w, r)
					return
				}
				if damage == "missing" {
					http.NotFound(w, r)
					return
				}
				data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(r.URL.Path)))
				if err != nil {
					http.NotFound(w, r)
					return
				}
				w.Write(data[:len(data)/2])
			}))
			defer srv.Close()
			ctx := b.Ctx
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search/?q=password")); err != nil {
				t.Fatal(err)
			}
			got, ok := b.WaitText(`document.querySelector(".kb-results__status") ? document.querySelector(".kb-results__status").textContent : ""`, "not available", 15*time.Second)
			if !ok {
				t.Errorf("status %q, want the unavailable message", got)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".kb-results__list .kb-hit").length`)); n != 0 {
				t.Errorf("%d results shown from a damaged index", n)
			}
			b.CheckNoExceptions(t)
		})
	}
}

// rankOrder is the URLs of the API's results for "password", the
// scenario's query, in rank order (the results page shows 20).
func rankOrder(t *testing.T, indexPath string) string {
	t.Helper()
	ix, err := search.Open(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r, err := ix.Search(context.Background(), search.Request{Q: "password", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, h := range r.Hits {
		urls = append(urls, h.URL)
	}
	return strings.Join(urls, " ")
}

// scenario uses search like a customer: suggestions in the header box,
// the results page in rank order (want: the URLs) with type badges,
// highlights and filter counts, a filter, the keyboard, a typo, an empty
// result.
func scenario(t *testing.T, b *browsertest.Browser, base, want string) {
	t.Helper()
	ctx := b.Ctx
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(sel)) }

	// The header box: suggestions while typing, matches marked.
	do("open a page", chromedp.Navigate(base+"/articles/reset-your-password/"), visible("#kb-q-header"))
	if loaded := eval(`String(window.kbSearch !== undefined || window.kbSearchIndex !== undefined)`); loaded != "false" {
		t.Errorf("search scripts loaded before anyone searched: %s", loaded)
	}
	// A click, not DOM.focus: an unfocused headless page fires no focusin for the latter.
	do("click the header box", chromedp.Click(chromedp.CSS("#kb-q-header")))
	do("script loaded", chromedp.Poll[chromedp.Void](`window.kbSearch !== undefined`))
	do("type", chromedp.SendKeys(chromedp.CSS("#kb-q-header"), "cant sign in"), visible(".kb-suggest .kb-hit mark"))
	first, marked := text(".kb-suggest .kb-hit .kb-hit__title"), text(".kb-suggest .kb-hit mark")
	expanded := eval(`document.querySelector("#kb-q-header").getAttribute("aria-expanded")`)
	if !strings.HasPrefix(first, "Can't sign in") || marked == "" || expanded != "true" {
		t.Errorf("header suggestions: first %q, marked %q, aria-expanded %q", first, marked, expanded)
	}

	// The results page: one box, results in rank order with their type as
	// a badge, highlights, filters with counts.
	do("results page",
		chromedp.Navigate(base+"/search/?q=password"),
		visible(".kb-results__list .kb-hit"),
		visible(".kb-facet__option"),
	)
	status, facets := text(".kb-results__status"), text(".kb-facets")
	order := eval(`Array.from(document.querySelectorAll(".kb-results__list .kb-hit__link")).map(a => a.getAttribute("href")).join(" ")`)
	badges := eval(`Array.from(document.querySelectorAll(".kb-results__list .kb-hit")).map(h => h.querySelector(".kb-hit__meta .badge").textContent).join("|")`)
	boxes := eval(`String(document.querySelectorAll("input[type=search]").length)`)
	snippetHTML := eval(`document.querySelector(".kb-results__list .kb-hit__snippet").innerHTML`)
	// The results are a list of links: ArrowDown goes from the box to the
	// first, and on to the next; ArrowUp from the first back to the box.
	focused := `(document.activeElement.closest(".kb-hit") ? "hit" + Array.from(document.querySelectorAll(".kb-hit__link")).indexOf(document.activeElement) : document.activeElement.id)`
	do("arrow down", chromedp.Click(chromedp.CSS("#kb-q-page")), chromedp.KeyEvent(kb.ArrowDown))
	active := eval(focused)
	do("arrow down again", chromedp.KeyEvent(kb.ArrowDown))
	next := eval(focused)
	do("arrow up twice", chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp))
	back := eval(focused)
	if !strings.Contains(status, "results for “password”") {
		t.Errorf("status %q", status)
	}
	if !strings.Contains(facets, "All (") || !strings.Contains(facets, "FAQ (") || !strings.Contains(facets, "How-to guide (") {
		t.Errorf("facet counts %q", facets)
	}
	if order != want {
		t.Errorf("results in the order\n%s\nwant the API's rank order\n%s", order, want)
	}
	if !strings.Contains(badges, "FAQ") || !strings.Contains(badges, "How-to guide") {
		t.Errorf("type badges %q", badges)
	}
	if boxes != "1" {
		t.Errorf("%s search boxes on /search/, want 1", boxes)
	}
	if !strings.Contains(snippetHTML, "<mark>") {
		t.Errorf("snippet without highlight: %q", snippetHTML)
	}
	if active != "hit0" || next != "hit1" || back != "kb-q-page" {
		t.Errorf("arrow keys: focus on %q, then %q, then back on %q; want hit0, hit1, kb-q-page", active, next, back)
	}
	if role := eval(`document.querySelector("#kb-q-page").getAttribute("role") || "none"`); role != "none" {
		t.Errorf("the results page's box has role %q: its results are links below it, not a popup", role)
	}

	// A filter narrows the results and keeps the counts of the others.
	do("filter",
		chromedp.Click(chromedp.CSS(`.kb-facet__option[data-facet="type"][data-value="faq"]`)),
		visible(`.kb-facet__option[data-value="faq"][aria-pressed="true"]`),
		chromedp.Poll[chromedp.Void](`Array.from(document.querySelectorAll(".kb-results__list .kb-hit")).every(h => h.classList.contains("kb-hit--faq"))`),
	)
	types := eval(`Array.from(document.querySelectorAll(".kb-results__list .kb-hit")).map(e => e.className).join(" ")`)
	url := eval(`location.search`)
	if strings.Contains(types, "kb-hit--article") || !strings.Contains(url, "type=faq") {
		t.Errorf("after the FAQ filter: hits %q, address %q", types, url)
	}
	if f := text(".kb-facets"); !strings.Contains(f, "How-to guide (") {
		t.Errorf("the type counts lost the other types under a filter: %q", f)
	}

	// A typo: "showing results for".
	do("typo", chromedp.Navigate(base+"/search/?q=invoce"), visible(".kb-results__corrected"))
	if c := text(".kb-results__corrected"); c != "Showing results for invoice" {
		t.Errorf("corrected line %q", c)
	}
	if n := eval(`String((document.querySelector(".kb-results__status").textContent + document.querySelector(".kb-results__corrected").textContent).split("invoice").length - 1)`); n != "1" {
		t.Errorf("the corrected query is said %s times, want once: %q", n, text(".kb-results__status"))
	}

	// Code the page quotes shows as code in snippets.
	do("code in snippets", chromedp.Navigate(base+"/search/?q=octo_pat_"), visible(".kb-results__list .kb-hit__snippet code mark"))
	if s := text(".kb-results__list .kb-hit__snippet"); strings.Contains(s, "<code>") || !strings.Contains(s, "octo_pat_") {
		t.Errorf("snippet with code %q", s)
	}

	// Nothing found: the empty state with tips, popular pages and support.
	do("empty state", chromedp.Navigate(base+"/search/?q=zzqqxxvv"), visible(".kb-empty"))
	if empty := text(".kb-results__body"); !strings.Contains(empty, "Popular in") || !strings.Contains(empty, "Contact support") {
		t.Errorf("empty state %q", empty)
	}
	// The theme's tips are for any help center: no product, code or
	// example of the sample site.
	if tips := text(".kb-empty__tips"); regexp.MustCompile(`[A-Z]{2,10}-[0-9]{2,6}|OctoAcme|invoice|teammate|card`).MatchString(tips) {
		t.Errorf("the no-results tips name the sample site's things: %q", tips)
	}
}

// badInput types hostile queries into the results page: none may throw,
// hang, or put markup of its own into the page.
func badInput(t *testing.T, b *browsertest.Browser, base string) {
	t.Helper()
	ctx := b.Ctx
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search/"), chromedp.WaitVisible(chromedp.CSS("#kb-q-page"))); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`<img src=x onerror="window.injected=1">`, `"><script>window.injected=1</script>`, `password <b>bold</b>`,
		strings.Repeat("a ", 40), strings.Repeat("x", 300), "\u202e\u0000\ufffd password", "((((", `"unbalanced`,
		"🙂🙂🙂", "中文", "AUTH-401 <script>", "&amp; &lt;mark&gt;",
	} {
		err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(function (q) {
			document.querySelector(".kb-results__status").textContent = "";
			var i = document.querySelector("#kb-q-page");
			i.value = q;
			i.dispatchEvent(new Event("input", {bubbles: true}));
		})(`+jsString(q)+`)`))
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		// Each query ends in some status: results, none, or a message.
		got, ok := b.WaitText(`document.querySelector(".kb-results__status").textContent || ""`, "", 0)
		for deadline := time.Now().Add(15 * time.Second); got == "" && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
			got, ok = b.WaitText(`document.querySelector(".kb-results__status").textContent || ""`, "", 0)
		}
		switch {
		case !ok || got == "":
			t.Errorf("%q: no status", q)
		case len(q) > 256 && !strings.Contains(got, "at most 256"), strings.Count(q, " ") > 32 && !strings.Contains(got, "at most 32"):
			t.Errorf("%q: status %q, want the limit", q, got)
		}
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
			var out = [];
			if (window.injected) out.push("injected");
			document.querySelectorAll(".kb-results img, .kb-results script, .kb-results b, .kb-results iframe").forEach(function (e) { out.push(e.tagName); });
			document.querySelectorAll(".kb-hit__snippet *").forEach(function (e) {
				// kb.js keeps error codes on one line in a span of its own;
				// code the page quotes is a bare <code> in the snippet itself
				var code = e.tagName === "CODE" && !e.attributes.length && e.parentNode.classList.contains("kb-hit__snippet");
				if (e.tagName !== "MARK" && !code && !(e.tagName === "SPAN" && e.className === "nowrap" && !e.children.length)) out.push("snippet " + e.tagName);
			});
			return out.join(",");
		})()`))
		if err != nil || bad != "" {
			t.Errorf("%q: markup from the query in the page: %q %v", q, bad, err)
		}
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16(r) {
				b.WriteString(`\u`)
				b.WriteString(strings.ToUpper(hex4(u)))
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func utf16(r rune) []uint16 {
	if r == 0xFFFD {
		return []uint16{0xD800} // stands for the lone surrogate in the fixture
	}
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r -= 0x10000
	return []uint16{uint16(0xD800 + (r >> 10)), uint16(0xDC00 + (r & 0x3FF))}
}

func hex4(u uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[u>>12], digits[u>>8&15], digits[u>>4&15], digits[u&15]})
}

// TestBrowserTypedBeforeScript: kb.js loads search.js only when a search
// box takes focus, so a customer (or a slow connection) can type before it
// has arrived; the words already in the box get their suggestions without
// another key. Before, the box stayed silent until the next keystroke.
func TestBrowserTypedBeforeScript(t *testing.T) {
	browserSkip(t)
	out, _ := buildSample(t)
	b := browsertest.New(t, 90*time.Second)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"/articles/")); err != nil {
		t.Fatal(err)
	}
	// The words are in the box before it takes focus, which starts loading
	// search.js: no input event will follow.
	loaded, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(() => {
		const q = document.querySelector("#kb-q-header");
		q.value = "sync";
		return q.getAttribute("role") === "combobox"; // search.js has set up the box
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if loaded {
		t.Fatal("search.js was loaded before the box took focus: the test does not test the late load")
	}
	if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS("#kb-q-header"))); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".kb-suggest .kb-hit"))); err != nil {
		state, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`JSON.stringify({role: document.querySelector("#kb-q-header").getAttribute("role"), active: document.activeElement && document.activeElement.id, list: (document.querySelector(".kb-suggest") || {}).outerHTML})`))
		t.Fatalf("no suggestions for the words typed before search.js arrived: %v (%s)", err, state)
	}
	b.CheckNoExceptions(t)
}
