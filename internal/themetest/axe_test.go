package themetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/octoacme/kb/internal/browsertest"
)

// axePages are a page of every kind the theme has, with the element that
// says the page is ready (the search page renders its results by script).
var axePages = []struct{ path, ready string }{
	{"/", "main"},
	{"/articles/", "main"},
	{"/articles/create-an-api-token/", ".code__copy"}, // code, a table, a callout, the TOC
	{"/articles/change-your-plan/", "main"},           // screenshots
	{"/faq/account/", "main"},
	{"/troubleshooting/desktop-app-not-syncing/", "main"},
	{"/releases/", "main"},
	{"/releases/3-7-0/", "main"},
	{"/known-issues/", "main"},
	{"/search/?q=password", ".kb-results__list .kb-hit"},
	{"/tags/", "main"},
	{"/no-such-page/", "main"},
}

// runAxe runs axe-core on the page as it is and reports its violations.
func runAxe(t *testing.T, b *browsertest.Browser, src []byte, what string) {
	t.Helper()
	res, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]byte](string(src)+
		`;axe.run(document, {resultTypes: ["violations"]}).then(r => ({violations: r.violations}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", what, err)
	}
	var r axeResult
	if err := json.Unmarshal(res, &r); err != nil {
		t.Fatalf("%s: axe result: %v", what, err)
	}
	for _, v := range r.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " ")))
		}
		t.Errorf("%s: %s (%s):\n\t%s", what, v.ID, v.Help, strings.Join(where, "\n\t"))
	}
}

// axeResult is the part of axe.run's result the test reports.
type axeResult struct {
	Violations []struct {
		ID    string `json:"id"`
		Help  string `json:"help"`
		Nodes []struct {
			Target         []any  `json:"target"`
			FailureSummary string `json:"failureSummary"`
		} `json:"nodes"`
	} `json:"violations"`
}

// TestAxe runs axe-core's default rules (WCAG 2.0–2.2 A and AA, and its
// best practices) on every kind of page, and on a page with the search
// box's suggestions open, in the four views, and fails on any violation and
// on any error in the browser's console.
func TestAxe(t *testing.T) {
	browserSkip(t)
	src, err := os.ReadFile(npmTool(t, "KB_AXE_JS", "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	base := serveSample(t)
	b := browsertest.New(t, 5*time.Minute)
	con := watchConsole(t, b)
	for _, v := range views {
		t.Run(v.Name, func(t *testing.T) {
			if err := chromedp.Do(b.Ctx, emulate(v)); err != nil {
				t.Fatal(err)
			}
			for _, p := range axePages {
				ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
				err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
				cancel()
				if err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				for _, e := range con.take() {
					if p.path == "/no-such-page/" && strings.HasSuffix(e, base+p.path) && strings.Contains(e, "404") {
						continue // the 404 page's own status
					}
					t.Errorf("%s: console: %s", p.path, e)
				}
				runAxe(t, b, src, p.path)
			}
			// The header search box with its suggestions open.
			ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
			defer cancel()
			err := chromedp.Do(ctx, chromedp.Navigate(base+"/articles/"), chromedp.Click(chromedp.CSS("#kb-q-header")),
				chromedp.SendKeys(chromedp.CSS("#kb-q-header"), "sync"), chromedp.WaitVisible(chromedp.CSS(".kb-suggest .kb-hit")),
				chromedp.KeyEvent(kb.ArrowDown))
			if err != nil {
				t.Fatalf("suggestions: %v", err)
			}
			runAxe(t, b, src, "/articles/ with suggestions open")
			for _, e := range con.take() {
				t.Errorf("suggestions: console: %s", e)
			}
			// "Was this article helpful?" answered No: the optional reason
			// and comment, then the thanks.
			const article = "/articles/reset-your-password/"
			err = chromedp.Do(ctx, chromedp.Navigate(base+article),
				chromedp.Click(chromedp.CSS(`.feedback__buttons button[value="no"]`)), chromedp.WaitVisible(chromedp.CSS(".feedback__more")))
			if err != nil {
				t.Fatalf("feedback No: %v", err)
			}
			runAxe(t, b, src, article+" asking why it did not help")
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.feedback__more input[value="unclear"]`)),
				chromedp.Click(chromedp.CSS(".feedback__more button")), chromedp.WaitNotVisible(chromedp.CSS(".feedback__more")))
			if err != nil {
				t.Fatalf("feedback reason: %v", err)
			}
			runAxe(t, b, src, article+" thanking for the feedback")
			for _, e := range con.take() {
				t.Errorf("feedback: console: %s", e)
			}
		})
	}
	b.CheckNoExceptions(t)
}
