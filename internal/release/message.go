package release

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// Message is a briefing or an announcement, independent of its format.
type Message struct {
	Subject string
	Blocks  []Block
}

// Span is a piece of inline text, maybe a link, maybe strong.
type Span struct {
	Text   string
	URL    string
	Strong bool
}

// Inline is a run of spans.
type Inline []Span

// T is plain text; L a link; B strong text.
func T(s string) Span              { return Span{Text: s} }
func L(text, url string) Span      { return Span{Text: text, URL: url} }
func B(s string) Span              { return Span{Text: s, Strong: true} }
func line(spans ...Span) Inline    { return Inline(spans) }
func para(spans ...Span) Block     { return Block{Kind: Para, Text: spans} }
func heading(s string) Block       { return Block{Kind: Heading, Text: Inline{T(s)}} }
func list(items ...Item) Block     { return Block{Kind: List, Items: items} }
func item(spans ...Span) Item      { return Item{Text: spans} }
func (it Item) sub(s ...Item) Item { it.Sub = append(it.Sub, s...); return it }

// BlockKind says how a block renders.
type BlockKind int

// Block kinds.
const (
	Para BlockKind = iota
	Heading
	List
)

// Block is a paragraph, a heading or a list.
type Block struct {
	Kind  BlockKind
	Text  Inline
	Items []Item
}

// Item is a list item with optional sub-items.
type Item struct {
	Text Inline
	Sub  []Item
}

// Formats lists the output formats of Write.
var Formats = []string{"markdown", "text", "html"}

// Write renders m in a format: markdown, text or html.
func (m *Message) Write(w io.Writer, format string) error {
	var s string
	switch format {
	case "markdown", "md":
		s = m.markdown()
	case "text", "txt":
		s = m.text()
	case "html":
		s = m.html()
	default:
		return fmt.Errorf("unknown format %q (want markdown, text or html)", format)
	}
	_, err := io.WriteString(w, s)
	return err
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, "`", "\\`", `<`, `\<`)

func (in Inline) md() string {
	var b strings.Builder
	for _, s := range in {
		t := mdEscaper.Replace(s.Text)
		switch {
		case s.URL != "":
			fmt.Fprintf(&b, "[%s](%s)", t, s.URL)
		case s.Strong:
			fmt.Fprintf(&b, "**%s**", t)
		default:
			b.WriteString(t)
		}
	}
	return b.String()
}

func (in Inline) plain() string {
	var b strings.Builder
	for _, s := range in {
		b.WriteString(s.Text)
		if s.URL != "" && s.URL != s.Text && !strings.HasPrefix(s.URL, "mailto:") {
			fmt.Fprintf(&b, " (%s)", s.URL)
		}
	}
	return b.String()
}

func (in Inline) htm() string {
	var b strings.Builder
	for _, s := range in {
		t := html.EscapeString(s.Text)
		switch {
		case s.URL != "":
			fmt.Fprintf(&b, `<a href="%s" style="color:#0b5cad;text-decoration:underline">%s</a>`, html.EscapeString(s.URL), t)
		case s.Strong:
			fmt.Fprintf(&b, "<strong>%s</strong>", t)
		default:
			b.WriteString(t)
		}
	}
	return b.String()
}

func (m *Message) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Subject: %s\n", m.Subject)
	for _, bl := range m.Blocks {
		b.WriteString("\n")
		switch bl.Kind {
		case Para:
			b.WriteString(bl.Text.md() + "\n")
		case Heading:
			fmt.Fprintf(&b, "**%s**\n", bl.Text.md())
		case List:
			writeItems(&b, bl.Items, "", func(in Inline) string { return in.md() })
		}
	}
	return b.String()
}

func (m *Message) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Subject: %s\n", m.Subject)
	for _, bl := range m.Blocks {
		b.WriteString("\n")
		switch bl.Kind {
		case Para:
			b.WriteString(bl.Text.plain() + "\n")
		case Heading:
			t := bl.Text.plain()
			fmt.Fprintf(&b, "%s\n%s\n", t, strings.Repeat("-", len([]rune(t))))
		case List:
			writeItems(&b, bl.Items, "", func(in Inline) string { return in.plain() })
		}
	}
	return b.String()
}

func writeItems(b *strings.Builder, items []Item, indent string, f func(Inline) string) {
	for _, it := range items {
		fmt.Fprintf(b, "%s- %s\n", indent, f(it.Text))
		writeItems(b, it.Sub, indent+"  ", f)
	}
}

// html renders a self-contained email body: inline styles only, no scripts,
// no external assets, table-free so it reflows on phones.
func (m *Message) html() string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n</head>\n", html.EscapeString(m.Subject))
	b.WriteString(`<body style="margin:0;padding:24px 12px;background:#f6f8fa;color:#1f2328;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.6">` + "\n")
	b.WriteString(`<div style="max-width:600px;margin:0 auto;padding:24px 28px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">` + "\n")
	fmt.Fprintf(&b, `<p style="margin:0 0 16px;color:#59636e;font-size:14px">Subject: <strong style="color:#1f2328">%s</strong></p>`+"\n", html.EscapeString(m.Subject))
	for _, bl := range m.Blocks {
		switch bl.Kind {
		case Para:
			fmt.Fprintf(&b, `<p style="margin:0 0 16px">%s</p>`+"\n", bl.Text.htm())
		case Heading:
			fmt.Fprintf(&b, `<h2 style="margin:24px 0 8px;font-size:18px;line-height:1.3">%s</h2>`+"\n", bl.Text.htm())
		case List:
			writeHTMLItems(&b, bl.Items)
		}
	}
	b.WriteString("</div>\n</body>\n</html>\n")
	return b.String()
}

func writeHTMLItems(b *strings.Builder, items []Item) {
	b.WriteString(`<ul style="margin:0 0 16px;padding-left:24px">` + "\n")
	for _, it := range items {
		fmt.Fprintf(b, `<li style="margin:0 0 8px">%s`, it.Text.htm())
		if len(it.Sub) > 0 {
			b.WriteString("\n")
			writeHTMLItems(b, it.Sub)
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>\n")
}
