package themetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/octoacme/kb/internal/browsertest"
)

// brokenCodes lists the error codes (SYNC-009) that the page shows on two
// lines, with where they are.
const brokenCodes = `(function () {
	var out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), n, m;
	var re = /\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b/g;
	while ((n = walk.nextNode())) {
		if (n.parentElement.closest("pre, script, style, template")) continue;
		re.lastIndex = 0;
		while ((m = re.exec(n.data))) {
			if (!/\d/.test(m[0])) continue;
			var r = document.createRange();
			r.setStart(n, m.index);
			r.setEnd(n, m.index + m[0].length);
			var lines = {};
			Array.prototype.forEach.call(r.getClientRects(), function (q) { if (q.width > 0) lines[Math.round(q.top)] = true; });
			if (Object.keys(lines).length > 1) out.push(m[0] + " in <" + n.parentElement.tagName.toLowerCase() + " class=\"" + n.parentElement.className + "\">");
		}
	}
	return out.join(", ");
})()`

// TestNarrowScreens: at every phone width from 280 to 480 CSS pixels, no
// error code is broken after its hyphen ("SYNC-" / "009") on the pages that
// show codes in titles, descriptions, lists, prose and search results, with
// JavaScript and (but for search results, which need it) without; and
// at 320 pixels (WCAG's reflow width) no page of any kind scrolls sideways,
// however long its title, and the header keeps its buttons beside the site
// name (which wraps) instead of on a row of their own.
func TestNarrowScreens(t *testing.T) {
	browserSkip(t)
	base := serveSample(t)
	b := browsertest.New(t, 3*time.Minute)
	ctx := b.Ctx
	scripts := func(on bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
			return err
		})
	}
	for _, p := range []struct {
		path, ready string
		js          bool
	}{
		{"/troubleshooting/", "main", true},
		{"/troubleshooting/desktop-app-not-syncing/", "main", true},
		{"/articles/install-the-desktop-app/", "main", true},
		{"/search/?q=sync+paused", ".kb-results__list .kb-hit", true},
		// kb writes the codes whole: no script needed.
		{"/troubleshooting/", "main", false},
		{"/troubleshooting/desktop-app-not-syncing/", "main", false},
	} {
		err := chromedp.Do(ctx, scripts(p.js), emulate(view{Width: 480, Height: 800}), chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		if err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		codes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.body.textContent.match(/\b[A-Z]{2,}-\d+\b/g).length`))
		if err != nil || codes < 2 {
			t.Fatalf("%s: %d error codes on the page (%v): this test needs pages that show some", p.path, codes, err)
		}
		var broken []string
		for w := int64(280); w <= 480; w += 2 {
			if err := chromedp.Do(ctx, emulate(view{Width: w, Height: 800})); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](brokenCodes))
			if err != nil {
				t.Fatal(err)
			}
			if got != "" {
				broken = append(broken, fmt.Sprintf("%dpx: %s", w, got))
			}
		}
		if len(broken) > 0 {
			t.Errorf("%s (JavaScript %v): error codes broken across lines:\n\t%s", p.path, p.js, strings.Join(broken, "\n\t"))
		}
	}
	if err := chromedp.Do(ctx, scripts(true)); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(ctx, emulate(view{Width: 320, Height: 640})); err != nil {
		t.Fatal(err)
	}
	for _, p := range axePages {
		err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		if err != nil {
			t.Fatalf("%s: %v", p.path, err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
			var vw = document.documentElement.clientWidth, out = [];
			if (document.documentElement.scrollWidth > vw) out.push("the page is " + document.documentElement.scrollWidth + "px wide");
			document.querySelectorAll("h1, h2, h3, .page-list__title, .brand").forEach(function (e) {
				var r = e.getBoundingClientRect();
				if (r.right > vw + 0.5) out.push("<" + e.tagName.toLowerCase() + "> " + JSON.stringify(e.textContent.trim().slice(0, 40)) + " ends at " + Math.round(r.right) + "px");
			});
			var brand = document.querySelector(".brand").getBoundingClientRect();
			document.querySelectorAll(".theme-toggle, .nav-toggle").forEach(function (e) {
				if (e.getBoundingClientRect().top >= brand.bottom) out.push("the " + e.className + " button wraps below the site name");
			});
			return out.join("; ");
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if wide != "" {
			t.Errorf("%s at 320px: %s", p.path, wide)
		}
	}
	b.CheckNoExceptions(t)
}
