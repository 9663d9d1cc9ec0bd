package search

import (
	"regexp"
	"strings"

	"github.com/octoacme/kb/internal/content"
)

// doc is one search document: what bleve indexes (the text fields and the
// keyword fields) and what a hit displays (the record of the text store).
type doc struct {
	ID          string
	Title       string
	Headings    string
	Tags        []string
	Description string
	Body        string
	// Shown is the body as a hit shows it: with code spans and URLs, each
	// between markdown.CodeStart and CodeEnd ("" when it is Body).
	Shown    string
	Errors   string
	Code     string // code spans and code blocks, one a line
	Words    string
	ErrCodes []string
	ErrMsgs  []string
	Type     string
	Product  string
	Section  string
	URL      string
	Page     string // an FAQ question's page title
}

// fields returns the document as bleve's mapping reads it, without empty
// values (an empty string would index an empty term, and an empty product
// would show up as a facet value).
func (d *doc) fields() map[string]any {
	return dropEmpty(map[string]any{
		fTitle:       d.Title,
		fHeadings:    d.Headings,
		fTags:        d.Tags,
		fDescription: d.Description,
		fBody:        d.Body,
		fErrors:      d.Errors,
		fCode:        d.Code,
		fWords:       d.Words,
		fErrCode:     d.ErrCodes,
		fErrMsg:      d.ErrMsgs,
		fType:        d.Type,
		fProduct:     d.Product,
	})
}

// codePattern finds error codes and ticket ids: AUTH-401, SYNC-009, OCTO-4809.
var codePattern = regexp.MustCompile(`\b[A-Za-z]{2,10}-[0-9]{2,6}\b`)

// codes returns the lowercased codes in s.
func codes(s string) []string {
	var out []string
	for _, m := range codePattern.FindAllString(s, -1) {
		out = append(out, strings.ToLower(m))
	}
	return out
}

// normalize is the form of a whole message that errmsg stores and a pasted
// message is compared with: its plain terms joined by single spaces.
func normalize(s string) string {
	return strings.Join(kbAnalyzer{}.terms(s), " ")
}

// documents turns published pages into search documents: one per page, and
// one per FAQ question linking to the question's anchor. base is prefixed
// to URLs (the path part of base_url, "/" for most sites).
func documents(pages []*content.Page, base string) []doc {
	base = strings.TrimSuffix(base, "/")
	var out []doc
	for _, p := range pages {
		var headings []string
		body, shown, code := "", "", ""
		if p.Doc != nil {
			code = p.Doc.Code
			for _, h := range p.Doc.Headings {
				headings = append(headings, h.Text)
			}
			body, shown = p.Doc.PlainText(), p.Doc.ShownText()
		}
		if p.Release != nil {
			body = joinNonEmpty(" ", body, releaseText(p.Release))
			shown = joinNonEmpty(" ", shown, releaseText(p.Release))
		}
		if shown == body {
			shown = ""
		}
		var errCodes, errMsgs []string
		for _, e := range p.Errors {
			errCodes = append(errCodes, codes(e)...)
			n := normalize(e)
			errMsgs = append(errMsgs, n)
			// the message without its code: "your card was declined"
			if loc := codePattern.FindStringIndex(e); loc != nil && loc[0] == 0 {
				if rest := normalize(e[loc[1]:]); rest != "" && rest != n {
					errMsgs = append(errMsgs, rest)
				}
			}
		}
		if p.Release != nil {
			for _, f := range p.Release.Fixes {
				errCodes = append(errCodes, codes(f.Ticket)...)
			}
		}
		title := p.LinkTitle()
		out = append(out, doc{
			ID:          p.URL,
			Title:       title,
			Headings:    strings.Join(headings, "\n"),
			Tags:        p.Tags,
			Description: p.Description,
			Body:        body,
			Shown:       shown,
			Errors:      strings.Join(p.Errors, "\n"),
			Code:        code,
			Words:       wordsText(title, p.Description, headings, p.Tags, p.Errors),
			ErrCodes:    errCodes,
			ErrMsgs:     errMsgs,
			Type:        string(p.Type),
			Product:     p.Product,
			Section:     p.Section,
			URL:         base + p.URL,
		})
		if p.Doc == nil || p.Type != content.FAQ {
			continue
		}
		for _, q := range p.Doc.Questions() {
			if q.Heading.ID == "" {
				continue
			}
			out = append(out, doc{
				ID:      p.URL + "#" + q.Heading.ID,
				Title:   q.Heading.Text,
				Body:    q.Answer,
				Shown:   cmpShown(q.AnswerShown, q.Answer),
				Words:   q.Heading.Text,
				Tags:    p.Tags,
				Type:    string(p.Type),
				Product: p.Product,
				Section: p.Section,
				URL:     base + p.URL + "#" + q.Heading.ID,
				Page:    title,
			})
		}
	}
	return out
}

// cmpShown is shown, or "" when it is the body.
func cmpShown(shown, body string) string {
	if shown == body {
		return ""
	}
	return shown
}

// releaseText is the searchable text of a release's front matter.
func releaseText(r *content.ReleaseInfo) string {
	var parts []string
	for _, f := range r.Features {
		parts = append(parts, f.Title+".", f.Summary)
	}
	for _, f := range r.Fixes {
		parts = append(parts, f.Title+".")
	}
	for _, k := range r.KnownIssues {
		parts = append(parts, k.Title+".", k.Workaround)
	}
	return joinNonEmpty(" ", parts...)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// wordsText joins the short fields that the plain words field indexes.
func wordsText(title, description string, lists ...[]string) string {
	parts := []string{title, description}
	for _, l := range lists {
		parts = append(parts, l...)
	}
	return joinNonEmpty("\n", parts...)
}

// dropEmpty removes empty strings and lists, which would otherwise index an
// empty term (an empty product would show up as a facet value).
func dropEmpty(fields map[string]any) map[string]any {
	for k, v := range fields {
		switch v := v.(type) {
		case string:
			if v == "" {
				delete(fields, k)
			}
		case []string:
			if len(v) == 0 {
				delete(fields, k)
			}
		}
	}
	return fields
}
