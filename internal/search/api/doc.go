// Package api is the JSON search API kb serve answers /api/search with
// (Handler: a query, its filters and limit in, hits with snippets and
// facets out, errors as JSON), over an index of package search that kb
// serve swaps after a full rebuild (SetIndex). Every search with words
// that found nothing is appended to the site's zero-result log (LogPath,
// JSON lines), which kb report reads for content gaps: within a size cap,
// a share per client (loglimit.go), only into a file kb wrote, and under
// the site lock kb build holds, never waiting for it.
package api
