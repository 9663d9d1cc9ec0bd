package markdown

import (
	"strings"
	"testing"
)

// TestCodesKeptWhole: error codes in prose, headings, links and code
// spans are in nowrap spans; code blocks, URLs and words with hyphens
// but no digit are left as they are.
func TestCodesKeptWhole(t *testing.T) {
	src := "## Fix SYNC-009 fast\n\nThe error AUTH-401 (or HTTP 502) & [E-1001](/x/) in `ERR-42 here`.\n" +
		"Not codes: END-USER, sync-009, A-B, 2-FA.\n\n```\nSYNC-009\n```\n\n<https://example.com/SYNC-009>\n"
	d, err := New(Options{}).Convert([]byte(src), "/a/")
	if err != nil {
		t.Fatal(err)
	}
	html := string(d.HTML)
	for _, want := range []string{
		`Fix <span class="nowrap">SYNC-009</span> fast`,
		`The error <span class="nowrap">AUTH-401</span> (or <span class="nowrap">HTTP 502</span>) &amp; <a href="/x/"><span class="nowrap">E-1001</span></a>`,
		"<code><span class=\"nowrap\">ERR-42</span> here</code>",
		"Not codes: END-USER, sync-009, A-B, 2-FA.",
		`href="https://example.com/SYNC-009"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %s:\n%s", want, html)
		}
	}
	if n := strings.Count(html, "nowrap"); n != 5 {
		t.Errorf("%d nowrap spans, want 5 (none in the code block or the URL):\n%s", n, html)
	}
	if d.Headings[0].Text != "Fix SYNC-009 fast" || d.Headings[0].ID != "fix-sync-009-fast" {
		t.Errorf("heading %q #%s: the text and ID must not change", d.Headings[0].Text, d.Headings[0].ID)
	}
}

// TestNoBreak: text escaped, each code in a nowrap span.
func TestNoBreak(t *testing.T) {
	for in, want := range map[string]string{
		"Can't sign in: AUTH-401 <b>": `Can&#39;t sign in: <span class="nowrap">AUTH-401</span> &lt;b&gt;`,
		"Plain & simple":              "Plain &amp; simple",
		"SYNC-009, SYNC-010":          `<span class="nowrap">SYNC-009</span>, <span class="nowrap">SYNC-010</span>`,
		"":                            "",
	} {
		if got := string(NoBreak(in)); got != want {
			t.Errorf("NoBreak(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoBreakAllocs: a title without a code, nothing to escape, costs no
// allocation (the templates call NoBreak for every title in every list).
func TestNoBreakAllocs(t *testing.T) {
	for _, s := range []string{"Reset your password in the admin console", "Install version 2.4 on Windows", "Set up single sign-on"} {
		if n := testing.AllocsPerRun(100, func() { NoBreak(s) }); n != 0 {
			t.Errorf("NoBreak(%q): %v allocations", s, n)
		}
	}
}
