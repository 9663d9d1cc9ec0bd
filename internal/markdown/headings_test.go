package markdown

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/cputime"
)

// TestManyHeadings: 8,000 headings of the same text take IDs -1 … -7999
// in linear time. Each ID used to be found by trying -1, -2, … from the
// start: quadratic, seconds for 8,000. Rather than hold the page to a
// wall-clock limit, which a loaded machine stretches, the test compares
// the CPU time of 8,000 equal headings with that of 8,000 different ones
// (the same page but for the text): about the same when finding an ID is
// constant work, a hundred times more when it is quadratic. The
// different headings' time is the least of 3 runs; the equal ones pass
// when any of up to 3 runs is within 5 times that.
func TestManyHeadings(t *testing.T) {
	const n, runs, ratio = 8000, 3, 5
	var same, different strings.Builder
	for i := range n {
		same.WriteString("## Same heading\n\n")
		fmt.Fprintf(&different, "## Heading %d\n\n", i)
	}
	c := New(Options{})
	convert := func(src, last string) time.Duration {
		start := cputime.Process()
		d, err := c.Convert([]byte(src), "/")
		took := cputime.Process() - start
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Headings) != n || d.Headings[n-1].ID != last {
			t.Fatalf("%d headings, the last with ID %q; want %d, the last %q", len(d.Headings), d.Headings[len(d.Headings)-1].ID, n, last)
		}
		return took
	}
	base := time.Duration(math.MaxInt64)
	for range runs {
		base = min(base, convert(different.String(), fmt.Sprintf("heading-%d", n-1)))
	}
	if base <= 0 {
		t.Skip("no CPU time measured on this system")
	}
	var equal []time.Duration
	for range runs {
		equal = append(equal, convert(same.String(), fmt.Sprintf("same-heading-%d", n-1)))
		if equal[len(equal)-1] <= ratio*base {
			t.Logf("%d different headings: %v of CPU; %d equal ones: %v", n, base, n, equal)
			return
		}
	}
	t.Errorf("%d equal headings took %v of CPU, more than %d times the %v of %d different ones: their IDs are not found in linear time", n, equal, ratio, base, n)
}

// TestAnalyzeMatchesConvert: lint reads Analyze's documents and must see
// exactly what the rendered page has.
func TestAnalyzeMatchesConvert(t *testing.T) {
	src := []byte("# T\n\n## Steps\n\n1. Open [x](/a/#b).\n\n   ![Alt](/i.png)\n\n| a |\n|---|\n| b |\n\n<!-- kb-lint-disable jargon -->\n\n## Is it?\n\nYes.\n")
	c := New(Options{})
	full, err := c.Convert(src, "/x/")
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.Analyze(src)
	if err != nil {
		t.Fatal(err)
	}
	full.HTML = ""
	if !reflect.DeepEqual(full, text) {
		t.Errorf("Analyze differs from Convert:\n%+v\n%+v", text, full)
	}
}

// TestHeadingSlug: heading IDs are GitHub's (github-slugger's fixtures and
// what github.com renders): every removed character leaves its spaces.
func TestHeadingSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"User & Directory", "user--directory"},
		{"Import / Export", "import--export"},
		{"Step 1 - Sign in", "step-1---sign-in"},
		{"A — B", "a--b"},
		{"en–dash", "endash"},
		{"How do I change my email address?", "how-do-i-change-my-email-address"},
		{"Can't sign in?", "cant-sign-in"},
		{"apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"},
		{"heading with a - dash", "heading-with-a---dash"},
		{"heading with an _ underscore", "heading-with-an-_-underscore"},
		{"heading with a period.txt", "heading-with-a-periodtxt"},
		{"exchange.bind_headers(exchange, routing [, bindCallback])", "exchangebind_headersexchange-routing--bindcallback"},
		{" a ", "-a-"},
		{"-a-", "-a-"},
		{"I ♥ unicode", "i--unicode"},
		{"😄 - an emoji", "---an-emoji"},
		{":ok_hand: Single", "ok_hand-single"},
		{"Привет non-latin 你好", "привет-non-latin-你好"},
		{"Étape 2 — Vérifier", "étape-2--vérifier"},
		{"Ⅻ roman", "ⅻ-roman"},       // letter numbers stay (lowercased)
		{"x² + y²", "x--y"},          // other numbers go
		{"tab\there", "tabhere"},     // a tab is not a space
		{"no\u00a0break", "nobreak"}, // nor is a no-break space
		{"C++ & C#", "c--c"},
		{"v3.7.0 (beta)", "v370-beta"},
		{"???", "section"},
		{"日本語の見出し", "日本語の見出し"},
		{"नमस्ते दुनिया", "नमस्ते-दुनिया"}, // combining marks stay
	} {
		if got := HeadingSlug(tc.in); got != tc.want {
			t.Errorf("HeadingSlug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestHeadingIDs: the IDs the HTML carries, from the text as the page
// shows it, with GitHub's -1, -2 for repeats, and the old kb ID kept as an
// extra anchor where it differs.
func TestHeadingIDs(t *testing.T) {
	src := "## User & Directory\n\n## User &amp; Directory\n\n## Pay with `card` \\* now\n\n" +
		"## <kbd>Ctrl</kbd> + C\n\n## ![logo](/l.png) Settings\n\n## echo\n\n## echo\n\n## echo 1\n\n## echo-1\n\n## user-directory\n"
	d := convert(t, Options{}, src)
	var ids, old []string
	for _, h := range d.Headings {
		ids = append(ids, h.ID)
		old = append(old, h.OldID)
	}
	want := []string{"user--directory", "user--directory-1", "pay-with-card--now", "ctrl--c", "-settings", "echo", "echo-1", "echo-1-1", "echo-1-2", "user-directory"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %q\nwant %q", ids, want)
	}
	// Old IDs: the first heading's, "user-directory", is now the last
	// heading's own ID, so it is left out; the last heading had
	// "user-directory-1" (the first took "user-directory") and keeps it.
	wantOld := []string{"", "user-amp-directory", "pay-with-card-now", "ctrl-c", "logo-settings", "", "", "", "", "user-directory-1"}
	if !reflect.DeepEqual(old, wantOld) {
		t.Errorf("old ids = %q\nwant %q", old, wantOld)
	}
	html := string(d.HTML)
	for _, w := range []string{
		`<h2 id="user--directory">User &amp; Directory</h2>`,
		`<h2 id="user--directory-1"><span id="user-amp-directory"></span>User &amp; Directory</h2>`,
		`<h2 id="pay-with-card--now"><span id="pay-with-card-now"></span>Pay with <code>card</code> * now</h2>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in\n%s", w, html)
		}
	}
	if d.Headings[1].Text != "User & Directory" || d.Headings[2].Text != "Pay with card * now" {
		t.Errorf("heading texts %q, %q", d.Headings[1].Text, d.Headings[2].Text)
	}
}

// TestSlugsAgree: the shortcut that skips old IDs says so only when the
// two slugs agree, and does for ordinary headings.
func TestSlugsAgree(t *testing.T) {
	for _, s := range []string{"Reset a password", "Can't sign in?", "User & Directory", "a  b", " a", "a ", "a - b", "a-b", "-a",
		"Étape 2 — Vérifier", "x² y", "tab\there", "no\u00a0break", "नमस्ते दुनिया", "Ⅻ", "", "???", "- -", "a_b", "(fixed in 3.5)", "‿x"} {
		if slugsAgree(s) && Slug(s) != HeadingSlug(s) {
			t.Errorf("slugsAgree(%q); Slug %q, HeadingSlug %q", s, Slug(s), HeadingSlug(s))
		}
	}
	for _, s := range []string{"Reset a password", "Can't sign in?", "Cause 1: The file is too large", "What is the difference between an Owner, an Admin and a Member?", "Install on Windows or Mac"} {
		if !slugsAgree(s) {
			t.Errorf("slugsAgree(%q) is false", s)
		}
	}
}

func FuzzSlugsAgree(f *testing.F) {
	for _, s := range []string{"User & Directory", "a  b", "Étape 2 — Vérifier", "नमस्ते", "Ⅻ\u00a0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if slugsAgree(s) && Slug(s) != HeadingSlug(s) {
			t.Errorf("slugsAgree(%q); Slug %q, HeadingSlug %q", s, Slug(s), HeadingSlug(s))
		}
	})
}
