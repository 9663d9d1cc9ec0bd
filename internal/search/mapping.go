package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of a search document.
const (
	fTitle       = "title"       // text, stored: the page title or the FAQ question
	fHeadings    = "headings"    // text: the page's headings
	fTags        = "tags"        // text: front matter tags
	fDescription = "description" // text, stored: front matter description
	fBody        = "body"        // text, stored: prose without markup or code
	fErrors      = "errors"      // text: troubleshooting errors (front matter)
	fWords       = "words"       // plain: title, headings, tags, description, errors unstemmed
	fErrCode     = "errcode"     // keyword: codes like auth-401, octo-4809
	fErrMsg      = "errmsg"      // keyword: each error message, normalised
	fType        = "type"        // keyword, stored, doc values: facet and filter
	fProduct     = "product"     // keyword, stored, doc values: facet and filter
	fSection     = "section"     // keyword, stored
	fURL         = "url"         // stored only
	fPage        = "page"        // stored only: an FAQ question's page title
	fUpdated     = "updated"     // stored only: YYYY-MM-DD
)

// textFields are the fields a query word is looked up in, with their boosts:
// title above headings and tags, above errors and description, above body.
var textFields = []struct {
	Name  string
	Boost float64
}{
	{fTitle, 6},
	{fHeadings, 3},
	{fTags, 3},
	{fErrors, 2.5},
	{fDescription, 2},
	{fBody, 1},
}

// Boosts of the other leaves.
const (
	boostErrExact = 12  // an error code or a whole pasted message
	boostSynonym  = 0.8 // a synonym's terms, against the words the customer typed
	boostPrefix   = 0.7 // completions of the last word while typing
	boostFallback = 1   // the plain field, when the query is only stop words
)

// ScoringModel is bleve's scoring model for kb's indexes: "" (tf-idf) or
// "bm25". Chosen on the evaluation set (docs/search.md).
const ScoringModel = "bm25"

// newMapping returns the lean, static mapping: nothing dynamic, nothing in
// _all, no doc values or term vectors except where facets need them, and
// only what results display is stored.
func newMapping(stemmer Stemmer, scoring string) *mapping.IndexMappingImpl {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzerName(stemmer)
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	plain := func() *mapping.FieldMapping {
		f := text(false)
		f.Analyzer = plainAnalyzer
		return f
	}
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := kw(true, false)
		f.Index = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	add := func(name string, f *mapping.FieldMapping) { doc.AddFieldMappingsAt(name, f) }
	add(fTitle, text(true))
	add(fHeadings, text(false))
	add(fTags, text(false))
	add(fDescription, text(true))
	add(fBody, text(true))
	add(fErrors, text(false))
	add(fWords, plain())
	add(fErrCode, kw(false, false))
	add(fErrMsg, kw(false, false))
	add(fType, kw(true, true))
	add(fProduct, kw(true, true))
	add(fSection, kw(true, false))
	add(fURL, stored())
	add(fPage, stored())
	add(fUpdated, stored())

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.TypeField = "_kb_no_type_field"
	m.DefaultAnalyzer = textAnalyzerName(stemmer)
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = scoring
	return m
}
