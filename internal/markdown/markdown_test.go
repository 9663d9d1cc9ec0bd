package markdown

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark/renderer/html"
)

func convert(t *testing.T, opts Options, src string) *Document {
	t.Helper()
	d, err := New(opts).Convert([]byte(src), "/articles/x/")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHTML(t *testing.T) {
	sizes := func(p string) (int, int, bool) {
		if p == "/images/a.png" || p == "/articles/x/rel.png" {
			return 800, 450, true
		}
		return 0, 0, false
	}
	for _, tc := range []struct {
		name, src string
		opts      Options
		want      []string
		not       []string
	}{
		{name: "heading ids like GitHub", src: "## Can't sign in?\n\n## Use `kb build` now\n\n## Can't sign in?\n",
			want: []string{`<h2 id="cant-sign-in">`, `<h2 id="use-kb-build-now">`, `<h2 id="cant-sign-in-1">`}},
		{name: "heading ids avoid the layouts' ids", src: "## Fixed\n\n## Main\n\n## KB prerequisites\n",
			want: []string{`<h2 id="fixed-1">`, `<h2 id="main-1">`, `<h2 id="h-kb-prerequisites">`}},
		{name: "tables numbered", src: "| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n",
			want: []string{`aria-label="Table 1"`, `aria-label="Table 2"`}, not: []string{"<table aria"}},
		{name: "callout", src: "> [!WARNING]\n> Back up **first**.\n",
			want: []string{`<div class="callout callout--warning" role="note">`, `<p class="callout__label">Warning</p>`, `<p>Back up <strong>first</strong>.</p>`},
			not:  []string{"[!WARNING]", "<blockquote>"}},
		{name: "callout marker alone", src: "> [!tip]\n\n> plain quote\n",
			want: []string{`callout--tip`, "<blockquote>"}},
		{name: "not a callout", src: "> [!NOTE] text on the same line\n", want: []string{"<blockquote>"}, not: []string{"callout"}},
		{name: "raw html escaped", src: "Hi <script>alert(1)</script> there\n\n<div onclick=\"x()\">block</div>\n\n<!-- a comment -->\n", opts: Options{HTML: HTMLEscape},
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;"},
			not:  []string{"<script>", "<div onclick", "a comment"}},
		{name: "raw html unsafe", src: "Hi <b>bold</b>\n", opts: Options{HTML: HTMLUnsafe}, want: []string{"<b>bold</b>"}},
		{name: "dangerous links", src: "[x](javascript:alert(1)) ![y](data:text/html,boo)\n",
			want: []string{`<a href="">x</a>`, `<img src="" alt="y"`}},
		{name: "dangerous links however spelt", src: "[a](&#106;avascript:x) [b](jav&#x09;ascript:x) ![d](&#x20;data:text/html,x) [e](/ok/&amp;x)\n",
			want: []string{`<a href="">a</a>`, `<a href="">b</a>`, `<img src="" alt="d"`, `<a href="/ok/&amp;x">e</a>`},
			not:  []string{"ascript:x", "data:text"}},
		{name: "table wrapped", src: "| a | b |\n|---|---|\n| 1 | 2 |\n",
			want: []string{`<div class="table-wrap" role="region" aria-label="Table 1" tabindex="0">`, "<th>a</th>", "</table>\n</div>"}},
		{name: "code highlighted", src: "```bash\necho \"hi\"\n```\n",
			want: []string{`<pre class="chroma" tabindex="0" data-lang="bash"><code class="language-bash">`, `<span class="nb">echo</span>`}},
		{name: "code plain", src: "```\n<b>x</b>\n```\n", want: []string{`<pre class="chroma" tabindex="0"><code>&lt;b&gt;x&lt;/b&gt;`}},
		{name: "image size", src: "![Shot](/images/a.png) ![Rel](rel.png) ![None](/images/none.png)\n", opts: Options{ImageSize: sizes},
			want: []string{`<img src="/images/a.png" alt="Shot" width="800" height="450" loading="lazy" decoding="async">`,
				`<img src="rel.png" alt="Rel" width="800" height="450"`, `<img src="/images/none.png" alt="None" loading="lazy"`}},
		{name: "base path", src: "[a](/articles/y/) [b](//cdn.example/x) ![c](/images/a.png)\n", opts: Options{BasePath: "/help/"},
			want: []string{`href="/help/articles/y/"`, `href="//cdn.example/x"`, `src="/help/images/a.png"`}},
		{name: "gfm", src: "- [x] done\n- [ ] todo\n\n~~old~~ https://example.com\n\nText[^1]\n\n[^1]: Note.\n",
			want: []string{`type="checkbox"`, "<del>old</del>", `<a href="https://example.com">`, `class="footnotes"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := convert(t, tc.opts, tc.src)
			html := string(d.HTML)
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %q in\n%s", w, html)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(html, n) {
					t.Errorf("unexpected %q in\n%s", n, html)
				}
			}
		})
	}
}

func TestExtract(t *testing.T) {
	src := "# Title\n\nUse **Settings** and `code words` at https://x.example/y.\n\n" +
		"## Steps\n\n1. Open [the page](/articles/y/#top).\n2. Click.\n\n   ![Alt text](/images/a.png)\n\n" +
		"```text\nnot prose [link](/nope/)\n```\n\n<!-- kb-lint-disable jargon, readability -->\n\n" +
		"## Is it free?\n\nYes, it is.\n\n### Details\n\nMore.\n\n## Next\n\nEnd <!-- kb-lint-disable-next-line -->\n"
	d := convert(t, Options{}, src)
	var ids []string
	for _, h := range d.Headings {
		ids = append(ids, h.ID)
	}
	if got := strings.Join(ids, " "); got != "title steps is-it-free details next" {
		t.Errorf("heading ids = %q", got)
	}
	if len(d.Links) != 3 {
		t.Fatalf("links = %+v", d.Links)
	}
	if l := d.Links[1]; l.Dest != "/articles/y/#top" || l.Text != "the page" || src[l.Offset] != '[' || src[l.DestOffset:l.DestOffset+4] != "/art" {
		t.Errorf("link = %+v", l)
	}
	if l := d.Links[2]; !l.Image || l.Text != "Alt text" || src[l.Offset:l.Offset+2] != "![" {
		t.Errorf("image = %+v", l)
	}
	// URL is the destination as the href has it: escapes and character
	// references resolved; Dest as written.
	for _, c := range []struct{ src, dest, url string }{
		{"[a](/x/)", "/x/", "/x/"},
		{"[a](&#106;avascript:x)", "&#106;avascript:x", "javascript:x"},
		{"[a](&#x6A;avascript&#58;x)", "&#x6A;avascript&#58;x", "javascript:x"},
		{"[a](/a\\_b/?q=1&amp;r=2)", "/a\\_b/?q=1&amp;r=2", "/a_b/?q=1&r=2"},
		{"![a](&lt;x.png)", "&lt;x.png", "<x.png"},
		{"[a][r]\n\n[r]: &#106;avascript:x", "&#106;avascript:x", "javascript:x"},
		{"<https://x.test/a&amp;b>", "https://x.test/a&amp;b", "https://x.test/a&amp;b"}, // autolinks take no references
	} {
		d := convert(t, Options{}, c.src)
		if len(d.Links) != 1 || d.Links[0].Dest != c.dest || d.Links[0].URL != c.url {
			t.Errorf("%q: links %+v, want Dest %q URL %q", c.src, d.Links, c.dest, c.url)
		}
	}
	// A reference link's destination is not after it: DestOffset is -1,
	// not the place of a later inline link that holds the same text (kb
	// import rewrote that link's middle).
	{
		src := "See [custom][c], then [here](../misc/custom/index.md).\n\n[c]: custom/index.md\n"
		d := convert(t, Options{}, src)
		if len(d.Links) != 2 || d.Links[0].DestOffset != -1 || d.Links[1].DestOffset != strings.Index(src, "../misc") {
			t.Errorf("reference then inline link: %+v", d.Links)
		}
	}
	if len(d.Lists) != 1 || !d.Lists[0].Ordered || d.Lists[0].Items != 2 || d.Lists[0].Section != 1 {
		t.Errorf("lists = %+v", d.Lists)
	}
	if len(d.Directives) != 2 || d.Directives[0].Kind != "disable" || strings.Join(d.Directives[0].Rules, ",") != "jargon,readability" ||
		d.Directives[1].Kind != "disable-next-line" || len(d.Directives[1].Rules) != 0 {
		t.Errorf("directives = %+v", d.Directives)
	}
	for _, b := range d.Blocks {
		if strings.Contains(b.Text, "code words") || strings.Contains(b.Text, "x.example") || strings.Contains(b.Text, "not prose") {
			t.Errorf("code or URL in prose block %q", b.Text)
		}
	}
	// Spans map prose back to the source.
	for _, b := range d.Blocks {
		if i := strings.Index(b.Text, "Settings"); i >= 0 {
			if off := b.Pos(i); src[off:off+8] != "Settings" {
				t.Errorf("Pos maps Settings to %q", src[off:off+8])
			}
		}
	}
	qs := d.Questions()
	if len(qs) != 1 || qs[0].Heading.ID != "is-it-free" || qs[0].Answer != "Yes, it is. More." {
		t.Errorf("questions = %+v", qs)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"How do I change my email address?": "how-do-i-change-my-email-address",
		"Can't sign in?":                    "cant-sign-in",
		"  Étape 2 — Vérifier  ":            "étape-2-vérifier",
		"???":                               "section",
		"snake_case and-dash":               "snake_case-and-dash",
		"日本語の見出し":                           "日本語の見出し",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzConvert(f *testing.F) {
	f.Add("# T\n\n> [!NOTE]\n> x\n\n| a |\n|---|\n| b |\n")
	f.Add("[a](</x y>) ![b][ref]\n\n[ref]: /img.png\n")
	f.Add("<!-- kb-lint-disable -->\n```go\nfunc(){}\n```\n")
	// the shapes inline.go counts the work of
	for _, s := range []string{"[a](<b[a](<b[a](<b\\>", "[a](b[a](b (c[a](b \"x\\\"\n\"y", "[a]\n[a][b]\n![a]\n[a](<b>)",
		"[[[[a]]]](b)", "**a_**a_*a*", "[^a]\n[^b]\n\n[^a]: x\n[^b]: y\n"} {
		f.Add(s)
	}
	c := New(Options{})
	// With a budget so small that most inputs exceed it, the parsers that
	// stop being called leave goldmark in a state it handles.
	small := New(Options{})
	small.inlineWork = 20
	f.Fuzz(func(t *testing.T, src string) {
		_, err := small.Convert([]byte(src), "/x/")
		var ie *InlineError
		if err != nil && (!errors.As(err, &ie) || ie.Offset < 0 || ie.Offset > len(src)) {
			t.Fatalf("with a small budget: %v", err)
		}
		d, err := c.Convert([]byte(src), "/x/")
		if errors.As(err, &ie) && ie.Offset >= 0 && ie.Offset <= len(src) {
			return // too costly
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Links {
			if l.Offset > len(src) || l.DestOffset > len(src) {
				t.Fatalf("offset out of range: %+v", l)
			}
		}
		for _, b := range d.Blocks {
			for _, s := range b.Spans {
				if s.Offset < 0 || s.Offset+s.Len > len(src) || b.Text[s.At:s.At+s.Len] != src[s.Offset:s.Offset+s.Len] {
					t.Fatalf("span %+v does not match source", s)
				}
			}
		}
	})
}

// TestCompact checks that a compacted document answers PlainText and
// Questions as before, without the blocks lint reads.
func TestCompact(t *testing.T) {
	src := "# FAQ\n\nIntro text.\n\n## How do I pay?\n\nWith a **card** or an invoice.\n\n- one\n- two\n\n## Can I cancel?\n\nYes, any time.\n"
	want := convert(t, Options{}, src)
	wantPlain, wantQs := want.PlainText(), want.Questions()
	if len(wantQs) != 2 || !strings.Contains(wantPlain, "invoice") {
		t.Fatalf("fixture: %d questions, plain text %q", len(wantQs), wantPlain)
	}
	d := convert(t, Options{}, src)
	d.Compact()
	d.Compact() // twice is harmless
	if d.Blocks != nil || d.Lists != nil {
		t.Errorf("Compact kept %d blocks and %d lists", len(d.Blocks), len(d.Lists))
	}
	if got := d.PlainText(); got != wantPlain {
		t.Errorf("PlainText after Compact = %q, want %q", got, wantPlain)
	}
	if got := d.Questions(); !reflect.DeepEqual(got, wantQs) {
		t.Errorf("Questions after Compact = %+v, want %+v", got, wantQs)
	}
}

func TestUnsafeScheme(t *testing.T) {
	for url, want := range map[string]string{
		"javascript:alert(1)": "javascript", "JavaScript:x": "javascript", " \x01javascript:x": "javascript",
		"java\tscript:x": "javascript", "java\nscript:x": "javascript", "jav\r\nascript:x": "javascript",
		"vbscript:x": "vbscript", "file:///etc/passwd": "file", "data:text/html,x": "data",
		"data:image/png;base64,x": "", "data:image/png,x": "data", "https://x.test/": "", "/articles/x/": "", "mailto:a@b.c": "",
		"%6Aavascript:x": "", "java%09script:x": "", "": "",
	} {
		if got := UnsafeScheme(url); got != want {
			t.Errorf("UnsafeScheme(%q) = %q, want %q", url, got, want)
		}
	}
	// The same list as goldmark's, for URLs a browser reads as written.
	for _, u := range []string{"javascript:x", "JAVASCRIPT:x", "vbscript:", "VBScript:x", "file:x", "data:", "data:text/html,x",
		"data:image/png,x", "data:image/PNG;x", "data:image/gif", "data:image/jpeg", "data:image/webp", "data:image/svg+xml,x",
		"data:image/", "http://x", "javascrip:x", "javascriptx:y", "x", "", ":", "data:image/pngx", "data:image/png;", "data:image/jpeg;x", "data:image/webp;"} {
		if got, want := UnsafeScheme(u) != "", html.IsDangerousURL([]byte(u)); got != want {
			t.Errorf("UnsafeScheme(%q) = %q; goldmark's IsDangerousURL says %v", u, UnsafeScheme(u), want)
		}
	}
	for _, u := range []string{"/articles/x/", "java\tscript:x", "data:image/png;base64,x"} {
		b := []byte(u)
		if n := testing.AllocsPerRun(100, func() { safeURL(b) }); n > 0 {
			t.Errorf("safeURL(%q) allocates %v times", u, n)
		}
	}
}

// TestCode checks that the text of code spans and code blocks is kept,
// one a line, out of the prose, and survives Compact.
func TestCode(t *testing.T) {
	src := "The banner says `Permission denied (publickey)`.\n\n```\n$ rclone ls remote:\nERROR : 502 Bad Gateway\n\n```\n\n    indented AUTH-401\n\n## Fix `libsecret-1.so.0`\n"
	d := convert(t, Options{}, src)
	want := "Permission denied (publickey)\n$ rclone ls remote:\nERROR : 502 Bad Gateway\nindented AUTH-401\nlibsecret-1.so.0"
	if d.Code != want {
		t.Errorf("Code = %q, want %q", d.Code, want)
	}
	if strings.Contains(d.PlainText(), "Permission") {
		t.Errorf("code in the prose: %q", d.PlainText())
	}
	wantShown := "The banner says " + CodeStart + "Permission denied (publickey)" + CodeEnd + "."
	if got := d.ShownText(); got != wantShown {
		t.Errorf("ShownText = %q, want %q", got, wantShown)
	}
	d.Compact()
	if d.Code != want {
		t.Errorf("Code after Compact = %q", d.Code)
	}
	if got := d.ShownText(); got != wantShown {
		t.Errorf("ShownText after Compact = %q", got)
	}
}

// TestShownAnswer checks that FAQ answers keep their code spans and URLs
// for display, and that the shown answer is a run of the shown page text.
func TestShownAnswer(t *testing.T) {
	src := "## Why does sync fail?\n\nIt says `ERR_SYNC 42` or see <https://status.example.com> now.\n\n**Can I retry?** Run `kb retry` twice.\n"
	d := convert(t, Options{}, src)
	qs := d.Questions()
	if len(qs) != 2 {
		t.Fatalf("%d questions", len(qs))
	}
	want := []string{"It says " + CodeStart + "ERR_SYNC 42" + CodeEnd + " or see " + CodeStart + "https://status.example.com" + CodeEnd + " now.",
		"Run " + CodeStart + "kb retry" + CodeEnd + " twice."}
	for i, q := range qs {
		if q.AnswerShown != want[i] {
			t.Errorf("question %d: AnswerShown %q, want %q", i, q.AnswerShown, want[i])
		}
		if !strings.Contains(d.ShownText(), q.AnswerShown) {
			t.Errorf("question %d: %q is not in the shown text %q", i, q.AnswerShown, d.ShownText())
		}
	}
	if qs[0].Answer != "It says  or see  now." { // the prose, as before
		t.Errorf("Answer %q", qs[0].Answer)
	}
}
