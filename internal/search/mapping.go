package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a search document.
const (
	fTitle       = "title"       // text: the page title or the FAQ question
	fHeadings    = "headings"    // text: the page's headings
	fTags        = "tags"        // text: front matter tags
	fDescription = "description" // text: front matter description
	fBody        = "body"        // text: prose without markup or code
	fErrors      = "errors"      // text: troubleshooting errors (front matter)
	fCode        = "code"        // code: code spans and code blocks, split and whole (codeWords)
	fWords       = "words"       // the stop words of title, headings, tags, description, errors
	fErrCode     = "errcode"     // keyword: codes like auth-401, octo-4809
	fErrMsg      = "errmsg"      // keyword: each error message, normalised
	fType        = "type"        // keyword: facet and filter
	fProduct     = "product"     // keyword: facet and filter
)

// indexedFields lists every field bleve indexes, in the order documents
// are built.
var indexedFields = [...]string{fTitle, fHeadings, fTags, fDescription, fBody, fErrors, fCode, fWords, fErrCode, fErrMsg, fType, fProduct}

// fieldParams are the BM25F parameters of a field: its weight (how much
// an occurrence counts against one in the body) and its length
// normalisation b (0: none, 1: full).
type fieldParams struct {
	Name      string
	Weight, B float64
}

// textFields are the fields a query word is looked up in: title above
// headings and tags, above errors and description, above body, above
// code (ordinary words in code examples must not outweigh the prose; a
// pasted identifier matches the code field whole, at boostCode). The short
// fields come first, then code and body (setShort).
var textFields = []fieldParams{
	{fTitle, 6, 0.75},
	{fHeadings, 3, 0.75},
	{fTags, 3, 0.75},
	{fErrors, 2.5, 0.75},
	{fDescription, 2, 0.75},
	{fCode, codeWeight, 0.75},
	{fBody, 1, 0.75},
}

// codeWeight is the code field's BM25F weight against the body's.
const codeWeight = 0.5

// otherField are the parameters of a leaf on a field of its own (words,
// errcode, errmsg): its boost does the weighing.
var otherField = fieldParams{Weight: 1, B: 0.75}

// Field sets a term leaf can look in: every text field, or the short ones
// (completions of an unfinished word: see shortTerm).
const (
	setText  = "text"
	setShort = "short"
)

// leafFields returns the fields a leaf looks in: a set's, or its own.
func leafFields(field string) []string {
	switch field {
	case setText:
		return textFieldNames
	case setShort:
		return textFieldNames[:len(textFieldNames)-2]
	}
	return []string{field}
}

// idfFields returns the fields whose largest document frequency is a
// leaf's: all text fields for a text term, wherever the leaf looks.
func idfFields(field string) []string {
	if field == setText || field == setShort {
		return textFieldNames
	}
	return []string{field}
}

var textFieldNames = func() []string {
	var out []string
	for _, f := range textFields {
		out = append(out, f.Name)
	}
	return out
}()

// fieldParam returns a field's parameters.
func fieldParam(name string) fieldParams {
	for _, f := range textFields {
		if f.Name == name {
			return f
		}
	}
	p := otherField
	p.Name = name
	return p
}

// Boosts of the leaves.
const (
	boostErrExact = 12  // an error code or a whole pasted message
	boostCode     = 3   // a pasted identifier, whole, in the code field (codeWords)
	boostJoined   = 1.5 // two words typed apart, found written as one (compounds)
	boostSynonym  = 0.8 // a synonym's terms, against the words the customer typed
	boostForm     = 0.3 // another form of a word (Settings.Forms), against the form typed
	boostPrefix   = 0.7 // completions of the last word while typing
	boostFallback = 1   // the words field, when the query is only stop words
)

// newMapping returns the lean, static mapping: nothing dynamic, no _all,
// no doc values (kb counts facets itself, collect.go), no term vectors, and
// nothing stored (what a hit displays is in kb's text store, textstore.go).
func newMapping(stemmer Stemmer) *mapping.IndexMappingImpl {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzerName(stemmer)
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	plain := func() *mapping.FieldMapping {
		f := text()
		f.Analyzer = stopsAnalyzer
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	add := func(name string, f *mapping.FieldMapping) { doc.AddFieldMappingsAt(name, f) }
	add(fTitle, text())
	add(fHeadings, text())
	add(fTags, text())
	add(fDescription, text())
	add(fBody, text())
	add(fErrors, text())
	cf := text()
	cf.Analyzer = codeAnalyzerName(stemmer)
	add(fCode, cf)
	add(fWords, plain())
	add(fErrCode, kw())
	add(fErrMsg, kw())
	add(fType, kw())
	add(fProduct, kw())
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.TypeField = "_kb_no_type_field"
	m.DefaultAnalyzer = textAnalyzerName(stemmer)
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}
