package markdown

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
)

// HeadingSlug turns heading text into an ID exactly as GitHub does
// (github-slugger): lowercase; drop every character that is not a letter,
// a mark, a decimal or letter number, connector punctuation ("_"), a space
// or "-"; then every space becomes "-". Nothing collapses and nothing is
// trimmed, so each dropped character leaves its spaces behind:
// "User & Directory" → "user--directory", "A — B" → "a--b". Text with
// nothing left gives "section" (GitHub would give an empty ID, which HTML
// does not allow).
func HeadingSlug(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case r < 0x80:
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
				b.WriteRune(r)
			}
		case unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Nl, unicode.Pc, unicode.Other_Alphabetic):
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// Slug is kb's compact slug: lowercase; letters, digits, "-" and "_" kept;
// runs of whitespace and "-" become one "-"; everything else dropped; the
// ends trimmed. Text with nothing left gives "section". Headings used it
// before they took GitHub's IDs (HeadingSlug); their old IDs stay as extra
// anchors. kb's own IDs (known issues, products) still use it.
func Slug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '-' || unicode.IsSpace(r):
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// slugsAgree reports, without allocating, whether Slug and HeadingSlug
// give text the same slug: no separator (space or "-") starts or ends it
// or follows another once the characters both drop are gone, and nothing
// is a separator to one and dropped or kept by the other.
func slugsAgree(text string) bool {
	sep, kept := 0, false
	for _, r := range text {
		switch {
		case r == ' ' || r == '-':
			sep++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if sep > 1 || sep == 1 && !kept {
				return false
			}
			sep, kept = 0, true
		case unicode.IsSpace(r) || r >= 0x80 && unicode.In(r, unicode.M, unicode.Nl, unicode.Pc, unicode.Other_Alphabetic):
			return false
		}
	}
	return sep == 0
}

// ids hands out unique IDs within one document.
type ids struct {
	slug func(string) string
	used map[string]bool
	// next is the suffix to try next for a base, so that many identical
	// headings cost linear, not quadratic, time.
	next map[string]int
}

// reservedIDs are element ids the default layouts use on every page or on
// some pages (release sections); headings never take them, nor any id
// starting with "kb-".
var reservedIDs = []string{"main", "whats-new", "fixed", "known-issues"}

// Reserved reports whether an ID belongs to the layouts: content (headings,
// raw HTML) never takes it.
func Reserved(id string) bool {
	for _, r := range reservedIDs {
		if id == r {
			return true
		}
	}
	return strings.HasPrefix(id, "kb-")
}

func newIDs(slug func(string) string) *ids {
	s := &ids{slug: slug, used: map[string]bool{}, next: map[string]int{}}
	for _, id := range reservedIDs {
		s.used[id] = true
	}
	return s
}

// generate gives text's slug, with -1, -2… when an earlier one took it, as
// GitHub does.
func (s *ids) generate(text string) string {
	base := s.slug(text)
	if strings.HasPrefix(base, "kb-") {
		base = "h-" + base
	}
	id := base
	for s.used[id] {
		s.next[base]++
		id = base + "-" + strconv.Itoa(s.next[base])
	}
	s.used[id] = true
	return id
}

// anchor is an empty element that carries an extra ID: a heading's old ID.
type anchor struct {
	ast.BaseInline
	id string
}

// kindAnchor is the ast.NodeKind of anchor.
var kindAnchor = ast.NewNodeKind("Anchor")

// Kind implements ast.Node.
func (n *anchor) Kind() ast.NodeKind { return kindAnchor }

// Dump implements ast.Node.
func (n *anchor) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"ID": n.id}, nil)
}
