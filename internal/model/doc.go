// Package model is the site model: what a help center is, between its
// loaded pages and any output. Site holds the published pages by URL and
// everything computed from them once:
//
//   - which pages are published at a moment (Rules, publish.go: drafts,
//     scheduled and expired pages, the next scheduled change), the one
//     rule every command follows;
//   - sections (the site.yaml sections first, by weight), their pages in
//     reading order (by weight, then title) and a release section newest
//     first; tags and their pages;
//   - releases newest first, their products, the latest release of each
//     product, their known issues with the release that fixed each, and
//     the pages each release's features link to (ChangedIn);
//   - backlinks (which pages link to a page), the pages worth promoting
//     on the home page (Popular), a page's place in its section
//     (InSection) and a release's neighbours by version (ReleaseNav);
//   - the feeds the site publishes and their entries (feeds.go);
//   - the site's URL plan: list pagination (PageSize, ListURL), tag URLs,
//     the pages every site has (SiteURLs), and the element IDs the
//     default layouts add to a page (TemplateAnchors, KnownIssuesAnchors).
//
// Link resolution is the same for everything that follows links —
// templates, lint, the release checks, the feedback report: SplitLink
// normalises an internal link to a page path and its fragment, Resolve
// finds the page, Links lists a page's links, HasAnchor says whether a
// page's HTML has an ID.
//
// kb serve keeps the model between edits: Update swaps in new versions of
// pages that keep their place in it (Updatable) in a few milliseconds,
// instead of building it again.
//
// The model reads config, content and markdown only: render turns it into
// files; lint, feed, release and report read it and never the renderer.
package model
