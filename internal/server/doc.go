// Package server is kb serve: it builds a site in memory with the
// pipeline's preview driver (site.Session) and serves it over HTTP, with
// the search API, in one of two modes.
//
// The preview (Options.Watch) is a writer's: it includes drafts, watches
// site.yaml, content/, layouts/ and static/ (Watcher, fsnotify), and after
// each batch of changes runs the session again, swaps the served snapshot
// (Snapshot: requests in flight finish on the old one), tells the open
// tabs what changed (Live: Server-Sent Events, a reload of the tabs whose
// page or files changed, a new stylesheet swapped in) and then updates the
// in-memory search index. A build error or lint errors show as an overlay
// in the page, the last good version staying served. It answers only for
// localhost, loopback addresses, its own host and Options.AllowedHosts
// (Hosts: a guard against DNS rebinding).
//
// Production (no Watch) serves the site as built: no drafts unless asked,
// any host name unless AllowedHosts is set, cache headers for hashed
// assets, and it refuses to start when the site has problems.
//
// Either way, Run caps the open connections (ConnLimit: idle ones are
// closed to make room), cuts slow clients (NewHTTPServer), sends a
// Content-Security-Policy that lets only the theme's own inline scripts
// run (ScriptHashes), serves gzip, ETags and clean URLs (Handler), and
// answers /api/search from an in-memory index (package search) that logs
// searches that find nothing.
//
// The reading order: Run (serve.go) wires a session, a Handler and an
// http.Server; preview.go is the watch → rebuild → swap → reload →
// reindex loop; handler.go, files.go and live.go serve; conns.go,
// hosts.go and csp.go guard. Endpoints beyond /api/search (POST
// /api/feedback and the like) are added with Handler.HandleAPI.
package server
