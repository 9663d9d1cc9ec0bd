package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
)

// FAQ questions come in the shapes help centers write them in:
//
//	## How do I change my email?        a heading at any level ending in "?"
//	### Q: How do I change my email?    with a "Q:" (or "Q." or "Question:") prefix,
//	                                    which need not end in "?"
//	**How do I change my email?**       a paragraph that starts with a bold question,
//	Open Settings.                      the answer on the next line or below
//
// A heading question's answer is what follows, down to the next question or
// the next heading of its level or higher; a bold question's stops at any
// heading. Bold questions get an ID on their paragraph, made from the
// question like a heading's (after the headings, so theirs stay GitHub's).

// boldQ is an FAQ question written as a bold paragraph.
type boldQ struct {
	node   ast.Node
	block  int    // its index in Document.Blocks
	text   string // the question, without a Q: prefix
	rest   int    // where the answer starts in the block's Text
	offset int
	id     string
}

// questionText reports whether heading or bold text asks a question, and
// returns it without a "Q:" prefix.
func questionText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	q, prefixed := trimQ(s)
	if q == "" {
		return "", false
	}
	return q, prefixed || strings.HasSuffix(q, "?") || strings.HasSuffix(q, "？")
}

// trimQ removes a "Q:", "Q.", "Q)" or "Question:" prefix, in any case.
func trimQ(s string) (string, bool) {
	for _, p := range []string{"question:", "q:", "q.", "q)"} {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) && (s[len(p)] == ' ' || s[len(p)] == '\t') {
			return strings.TrimSpace(s[len(p):]), true
		}
	}
	return s, false
}

// boldQuestion recognises a top-level paragraph that starts with a bold
// question (**How do I …?**); b is the paragraph's block.
func boldQuestion(n ast.Node, src []byte, b *Block) (boldQ, bool) {
	p, ok := n.(*ast.Paragraph)
	if !ok || p.Parent() == nil || p.Parent().Kind() != ast.KindDocument {
		return boldQ{}, false
	}
	em, ok := p.FirstChild().(*ast.Emphasis)
	if !ok || em.Level != 2 {
		return boldQ{}, false
	}
	text, ok := questionText(strings.Join(strings.Fields(headingText(em, src)), " "))
	if !ok {
		return boldQ{}, false
	}
	// The answer starts at the first text after the bold part.
	end := -1
	_ = ast.Walk(em, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			end = max(end, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	rest := len(b.Text)
	for _, s := range b.Spans {
		if s.Offset >= end && end >= 0 {
			rest = s.At
			break
		}
	}
	return boldQ{node: p, text: text, rest: rest, offset: blockOffset(p)}, true
}

func (d *Document) findQuestions() []Question {
	var qs []Question
	var answer, answerShown []byte
	open, level := false, 0 // a question is open; its heading's level (0: bold)
	closeQ := func() {
		if open {
			qs[len(qs)-1].Answer, qs[len(qs)-1].AnswerShown = string(answer), string(answerShown)
		}
		open, answer, answerShown = false, answer[:0], answerShown[:0]
	}
	add := func(b *Block, from int) {
		text := b.Text[from:]
		if text = strings.TrimSpace(text); text == "" {
			return
		}
		if len(answer) > 0 {
			answer = append(answer, ' ')
			answerShown = append(answerShown, ' ')
		}
		answer = append(answer, text...)
		answerShown = append(answerShown, strings.TrimSpace(shown(b.Text, b.Inserts, from))...)
	}
	bold := 0
	for i := range d.Blocks {
		b := &d.Blocks[i]
		if b.Kind == HeadingText {
			h := d.Headings[b.Section]
			if text, ok := questionText(h.Text); ok {
				closeQ()
				h.Text = text
				qs = append(qs, Question{Heading: h})
				open, level = true, h.Level
			} else if open && (level == 0 || h.Level <= level) {
				closeQ()
			}
			continue
		}
		for bold < len(d.boldQs) && d.boldQs[bold].block < i {
			bold++
		}
		if bold < len(d.boldQs) && d.boldQs[bold].block == i {
			q := d.boldQs[bold]
			closeQ()
			qs = append(qs, Question{Heading: Heading{Text: q.text, ID: q.id, Offset: q.offset}})
			open, level = true, 0
			add(b, q.rest)
			continue
		}
		if open {
			add(b, 0)
		}
	}
	closeQ()
	return qs
}
