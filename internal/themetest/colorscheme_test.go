package themetest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/octoacme/kb/internal/browsertest"
)

// The page background of each scheme (--bg in kb.css).
const (
	lightBg = "rgb(255, 255, 255)"
	darkBg  = "rgb(15, 20, 25)"
)

// firstPaint is evaluated in every new document before its own scripts: it
// records, when data-theme first changes, whether the body, a stylesheet
// or a paint existed yet.
const firstPaint = `new MutationObserver(function (list, obs) {
	window.kbThemeSet = {theme: document.documentElement.getAttribute("data-theme"), body: !!document.body,
		sheets: document.styleSheets.length, paints: performance.getEntriesByType("paint").length};
	obs.disconnect();
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-theme"]});`

// TestColorScheme covers the colour scheme: the system's by default, also
// without JavaScript (the toggle is hidden then); the toggle's name and
// state; the reader's choice kept across pages and applied before anything
// is painted; a choice equal to the system's forgotten; the state following
// the system while there is no choice.
func TestColorScheme(t *testing.T) {
	browserSkip(t)
	base := serveSample(t)
	b := browsertest.New(t, 2*time.Minute)
	ctx := b.Ctx
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	system := func(dark bool) chromedp.Action[chromedp.Void] {
		return emulate(view{Width: 1280, Height: 900, Dark: dark})
	}
	scripts := func(on bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
			return err
		})
	}
	bg := `getComputedStyle(document.body).backgroundColor`
	// state is the page's scheme as the reader sees and hears it.
	state := func() string {
		t.Helper()
		return eval(`[getComputedStyle(document.body).backgroundColor,
			document.documentElement.getAttribute("data-theme") || "system",
			document.querySelector("[data-kb-theme]").getAttribute("aria-pressed"),
			localStorage.getItem("kb-theme") || "no choice"].join(" | ")`)
	}
	article := base + "/articles/reset-your-password/"
	toggle := chromedp.Click(chromedp.CSS("[data-kb-theme]"))

	// Without JavaScript: the system's scheme, and no toggle that cannot work.
	do("no script", scripts(false), system(true), chromedp.Navigate(article), chromedp.WaitReady(chromedp.CSS("footer")))
	if got := eval(bg); got != darkBg {
		t.Errorf("no JavaScript, dark system: background %s, want %s", got, darkBg)
	}
	if got := eval(`getComputedStyle(document.querySelector("[data-kb-theme]")).display`); got != "none" {
		t.Errorf("no JavaScript: the toggle shows (display %s)", got)
	}
	do("light system", system(false), chromedp.Reload())
	if got := eval(bg); got != lightBg {
		t.Errorf("no JavaScript, light system: background %s, want %s", got, lightBg)
	}

	// With JavaScript: a button named "Dark theme", not pressed on a light system.
	do("script", scripts(true), chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("[data-kb-theme]")))
	eval(`localStorage.clear(), ""`)
	do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-kb-theme]")))
	if name := eval(`document.querySelector("[data-kb-theme]").textContent.trim()`); name != "Dark theme" {
		t.Errorf("toggle named %q, want \"Dark theme\"", name)
	}
	if got, want := state(), lightBg+" | system | false | no choice"; got != want {
		t.Errorf("light system, no choice:\n got %s\nwant %s", got, want)
	}

	// Pressed: dark, remembered.
	do("press", toggle)
	if got, want := state(), darkBg+" | dark | true | dark"; got != want {
		t.Errorf("after pressing the toggle:\n got %s\nwant %s", got, want)
	}

	// Another page, a light system: dark from the start, set before the
	// stylesheet and the body were even read, so never painted light.
	do("watch first paint", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: firstPaint})
		return err
	}))
	do("next page", chromedp.Navigate(base+"/faq/billing/"), chromedp.WaitVisible(chromedp.CSS("[data-kb-theme]")))
	if got, want := state(), darkBg+" | dark | true | dark"; got != want {
		t.Errorf("the next page:\n got %s\nwant %s", got, want)
	}
	var set struct {
		Theme          string
		Body           bool
		Sheets, Paints int
	}
	if err := json.Unmarshal([]byte(eval(`JSON.stringify(window.kbThemeSet || {})`)), &set); err != nil {
		t.Fatal(err)
	}
	if set.Theme != "dark" || set.Body || set.Sheets != 0 || set.Paints != 0 {
		t.Errorf("data-theme set to %q with body %v, %d stylesheets, %d paints: want dark before any of them", set.Theme, set.Body, set.Sheets, set.Paints)
	}

	// Pressed again on a light system: light is the system's, so the choice
	// is forgotten and the page follows the system from now on.
	do("press again", toggle)
	if got, want := state(), lightBg+" | system | false | no choice"; got != want {
		t.Errorf("back to the system's scheme:\n got %s\nwant %s", got, want)
	}
	do("system turns dark", system(true),
		chromedp.Poll[chromedp.Void](`document.querySelector("[data-kb-theme]").getAttribute("aria-pressed") === "true"`, chromedp.WithPollingTimeout(5*time.Second)))
	if got, want := state(), darkBg+" | system | true | no choice"; got != want {
		t.Errorf("no choice, the system turns dark:\n got %s\nwant %s", got, want)
	}

	// A dark system and a reader who chose light: light, before any paint.
	do("choose light", toggle)
	if got, want := state(), lightBg+" | light | false | light"; got != want {
		t.Errorf("dark system, light chosen:\n got %s\nwant %s", got, want)
	}
	do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-kb-theme]")))
	if got, want := state(), lightBg+" | light | false | light"; got != want {
		t.Errorf("dark system, light chosen, reloaded:\n got %s\nwant %s", got, want)
	}
	if got := eval(`JSON.stringify(window.kbThemeSet || {})`); !strings.Contains(got, `"theme":"light","body":false,"sheets":0,"paints":0`) {
		t.Errorf("light applied late: %s", got)
	}
	b.CheckNoExceptions(t)
}

// TestDarkPalettesAgree: kb.css writes the dark palette twice, for the
// system's dark scheme and for the reader's choice; the two must not drift.
func TestDarkPalettesAgree(t *testing.T) {
	css, err := os.ReadFile(filepath.Join(root, "static", "css", "kb.css"))
	if err != nil {
		t.Fatal(err)
	}
	system := regexp.MustCompile(`@media \(prefers-color-scheme: dark\) \{ :root:not\(\[data-theme=light\]\) \{([^}]*)\} \}`).FindSubmatch(css)
	chosen := regexp.MustCompile(`:root\[data-theme=dark\] ?\{([^}]*)\}`).FindSubmatch(css)
	if system == nil || chosen == nil {
		t.Fatalf("kb.css: the dark palettes are not where this test looks (system %v, chosen %v)", system != nil, chosen != nil)
	}
	decls := func(b []byte) []string {
		var out []string
		for _, d := range strings.Split(string(b), ";") {
			if d = strings.TrimSpace(d); d != "" && !strings.HasPrefix(d, "color-scheme:") {
				out = append(out, d)
			}
		}
		sort.Strings(out)
		return out
	}
	s, c := decls(system[1]), decls(chosen[1])
	if strings.Join(s, ";") != strings.Join(c, ";") {
		t.Errorf("the dark palettes differ:\nsystem: %s\nchosen: %s", strings.Join(s, "; "), strings.Join(c, "; "))
	}
	if len(s) < 20 {
		t.Errorf("only %d declarations in the dark palette", len(s))
	}
}
