// Package content loads a site's Markdown pages and their front matter.
//
// Pages live under content/<section>/ as .md files. Front matter is YAML
// between --- lines; TOML between +++ lines and JSON ({ … } followed by an
// empty line, or between ;;; lines) are accepted too, through
// github.com/adrg/frontmatter. The fields, a contract that templates, lint,
// search, feeds and the readiness commands rely on:
//
//	every type       title, description, updated (YYYY-MM-DD), tags, product,
//	                 draft, slug, aliases, related, type, lint.disable,
//	                 publish_date, expiry_date (a date, or a date and time:
//	                 in Options.Location unless it has an offset), weight
//	                 (a whole number), promoted (true or a rank from 1)
//	all but release  date: publish_date's other name (Hugo's and Jekyll's),
//	                 publish_date winning when both are set
//	article,
//	troubleshooting  prerequisites (a list of strings)
//	troubleshooting  errors (exact error messages or codes a customer sees)
//	release          version, date, features[{title, summary, docs}],
//	                 fixes[{title, ticket}],
//	                 known_issues[{title, workaround, fix_expected, docs}]
//
// The type is the type field or else comes from the section folder: articles
// → article, faq → faq, troubleshooting → troubleshooting, releases →
// release; other folders hold articles. In an faq page each heading (at
// any level) that ends in "?" or starts with "Q:", and each paragraph that
// starts with a question in bold, is a question (markdown.Question). Unknown
// fields are kept in
// Page.Params for templates. A page's URL is /<section>/<slug>/, the slug
// coming from the file name unless set.
//
// Files are read once: a BOM is dropped, CRLF and CR line ends become LF,
// NUL bytes and invalid UTF-8 become U+FFFD; none of this moves a line or
// column. Each body is parsed once by the markdown package and the Document
// kept on the Page. Every problem is a *diag.Diagnostic that names the file
// and line (and the column and front-matter key when known).
package content

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
)

// Type is a content type.
type Type string

// The content types.
const (
	Article         Type = "article"
	FAQ             Type = "faq"
	Troubleshooting Type = "troubleshooting"
	Release         Type = "release"
)

// Types lists the content types in display order.
var Types = []Type{Article, FAQ, Troubleshooting, Release}

// sectionTypes maps section folders to the type their pages get by default.
var sectionTypes = map[string]Type{
	"articles": Article, "faq": FAQ, "troubleshooting": Troubleshooting, "releases": Release,
}

// Label is the human name of a type.
func (t Type) Label() string {
	switch t {
	case Article:
		return "How-to guide"
	case FAQ:
		return "FAQ"
	case Troubleshooting:
		return "Troubleshooting"
	case Release:
		return "Release notes"
	}
	return string(t)
}

// DateLayout is the one accepted date format.
const DateLayout = "2006-01-02"

// Pos is a 1-based line and column (in Unicode code points) in a source file.
type Pos struct {
	Line, Col int
}

// Page is one content file.
type Page struct {
	// File is the slash-separated path from the site root: content/articles/x.md.
	File    string
	Section string
	Slug    string
	// URL is the page's path on the site: /articles/x/.
	URL  string
	Type Type

	Title         string
	Description   string
	Updated       time.Time // zero when not set
	Tags          []string
	Product       string
	Draft         bool
	Aliases       []string
	Related       []string
	Prerequisites []string
	Errors        []string
	// PublishDate and ExpiryDate (publish_date, expiry_date; zero when not
	// set) bound when the page is published; see model.Rules.
	PublishDate time.Time
	ExpiryDate  time.Time
	// Weight orders the pages of a section (weight; 0 when not set):
	// lower first, then the pages without one, by title.
	Weight int
	// Promoted (promoted: true, or a rank) lists the page under "Popular
	// articles"; PromotedRank is the rank, 0 for true.
	Promoted     bool
	PromotedRank int
	// LintDisable lists rules turned off for this file (front matter lint.disable).
	LintDisable []string
	Release     *ReleaseInfo

	// Params holds every front-matter field, known or not, for templates.
	Params map[string]any
	// Format is the front matter's format: yaml, toml, json, or "" for none.
	Format string

	// Source is the normalised file; Body is Source[BodyStart:].
	Source    []byte
	BodyStart int
	Doc       *markdown.Document

	fields     map[string]Pos
	lineStarts []int
}

// ReleaseInfo holds the fields of a release announcement.
type ReleaseInfo struct {
	Version     string
	Date        time.Time
	Features    []Feature
	Fixes       []Fix
	KnownIssues []KnownIssue
}

// Feature is one entry of a release's features.
type Feature struct {
	Title   string
	Summary string
	Docs    []string
	Pos     Pos
}

// Fix is one entry of a release's fixes.
type Fix struct {
	Title  string
	Ticket string
	Pos    Pos
}

// KnownIssue is one entry of a release's known_issues.
type KnownIssue struct {
	Title       string
	Workaround  string
	FixExpected string
	Docs        []string
	Pos         Pos
}

// Body is the Markdown after the front matter.
func (p *Page) Body() []byte { return p.Source[p.BodyStart:] }

// Compact releases what only the checks of a page read: the file's bytes,
// the prose blocks and lists of its Markdown (markdown.Document.Compact),
// and the positions of front-matter fields — about half of a loaded page.
// kb build calls it once kb lint's checks are done, for the rest of the
// build (rendering, indexing) to run in less memory. After it, Body is
// empty and every position is line 1.
func (p *Page) Compact() {
	p.Source, p.BodyStart = nil, 0
	p.fields, p.lineStarts = nil, nil
	if p.Doc != nil {
		p.Doc.Compact()
	}
}

// LinkTitle is the title to show for the page: its title, else its first
// heading, else its slug.
func (p *Page) LinkTitle() string {
	if p.Title != "" {
		return p.Title
	}
	if p.Doc != nil {
		for _, h := range p.Doc.Headings {
			if h.Text != "" {
				return h.Text
			}
		}
	}
	return p.Slug
}

// Date is the page's date for sorting and feeds: a release's date, else updated.
func (p *Page) Date() time.Time {
	if p.Release != nil && !p.Release.Date.IsZero() {
		return p.Release.Date
	}
	return p.Updated
}

// Field returns the position of a front-matter value by its key path
// ("updated", "related.1", "features.0.docs.2"). A path that is not there
// gives the position of its nearest parent, and the first line when none is.
func (p *Page) Field(path string) Pos {
	for {
		if pos, ok := p.fields[path]; ok {
			return pos
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return Pos{Line: 1, Col: 1}
		}
		path = path[:i]
	}
}

// HasField reports whether the front matter has the key path.
func (p *Page) HasField(path string) bool {
	_, ok := p.fields[path]
	return ok
}

// Pos converts a byte offset in the body to a line and column in the file.
func (p *Page) Pos(bodyOffset int) Pos {
	return p.SourcePos(p.BodyStart + bodyOffset)
}

// SourcePos converts a byte offset in Source to a line and column.
func (p *Page) SourcePos(off int) Pos {
	if off < 0 {
		off = p.BodyStart
	}
	if off > len(p.Source) {
		off = len(p.Source)
	}
	if p.lineStarts == nil {
		p.lineStarts = lineStarts(p.Source)
	}
	i := sort.Search(len(p.lineStarts), func(i int) bool { return p.lineStarts[i] > off }) - 1
	start := p.lineStarts[i]
	return Pos{Line: i + 1, Col: utf8.RuneCount(p.Source[start:off]) + 1}
}

// LineText returns the text of a 1-based line of the source.
func (p *Page) LineText(line int) string {
	if p.lineStarts == nil {
		p.lineStarts = lineStarts(p.Source)
	}
	if line < 1 || line > len(p.lineStarts) {
		return ""
	}
	start := p.lineStarts[line-1]
	end := len(p.Source)
	if line < len(p.lineStarts) {
		end = p.lineStarts[line] - 1
	}
	return string(p.Source[start:end])
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// problem is a problem with a content file, at a position (the zero Pos
// when it concerns the whole file) and about a front-matter key path
// (field), if any.
// Fields are the top-level front-matter keys kb reads. A page may have
// others: kb keeps them for templates (.Page.Params), and lint warns only
// of one that is a near miss of these (tagz for tags).
var Fields = []string{"title", "description", "updated", "tags", "product", "draft", "aliases", "related",
	"prerequisites", "errors", "lint", "type", "slug", "publish_date", "expiry_date", "weight", "promoted",
	"version", "date", "features", "fixes", "known_issues"}

func problem(file string, pos Pos, field, msg string) *diag.Diagnostic {
	return &diag.Diagnostic{File: file, Line: pos.Line, Col: pos.Col, Field: field, Level: diag.Error, Message: msg}
}
