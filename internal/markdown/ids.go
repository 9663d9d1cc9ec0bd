package markdown

import (
	"strconv"
	"strings"
	"unicode"
)

// Slug turns heading text into an ID the way GitHub does: lowercase; keep
// letters, digits, "-" and "_"; whitespace runs become one "-"; every other
// character is dropped; repeated "-" collapse and the ends are trimmed.
// Text with nothing left gives "section".
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

// ids hands out unique IDs within one document.
type ids struct {
	used map[string]bool
	// next is the suffix to try next for a base, so that many identical
	// headings cost linear, not quadratic, time.
	next map[string]int
}

// reservedIDs are element ids the default layouts use on every page or on
// some pages (release sections); headings never take them, nor any id
// starting with "kb-".
var reservedIDs = []string{"main", "whats-new", "fixed", "known-issues"}

func newIDs() *ids {
	s := &ids{used: map[string]bool{}, next: map[string]int{}}
	for _, id := range reservedIDs {
		s.used[id] = true
	}
	return s
}

func (s *ids) generate(text string) string {
	base := Slug(text)
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
