// Package suggest answers "did you mean": the known name nearest to one a
// user mistyped, for kb's commands and flags, site.yaml's keys and the
// front matter's fields, so that every "did you mean" of kb follows one
// rule.
//
// Names are compared without regard to case, with "-" and "_" the same
// ("Base-URL" is "base_url"), by the optimal string alignment distance
// (Damerau–Levenshtein without repeated edits of one substring: a swap of
// two neighbours is one edit, so "titel" is one from "title"). A name is
// near enough when at most a third of its letters are off, at least one
// and at most three: "tagz" → "tags", "baseurl" → "base_url", but "note"
// is not "date".
package suggest

import (
	"strings"

	"github.com/hbollon/go-edlib"
)

// maxLen bounds the names compared: the distance costs the product of the
// lengths, and no name kb knows is this long.
const maxLen = 64

// Closest returns the candidate nearest to name, or "" when none is near
// enough (or name is one of them). Of candidates equally near, the first
// wins.
func Closest(name string, candidates []string) string {
	n := fold(name)
	if n == "" || len(n) > maxLen {
		return ""
	}
	limit := min(max(len([]rune(n))/3, 1), 3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if c == name {
			return ""
		}
		f := fold(c)
		if len(f) > maxLen {
			continue
		}
		if d := edlib.OSADamerauLevenshteinDistance(n, f); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func fold(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
}
