package search_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	kbtheme "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/site"
)

const chromium = "/usr/bin/chromium"

// TestBrowserSearch builds the sample site, serves it with the search API
// on httptest, and uses headless Chromium like a customer: type into the
// header box and see highlighted suggestions; open /search/?q= and see
// grouped, highlighted results with filter counts; filter; correct a typo;
// move through results with the keyboard. It skips without Chromium,
// unless KB_CI is set.
func TestBrowserSearch(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("KB_CI is set but %s is missing: %v", chromium, err)
		}
		t.Skipf("%s not installed", chromium)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := site.Build(context.Background(), site.Options{Dir: "../..", Out: out, Theme: kbtheme.Theme})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(res.Search.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	mux := http.NewServeMux()
	mux.Handle("/api/search", search.NewHandler(ix, filepath.Join(t.TempDir(), "log.jsonl")))
	mux.Handle("/", http.FileServer(http.Dir(out)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun, chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var jsErrors []string
	err = chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			jsErrors = append(jsErrors, e.ExceptionDetails.Text+" "+exceptionDesc(e.ExceptionDetails))
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}

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
	do("open a page", chromedp.Navigate(srv.URL+"/articles/reset-your-password/"), visible("#kb-q-header"))
	if loaded := eval(`String(window.kbSearch !== undefined)`); loaded != "false" {
		t.Errorf("search.js loaded before anyone searched (kbSearch defined: %s)", loaded)
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

	// The results page: grouped results, highlights, filters with counts.
	do("results page",
		chromedp.Navigate(srv.URL+"/search/?q=password"),
		visible(".kb-results__list .kb-hit"),
		visible(".kb-facet__option"),
	)
	status, facets := text(".kb-results__status"), text(".kb-facets")
	groups := eval(`Array.from(document.querySelectorAll(".kb-group__title")).map(e => e.textContent).join("|")`)
	snippetHTML := eval(`document.querySelector(".kb-results__list .kb-hit__snippet").innerHTML`)
	do("arrow down", chromedp.Click(chromedp.CSS("#kb-q-page")), chromedp.KeyEvent(kb.ArrowDown))
	active := eval(`document.querySelector("#kb-q-page").getAttribute("aria-activedescendant") || ""`)
	if !strings.Contains(status, "results for “password”") {
		t.Errorf("status %q", status)
	}
	if !strings.Contains(facets, "All (") || !strings.Contains(facets, "FAQ (") || !strings.Contains(facets, "How-to guide (") {
		t.Errorf("facet counts %q", facets)
	}
	if !strings.Contains(groups, "FAQ answers") || !strings.Contains(groups, "How-to guides") {
		t.Errorf("groups %q", groups)
	}
	if !strings.Contains(snippetHTML, "<mark>") {
		t.Errorf("snippet without highlight: %q", snippetHTML)
	}
	if active == "" {
		t.Error("ArrowDown did not select a result (aria-activedescendant empty)")
	}

	// A filter narrows the results and keeps the counts of the others.
	do("filter",
		chromedp.Click(chromedp.CSS(`.kb-facet__option[data-facet="type"][data-value="faq"]`)),
		visible(`.kb-facet__option[data-value="faq"][aria-pressed="true"]`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll(".kb-group").length === 1`),
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
	do("typo", chromedp.Navigate(srv.URL+"/search/?q=invoce"), visible(".kb-results__corrected"))
	if c := text(".kb-results__corrected"); c != "Showing results for invoice" {
		t.Errorf("corrected line %q", c)
	}

	// Nothing found: the empty state with tips, popular pages and support.
	do("empty state", chromedp.Navigate(srv.URL+"/search/?q=zzqqxxvv"), visible(".kb-empty"))
	if empty := text(".kb-results__body"); !strings.Contains(empty, "Popular in") || !strings.Contains(empty, "Contact support") {
		t.Errorf("empty state %q", empty)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(jsErrors) > 0 {
		t.Errorf("JavaScript errors: %q", jsErrors)
	}
}

func exceptionDesc(d *runtime.ExceptionDetails) string {
	if d != nil && d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}
