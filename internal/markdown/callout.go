package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Callout is a GitHub-style alert: > [!NOTE] … rendered as a labelled box.
type Callout struct {
	ast.BaseBlock
	// Alert is note, tip, important, warning or caution.
	Alert string
}

// KindCallout is the ast.NodeKind of Callout.
var KindCallout = ast.NewNodeKind("Callout")

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Alert": n.Alert}, nil)
}

var calloutMarker = regexp.MustCompile(`^\[!(?i:(note|tip|important|warning|caution))\][ \t]*$`)

var calloutLabels = map[string]string{
	"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution",
}

type calloutTransformer struct{}

// Transform replaces marked blockquotes with Callout nodes.
func (calloutTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		p, ok := q.FirstChild().(*ast.Paragraph)
		if !ok || p.Lines().Len() == 0 {
			continue
		}
		first := p.Lines().At(0)
		m := calloutMarker.FindSubmatch(bytes.TrimRight(first.Value(src), "\r\n"))
		if m == nil {
			continue
		}
		c := &Callout{Alert: strings.ToLower(string(m[1]))}
		c.SetPos(q.Pos())
		// Drop the marker's inline nodes: everything that starts on the first line.
		for n := p.FirstChild(); n != nil; {
			next := n.NextSibling()
			t, isText := n.(*ast.Text)
			if isText && t.Segment.Start >= first.Stop {
				break
			}
			if !isText && n.Pos() >= first.Stop {
				break
			}
			p.RemoveChild(p, n)
			n = next
		}
		lines := text.NewSegments()
		for i := 1; i < p.Lines().Len(); i++ {
			lines.Append(p.Lines().At(i))
		}
		p.SetLines(lines)
		if p.ChildCount() == 0 {
			q.RemoveChild(q, p)
		}
		for n := q.FirstChild(); n != nil; {
			next := n.NextSibling()
			c.AppendChild(c, n)
			n = next
		}
		q.Parent().ReplaceChild(q.Parent(), q, c)
	}
}
