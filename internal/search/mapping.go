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
	fWords       = "words"       // the stop words of title, headings, tags, description, errors
	fErrCode     = "errcode"     // keyword: codes like auth-401, octo-4809
	fErrMsg      = "errmsg"      // keyword: each error message, normalised
	fType        = "type"        // keyword: facet and filter
	fProduct     = "product"     // keyword: facet and filter
)

// indexedFields lists every field bleve indexes, in the order documents
// are built.
var indexedFields = [...]string{fTitle, fHeadings, fTags, fDescription, fBody, fErrors, fWords, fErrCode, fErrMsg, fType, fProduct}

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
	boostFallback = 1   // the words field, when the query is only stop words
)

// ScoringModel is bleve's scoring model for kb's indexes: "" (tf-idf) or
// "bm25". Chosen on the evaluation set (docs/search.md).
const ScoringModel = "bm25"

// newMapping returns the lean, static mapping: nothing dynamic, no _all,
// no doc values (kb counts facets itself, collect.go), no term vectors, and
// nothing stored (what a hit displays is in kb's text store, textstore.go).
func newMapping(stemmer Stemmer, scoring string) *mapping.IndexMappingImpl {
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
	m.ScoringModel = scoring
	return m
}
