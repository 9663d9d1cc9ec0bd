package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Links to headings were written against the IDs the source generator
// gave its headings. kb gives GitHub's; where the source's scheme gives
// another ID for a heading, the page records the mapping (page.ids) and
// the link pass rewrites #fragments to kb's ID, as for explicit IDs.

// idScheme is how a source generator makes heading IDs when it does not
// make GitHub's: slug turns a heading's text into an ID; unique makes it
// unique among the IDs already used on the page (and records it).
type idScheme struct {
	slug   func(text string) string
	unique func(id string, used map[string]bool) string
}

// hugoIDs is Hugo's scheme for markup.goldmark.parser.autoHeadingIDType
// (hugo/markup/goldmark/autoid.go): "github" (the default) is kb's;
// "github-ascii" drops accents and other non-ASCII; "blackfriday" is
// blackfriday's SanitizedAnchorName. Hugo makes a repeated ID unique
// with -1, -2…, and an empty one "heading".
func hugoIDs(idType string) *idScheme {
	var slug func(string) string
	switch strings.ToLower(idType) {
	case "github-ascii":
		slug = githubASCIISlug
	case "blackfriday":
		slug = blackfridaySlug
	default:
		return nil
	}
	return &idScheme{slug: slug, unique: func(id string, used map[string]bool) string {
		if id == "" {
			id = "heading"
		}
		if used[id] {
			for i := 1; ; i++ {
				if c := id + "-" + strconv.Itoa(i); !used[c] {
					id = c
					break
				}
			}
		}
		used[id] = true
		return id
	}}
}

// blackfridaySlug is blackfriday's SanitizedAnchorName: runs of anything
// but letters and digits become one "-", none at the start or end.
func blackfridaySlug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			dash = true
		}
	}
	return b.String()
}

// githubASCIISlug is Hugo's github-ascii: GitHub's ID of the text with
// accents removed and other non-ASCII characters dropped.
func githubASCIISlug(text string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(removeAccents(text)) {
		switch {
		case r > unicode.MaxASCII:
		case r == '-' || r == ' ':
			b.WriteByte('-')
		case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func removeAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mkdocsIDs is Python-Markdown's toc extension, which MkDocs always
// runs: slugify (NFKD, then ASCII only) or slugify_unicode, with the
// configured separator; a repeated or empty ID gets _1, _2…
// (markdown/extensions/toc.py).
func mkdocsIDs(unicodeSlug bool, sep string) *idScheme {
	if sep == "" {
		sep = "-"
	}
	sepRE := regexp.MustCompile(`[` + regexp.QuoteMeta(sep) + `\s]+`)
	return &idScheme{
		slug: func(text string) string {
			if !unicodeSlug {
				var b strings.Builder
				for _, r := range norm.NFKD.String(text) {
					if r <= unicode.MaxASCII {
						b.WriteRune(r)
					}
				}
				text = b.String()
			}
			var b strings.Builder
			for _, r := range text {
				if r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) {
					b.WriteRune(r)
				}
			}
			return sepRE.ReplaceAllString(strings.ToLower(strings.TrimSpace(b.String())), sep)
		},
		unique: func(id string, used map[string]bool) string {
			for used[id] || id == "" {
				if m := idCountRE.FindStringSubmatch(id); m != nil {
					n, _ := strconv.Atoi(m[2])
					id = m[1] + "_" + strconv.Itoa(n+1)
				} else {
					id += "_1"
				}
			}
			used[id] = true
			return id
		},
	}
}

var idCountRE = regexp.MustCompile(`^(.*)_([0-9]+)$`)
