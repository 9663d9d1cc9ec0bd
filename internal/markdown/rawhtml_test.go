package markdown

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestSanitizeKeeps: the raw HTML documentation uses survives, as written.
func TestSanitizeKeeps(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"br", "Line one<br>line two<br/>three\n", "<p>Line one<br>line two<br>three</p>"},
		{"kbd", "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.\n", "<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p>"},
		{"sup and sub", "E = mc<sup>2</sup>, H<sub>2</sub>O\n", "<p>E = mc<sup>2</sup>, H<sub>2</sub>O</p>"},
		{"span with class", `A <span class="badge new">New</span> feature` + "\n", `<p>A <span class="badge new">New</span> feature</p>`},
		{"img with alt", `<img src="/images/a.png" alt="The menu" width="300">` + "\n", `<img src="/images/a.png" alt="The menu" width="300">`},
		{"div with class around Markdown", "<div class=\"tab-pane\" id=\"windows\">\n\n**Bold** text.\n\n</div>\n",
			"<div class=\"tab-pane\" id=\"windows\">\n<p><strong>Bold</strong> text.</p>\n</div>"},
		{"details around Markdown", "<details>\n<summary>Show the steps</summary>\n\n1. Open it.\n\n</details>\n",
			"<details>\n<summary>Show the steps</summary>\n<ol>\n<li>Open it.</li>\n</ol>\n</details>"},
		{"table", "<table>\n<tr><th scope=\"col\">Plan</th><td colspan=\"2\">Team</td></tr>\n</table>\n",
			"<table>\n<tbody><tr><th scope=\"col\">Plan</th><td colspan=\"2\">Team</td></tr>\n</tbody></table>"},
		{"links", `See <a href="/articles/x/" title="X">the guide</a> or <a href="https://example.com/">this</a>.` + "\n",
			`<p>See <a href="/articles/x/" title="X">the guide</a> or <a href="https://example.com/">this</a>.</p>`},
		{"old anchors become ids", `<a name="legacy"></a>` + "\n\n## Heading\n", `<a id="legacy"></a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(convert(t, Options{}, tc.src).HTML)
			if !strings.Contains(got, tc.want) {
				t.Errorf("missing %s in\n%s", tc.want, got)
			}
		})
	}
}

// hostile is raw HTML written to run script or break the page.
var hostile = []string{
	`<script>alert(1)</script>`,
	"Inline <script>alert('inline')</script> text",
	"<script>\nalert('block')\n</script>",
	`<img src=x onerror=alert(1)>`,
	`<img src="javascript:alert(1)" alt="x">`,
	`<svg onload=alert(1)><circle r=1></svg>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="java&#x09;script:alert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<div onclick="alert(1)" onmouseover=alert(2)>handlers</div>`,
	`<style>body{background:url("javascript:alert(1)")}</style>`,
	`<div style="background:url(javascript:alert(1))">styled</div>`,
	`<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button><input onfocus=alert(3) autofocus></form>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe src="https://evil.example/"></iframe>`,
	`<iframe src="https://www.youtube-nocookie.com@evil.example/"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<template><script>alert(1)</script></template>`,
	`<link rel="stylesheet" href="javascript:alert(1)">`,
	`<video><source onerror="alert(1)"></video>`,
	`<details open ontoggle=alert(1)>`,
	`<a href="/x" target="_blank" rel="opener">x</a>`,
	`<p id="main">clobber</p><p id="kb-search">clobber</p>`,
	"</div></div></main></article></body>",
	"<div><div><div>never closed",
	"<table><tr><td>never closed",
	`<!--`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	"<xmp><script>alert(1)</script></xmp>",
}

// TestSanitizeHostile: whatever the raw HTML, no script runs, no element
// kb writes around it is closed early, and the page's ids stay unique.
func TestSanitizeHostile(t *testing.T) {
	c := New(Options{Embeds: []string{"www.youtube-nocookie.com"}})
	for _, h := range hostile {
		for _, src := range []string{h + "\n", "Text " + h + " more\n", "- item\n\n  " + h + "\n", "> " + h + "\n", "| a |\n|---|\n| " + h + " |\n"} {
			d, err := c.Convert([]byte(src), "/x/")
			if err != nil {
				t.Fatal(err)
			}
			out := string(d.HTML)
			if p := scriptProblems(out); p != "" {
				t.Errorf("%q: %s in\n%s", src, p, out)
			}
			// Wrapped in an element of kb's, the output must parse back
			// with that element whole: nothing closed it early.
			doc, err := html.Parse(strings.NewReader("<div id=kb-wrap>" + out + "</div><p id=after>x</p>"))
			if err != nil {
				t.Fatal(err)
			}
			if after := byID(doc, "after"); after == nil || after.Parent == nil || after.Parent.Data != "body" {
				t.Errorf("%q: the output closed or swallowed the element around it:\n%s", src, out)
			}
			if strings.Contains(out, `id="main"`) || strings.Contains(out, `id="kb-search"`) {
				t.Errorf("%q: a layout's id in\n%s", src, out)
			}
		}
	}
}

// scriptProblems says what in a fragment could run script: script, style,
// object, embed, base, form, meta, frames other than the allowed host,
// on* attributes, script URLs.
func scriptProblems(frag string) string {
	nodes, err := html.ParseFragment(strings.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err.Error()
	}
	var problem string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "object", "embed", "base", "form", "meta", "link", "input", "button", "svg", "math", "template", "frame", "frameset":
				problem = "<" + n.Data + ">"
			case "iframe":
				if v := attr(n, "src"); !strings.HasPrefix(v, "https://www.youtube-nocookie.com/") {
					problem = "iframe from " + v
				}
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(a.Key, "on"), a.Key == "style", a.Key == "srcdoc", a.Key == "target", a.Key == "rel":
					problem = "attribute " + a.Key
				case strings.HasPrefix(v, "javascript:"), strings.HasPrefix(v, "vbscript:"), strings.HasPrefix(v, "livescript:"), strings.HasPrefix(v, "data:"):
					problem = a.Key + "=" + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return problem
}

func byID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode && attr(n, "id") == id {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := byID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// TestSanitizeEmbeds: iframes only from markdown.embeds hosts, over https.
func TestSanitizeEmbeds(t *testing.T) {
	src := `<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" title="Demo" frameborder="0" allowfullscreen></iframe>` + "\n\n" +
		`<iframe src="https://player.vimeo.com/video/1"></iframe>` + "\n\n" +
		`<iframe src="http://www.youtube-nocookie.com/embed/abc"></iframe>` + "\n"
	got := string(convert(t, Options{Embeds: []string{"www.youtube-nocookie.com"}}, src).HTML)
	want := `<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" title="Demo" allowfullscreen=""></iframe>`
	if !strings.Contains(got, want) || strings.Count(got, "<iframe") != 1 {
		t.Errorf("got\n%s\nwant only\n%s", got, want)
	}
	if got := string(convert(t, Options{}, src).HTML); strings.Contains(got, "<iframe") {
		t.Errorf("iframes without markdown.embeds:\n%s", got)
	}
	if got := EmbedOrigins([]string{"www.youtube-nocookie.com"}); !reflect.DeepEqual(got, []string{"https://www.youtube-nocookie.com"}) {
		t.Errorf("EmbedOrigins = %q", got)
	}
}

// TestRawHTMLModes: escape shows raw HTML as text, unsafe passes it, and
// links and images in raw HTML are the page's unless it is text.
func TestRawHTMLModes(t *testing.T) {
	src := "See <a href=\"/articles/y/\">y</a>.\n\n<div>\n<img src=\"/images/a.png\">\n<a id=\"top\" href='/faq/#q'>q</a>\n</div>\n"
	esc := convert(t, Options{HTML: HTMLEscape}, src)
	if !strings.Contains(string(esc.HTML), "&lt;a href=&quot;/articles/y/&quot;&gt;") || len(esc.Links) != 0 {
		t.Errorf("escape: %d links\n%s", len(esc.Links), esc.HTML)
	}
	unsafe := convert(t, Options{HTML: HTMLUnsafe}, src)
	if !strings.Contains(string(unsafe.HTML), `<a href="/articles/y/">y</a>`) || !reflect.DeepEqual(unsafe.IDs, []string{"top"}) {
		t.Errorf("unsafe: ids %q\n%s", unsafe.IDs, unsafe.HTML)
	}
	for _, d := range []*Document{unsafe, convert(t, Options{}, src)} {
		if len(d.Links) != 3 {
			t.Fatalf("links = %+v", d.Links)
		}
		l := d.Links[0]
		if l.Dest != "/articles/y/" || l.Image || src[l.Offset:l.Offset+2] != "<a" || src[l.DestOffset:l.DestOffset+4] != "/art" {
			t.Errorf("link = %+v", l)
		}
		img := d.Links[1]
		if !img.Image || img.Dest != "/images/a.png" || img.Text != "" || src[img.Offset:img.End] != `<img src="/images/a.png">` {
			t.Errorf("image = %+v", img)
		}
		if l := d.Links[2]; l.Dest != "/faq/#q" || l.Text != "q" || src[l.DestOffset:l.DestOffset+5] != "/faq/" {
			t.Errorf("link = %+v", l)
		}
	}
	if d := convert(t, Options{}, src); !reflect.DeepEqual(d.IDs, []string{"top"}) {
		t.Errorf("sanitize: ids %q", d.IDs)
	}
}

// TestSanitizeIDs: ids in raw HTML that a heading or the layouts have are
// dropped; the others are anchors; root-relative URLs get the base path.
func TestSanitizeIDs(t *testing.T) {
	d := convert(t, Options{BasePath: "/help/"}, "## Setup\n\n<p id=\"setup\">a</p>\n\n<p id=\"main\">b</p>\n\n<p id=\"extra\"><a href=\"/articles/x/\">c</a> <img src=\"/i.png\" alt=\"i\"></p>\n")
	out := string(d.HTML)
	for _, w := range []string{`<h2 id="setup">`, `<p>a</p>`, `<p>b</p>`, `<p id="extra"><a href="/help/articles/x/">c</a> <img src="/help/i.png" alt="i"></p>`} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %s in\n%s", w, out)
		}
	}
	if !reflect.DeepEqual(d.IDs, []string{"extra"}) {
		t.Errorf("IDs = %q", d.IDs)
	}
}

// TestAnalyzeMatchesConvertWithHTML: lint sees the IDs and links the page has.
func TestAnalyzeMatchesConvertWithHTML(t *testing.T) {
	src := []byte("<details>\n<summary id=\"s\">Q?</summary>\n\n**How?**\n\nA <kbd>k</kbd> <a href=\"/x/\">x</a>.\n\n</details>\n")
	c := New(Options{})
	full, err := c.Convert(src, "/x/")
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.Analyze(src)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full.IDs, text.IDs) || !reflect.DeepEqual(full.Links, text.Links) || !reflect.DeepEqual(full.Blocks, text.Blocks) {
		t.Errorf("Analyze differs from Convert:\n%+v\n%+v", text, full)
	}
}

// FuzzSanitize: whatever the Markdown, sanitized output runs no script and
// leaves the element around it whole.
func FuzzSanitize(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add("<details>\n<summary>Q</summary>\n\n- a\n\n</details>\n")
	f.Add("<table><tr><td>\n\n**x**\n\n</td></tr></table>\n")
	c := New(Options{Embeds: []string{"www.youtube-nocookie.com"}})
	f.Fuzz(func(t *testing.T, src string) {
		d, err := c.Convert([]byte(src), "/x/")
		if err != nil {
			t.Fatal(err)
		}
		out := string(d.HTML)
		if p := scriptProblems(out); p != "" {
			t.Fatalf("%q: %s in\n%s", src, p, out)
		}
		doc, err := html.Parse(strings.NewReader("<div id=kb-wrap>" + out + "</div><p id=after>x</p>"))
		if err != nil {
			t.Fatal(err)
		}
		if after := byID(doc, "after"); after == nil || after.Parent == nil || after.Parent.Data != "body" {
			t.Fatalf("%q: the output closed or swallowed the element around it:\n%s", src, out)
		}
	})
}
