package markdown

import (
	"html/template"
	"strings"
	"sync"
)

// Document is everything kb needs from one parse of a page body. Offsets are
// byte offsets into the body given to Convert; content.Page turns them into
// file lines and columns.
type Document struct {
	HTML       template.HTML
	Headings   []Heading
	Links      []Link
	Blocks     []Block
	Lists      []List
	Directives []Directive
	// IDs are the IDs of elements other than headings that the HTML
	// carries: FAQ questions written as bold paragraphs, and elements of
	// raw HTML (as sanitized, or as written when it passes through).
	IDs []string
	// Words counts the words of prose (paragraphs, list items, headings; not code).
	Words int
	// Code is the text of the code spans and code blocks, one a line: what
	// search indexes as code (pasted error messages are often only there).
	Code string
	code []byte // Code while extract builds it

	// boldQs are the FAQ questions written as bold paragraphs.
	boldQs []boldQ

	questionsOnce sync.Once
	questions     []Question
	// plain and shownText are PlainText's and ShownText's results once
	// Compact dropped the blocks.
	plain, shownText string
	compacted        bool
}

// Heading is one heading, with the ID its HTML element carries.
type Heading struct {
	Level int
	Text  string
	ID    string
	// OldID is the ID kb gave the heading before its IDs matched GitHub's,
	// when it differs; the HTML carries it too, so old links keep working.
	OldID  string
	Offset int
}

// Link is a link or an image in the body. Autolinks are links too, and so
// are <a href> and <img src> in raw HTML, unless raw HTML is shown as text.
type Link struct {
	// Dest is the destination as the page wrote it; URL is where the link
	// leads, as the HTML's href has it before percent-encoding: backslash
	// escapes and character references resolved ("&#106;avascript:" is
	// "javascript:"). They differ only when the destination has \ or &.
	Dest   string
	URL    string
	Text   string // link text, or an image's alt text
	Image  bool
	Offset int // where the link or image starts
	// DestOffset is where the destination starts, or -1 when it is not
	// literally in the source (reference links).
	DestOffset int
	// End is where a link or image written in raw HTML ends (after its
	// tag); 0 for Markdown ones.
	End int
}

// BlockKind says what a prose block is.
type BlockKind uint8

// Block kinds.
const (
	Paragraph BlockKind = iota
	HeadingText
	TableCell
)

// Block is the text of one paragraph, heading or table cell with markup,
// code spans, URLs and raw HTML left out. Spans map its text back to the body.
type Block struct {
	Kind BlockKind
	Text string
	// Section is the index in Headings of the heading this block sits under, or -1.
	Section int
	// InList is true for paragraphs inside list items.
	InList bool
	Spans  []Span
	// Inserts are the code spans and autolinked URLs that Text leaves out,
	// kept for display (ShownText).
	Inserts []Insert
}

// Insert is text a block's prose leaves out at Text[At]: a code span or
// an autolink's URL.
type Insert struct {
	At   int
	Text string
}

// CodeStart and CodeEnd wrap the code and URLs in ShownText and in
// Question.AnswerShown: private-use runes, which no tokenizer takes for
// part of a word.
const (
	CodeStart = "\uE000"
	CodeEnd   = "\uE001"
)

// shown is text[from:] with the inserts at or after from put back, each
// between CodeStart and CodeEnd.
func shown(text string, ins []Insert, from int) string {
	if len(ins) == 0 {
		return text[from:]
	}
	var b strings.Builder
	pos := from
	for _, in := range ins {
		if in.At < from {
			continue
		}
		b.WriteString(text[pos:in.At])
		b.WriteString(CodeStart)
		b.WriteString(in.Text)
		b.WriteString(CodeEnd)
		pos = in.At
	}
	b.WriteString(text[pos:])
	return b.String()
}

// Span says that Text[At:At+Len] is the body's bytes [Offset:Offset+Len].
type Span struct {
	At, Offset, Len int
}

// Pos maps an index into the block's Text to a body offset, or -1.
func (b *Block) Pos(i int) int {
	for _, s := range b.Spans {
		if i >= s.At && i < s.At+s.Len {
			return s.Offset + i - s.At
		}
	}
	return -1
}

// List is a list in the body.
type List struct {
	Ordered bool
	Items   int
	Offset  int
	// Section is the index in Headings of the heading the list sits under, or -1.
	Section int
}

// Directive is a kb-lint HTML comment: <!-- kb-lint-disable rule ... -->.
type Directive struct {
	// Kind is "disable", "enable" or "disable-next-line".
	Kind   string
	Rules  []string // empty means every rule
	Offset int
}

// Question is an FAQ entry: a heading (at any level) or a paragraph in
// bold that asks a question, and the text under it. See faq.go.
type Question struct {
	// Heading is the heading that asks the question, with its Text
	// without a "Q:" prefix; for a question in bold it has the ID of the
	// paragraph, the level of the heading it sits under (0 for none) and
	// the paragraph's offset.
	Heading Heading
	// Answer is the plain text of the blocks under the question, and
	// AnswerShown the same with code and URLs (see ShownText).
	Answer, AnswerShown string
}

// Questions returns the FAQ questions of the document (computed once; the
// caller must not modify them).
func (d *Document) Questions() []Question {
	d.questionsOnce.Do(func() { d.questions = d.findQuestions() })
	return d.questions
}

// under reports whether heading index s is h2 index i or a deeper heading
// inside i's section.
func (d *Document) under(s, i int) bool {
	for s > i {
		if d.Headings[s].Level <= d.Headings[i].Level {
			return false
		}
		s--
	}
	return s == i
}

// Under reports whether the block or list section s lies within heading i's section.
func (d *Document) Under(s, i int) bool {
	if s < 0 || i < 0 {
		return false
	}
	return d.under(s, i)
}

// Compact drops what only lint reads (the prose blocks with their source
// spans, the lists and directives), keeping the plain text and the FAQ
// questions made from them: a 10,000-page build holds 40 MB less from lint
// to the end. Lint must not check the document afterwards.
func (d *Document) Compact() {
	if d.compacted {
		return
	}
	d.Questions()
	d.plain, d.shownText = d.PlainText(), d.ShownText()
	d.compacted = true
	d.Blocks, d.Lists, d.Directives, d.boldQs = nil, nil, nil, nil
}

// ShownText is PlainText with the code spans and autolinked URLs that it
// leaves out, each between CodeStart and CodeEnd: what a search snippet
// is cut from.
func (d *Document) ShownText() string {
	if d.compacted {
		return d.shownText
	}
	var out []string
	for _, b := range d.Blocks {
		if b.Kind != HeadingText {
			out = append(out, shown(b.Text, b.Inserts, 0))
		}
	}
	return strings.Join(out, " ")
}

// PlainText joins the prose of the document: the text search indexes.
func (d *Document) PlainText() string {
	if d.compacted {
		return d.plain
	}
	n := 0
	for _, b := range d.Blocks {
		n += len(b.Text) + 1
	}
	out := make([]byte, 0, n)
	for _, b := range d.Blocks {
		if b.Kind == HeadingText {
			continue
		}
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, b.Text...)
	}
	return string(out)
}
