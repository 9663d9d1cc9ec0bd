package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/feedback"
)

// The tests of what kb serve collects: "Was this article helpful?" and the
// searches, end to end in a browser, the preview's report, and the load
// and kill -9 tests of the feedback endpoint (feedback_load_test.go).

var allTime = feedback.Period{To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}

// openDB opens a served site's database, to read what kb serve stored.
func openDB(t testing.TB, url string) *feedback.Store {
	t.Helper()
	s, err := feedback.Open(context.Background(), url, feedback.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitFor polls f until it returns "" (met) or 10 s pass; it fails the
// test with f's last word.
func waitFor(t *testing.T, what string, f func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msg := f()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s", what, msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeFeedbackBrowser: in a browser on kb serve --no-watch, the
// widget's No, reason and comment are stored as one answer, masked; the
// result opened from the search page and the suggestion picked while
// typing are recorded with their searches; without JavaScript the form
// posts and a thank-you page answers; nothing breaks the page's
// Content-Security-Policy.
func TestServeFeedbackBrowser(t *testing.T) {
	dir := copySampleSite(t)
	base := startServe(t, "-s", dir, "--no-watch")
	db := openDB(t, filepath.Join(dir, ".kb", "kb.db"))
	ctx := context.Background()
	b := browsertest.New(t, 2*time.Minute)
	_, err := chromedp.Call(b.Ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));`})
	if err != nil {
		t.Fatal(err)
	}
	csp := func(where string) {
		if v, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`window.__csp || []`)); len(v) > 0 {
			t.Errorf("%s: Content-Security-Policy violations: %v", where, v)
		}
	}
	status := `document.querySelector(".feedback__status").textContent`

	// No, then the reason and a comment.
	const article = "/articles/reset-your-password/"
	err = chromedp.Do(b.Ctx, chromedp.Navigate(base+article[1:]),
		chromedp.Click(chromedp.CSS(`.feedback__buttons button[value="no"]`)), chromedp.WaitVisible(chromedp.CSS(".feedback__more")))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := b.WaitText(status, "Thanks for your feedback.", 5*time.Second); !ok {
		t.Errorf("after No the status says %q", got)
	}
	waitFor(t, "the No", func() string {
		if v, _ := db.Votes(ctx, allTime); len(v) != 1 || v[0].No != 1 {
			return "not stored"
		}
		return ""
	})
	checkRadio(t, b, `.feedback__more input[value="missing-steps"]`)
	err = chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS("#kb-feedback-comment"), "Step 4 is gone; mail me at jo@example.com"),
		chromedp.Click(chromedp.CSS(".feedback__more button")), chromedp.WaitNotVisible(chromedp.CSS(".feedback__more")))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := b.WaitText(status, "Thanks for telling us.", 5*time.Second); !ok {
		t.Errorf("after the reason the status says %q", got)
	}
	votes, _ := db.Votes(ctx, allTime)
	comments, _ := db.Comments(ctx, allTime, article, 5)
	if len(votes) != 1 || votes[0].No != 1 || votes[0].Reasons[feedback.MissingSteps] != 1 ||
		len(comments) != 1 || comments[0].Text != "Step 4 is gone; mail me at [email]" {
		t.Errorf("stored %+v, %+v: want one No with its reason and the comment masked", votes, comments)
	}
	csp("the widget")

	// A result opened from the search page.
	err = chromedp.Do(b.Ctx, chromedp.Navigate(base+"search/?q=password"),
		chromedp.WaitVisible(chromedp.CSS(".kb-results__list a.kb-hit__link")),
		chromedp.Click(chromedp.CSS(".kb-results__list a.kb-hit__link")), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if err != nil {
		t.Fatal(err)
	}
	// A suggestion picked while typing in the header's box.
	err = chromedp.Do(b.Ctx, chromedp.Navigate(base+"articles/"), chromedp.Click(chromedp.CSS("#kb-q-header")))
	if err != nil {
		t.Fatal(err)
	}
	// Pasted at once, so that no suggestions for "s" can be the ones clicked.
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`(q => { q.value = "sync"; q.dispatchEvent(new Event("input", {bubbles: true})); return true })(document.querySelector("#kb-q-header"))`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b.Ctx,
		chromedp.WaitVisible(chromedp.CSS(".kb-suggest .kb-hit")),
		chromedp.Click(chromedp.CSS(".kb-suggest .kb-hit")), chromedp.WaitVisible(chromedp.CSS(".feedback")))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the searches and the results chosen", func() string {
		qs, _ := db.Queries(ctx, allTime)
		got := map[string]feedback.QueryStats{}
		for _, q := range qs {
			got[q.Query] = q
		}
		if got["password"].Searches != 1 || got["password"].Clicked != 1 || got["sync"].Searches != 1 || got["sync"].Clicked != 1 {
			return "stored " + fmtQueries(qs)
		}
		return ""
	})
	csp("search")

	// Without JavaScript: the form posts, a page thanks.
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b.Ctx, chromedp.Navigate(base+"faq/account/"),
		chromedp.Click(chromedp.CSS(`.feedback__buttons button[value="no"]`)), chromedp.WaitVisible(chromedp.CSS(`input[value="outdated"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if h1, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`)); h1 != "Thanks for your feedback" {
		t.Errorf("without JavaScript the No lands on a page titled %q", h1)
	}
	checkRadio(t, b, `input[value="outdated"]`)
	// The answer's page has the same "Back" link: wait until the form has
	// gone, or the click on the link races the post.
	err = chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS("button")), chromedp.WaitNotPresent(chromedp.CSS("form")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/faq/account/"]`)), chromedp.Click(chromedp.CSS(`a[href="/faq/account/"]`)),
		chromedp.WaitVisible(chromedp.CSS(".feedback")))
	if err != nil {
		t.Fatal(err)
	}
	votes, _ = db.Votes(ctx, allTime)
	if len(votes) != 2 || votes[1].Page != "/faq/account/" || votes[1].No != 1 || votes[1].Reasons[feedback.Outdated] != 1 {
		t.Errorf("without JavaScript: stored %+v, want the No on /faq/account/ once, with its reason", votes)
	}
	b.CheckNoExceptions(t)
}

// checkRadio clicks the radio button sel until it is checked: on a loaded
// machine the page may still be moving (the status line taking focus, a
// late layout) when the click lands, and the click misses.
func checkRadio(t *testing.T, b *browsertest.Browser, sel string) {
	t.Helper()
	for i := 0; ; i++ {
		if err := chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatal(err)
		}
		checked, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.querySelector('`+sel+`').checked`))
		if checked {
			return
		}
		if i == 5 {
			t.Fatalf("clicking %s does not check it", sel)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func fmtQueries(qs []feedback.QueryStats) string {
	var b strings.Builder
	for _, q := range qs {
		fmt.Fprintf(&b, "%q: %d searches, %d chosen; ", q.Query, q.Searches, q.Clicked)
	}
	return b.String()
}

// TestServeReportPage: the preview shows kb report's HTML report at
// /_kb/report, from the database it writes; production does not.
func TestServeReportPage(t *testing.T) {
	dir := copySampleSite(t)
	base := startServe(t, "-s", dir)
	resp, err := http.Post(base+"api/feedback", "application/x-www-form-urlencoded",
		strings.NewReader("page=/articles/reset-your-password/&helpful=no&reason=outdated&comment=The+menu+moved"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 {
		t.Fatalf("feedback: %s", resp.Status)
	}
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get(base + "_kb/report")
	if code != 200 || !strings.Contains(page, "Customer Feedback Summary") || !strings.Contains(page, "The menu moved") || !strings.Contains(page, "<svg") {
		t.Errorf("/_kb/report: %d\n%.2000s", code, page)
	}
	if code, _ := get(base + "_kb/report?since=yesterday"); code != 400 {
		t.Errorf("a bad date: %d", code)
	}
	if code, msg := get(base + "_kb/report?release=9.9.9"); code != 400 || !strings.Contains(msg, "9.9.9") {
		t.Errorf("an unknown release: %d %s", code, msg)
	}
	prod := startServe(t, "-s", copySampleSite(t), "--no-watch")
	if code, _ := get(prod + "_kb/report"); code != 404 {
		t.Errorf("--no-watch serves /_kb/report: %d", code)
	}
}
