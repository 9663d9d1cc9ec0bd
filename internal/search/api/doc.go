// Package api is the JSON search API kb serve answers /api/search with
// (Handler: a query, its filters and limit in, hits with snippets and
// facets out, errors as JSON), over an index of package search that kb
// serve swaps after a full rebuild (SetIndex). A Recorder, when set, is
// handed every search answered but for the keystrokes of a query being
// typed; the id it returns goes back to the client as search_id, for the
// result the customer then chooses (record.go).
package api
