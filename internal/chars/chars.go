// Package chars says which characters kb's outputs can carry. Front matter
// and site.yaml can spell any character through an escape ("a\u0007b",
// "\x1b[31m"), but HTML forbids control characters in a document and XML
// 1.0 cannot carry most of them at all, so kb drops them from the texts it
// reads (titles, descriptions and every other front-matter string, and
// site.yaml's texts) and again from every feed it writes.
package chars

import "strings"

// Clean drops the characters HTML and XML 1.0 do not carry: control
// characters other than tab and line ends (C0, DEL and C1), unpaired
// surrogates, U+FFFE and U+FFFF. It returns s itself when it has none.
func Clean(s string) string {
	for _, r := range s {
		if !ok(r) {
			return strings.Map(func(r rune) rune {
				if ok(r) {
					return r
				}
				return -1
			}, s)
		}
	}
	return s
}

func ok(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r < 0x7F) || (r > 0x9F && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
