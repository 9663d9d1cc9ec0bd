// Package site is kb's pipeline: the named steps from a site folder to a
// published help center, and the two drivers that run them.
//
//	site folder ──Load──▶ Input: site.yaml, theme, pages (one Markdown parse each)
//	            ──Check─▶ lint findings (an error stops the build)
//	            ──Model─▶ *model.Site: lists, tags, releases, backlinks, feeds
//	            ──Render▶ HTML, lists, sitemap, redirects, static files, feeds
//	            ──Index─▶ the bleve search index, beside the site
//	            ──Export▶ the static search index, into the output
//	            ──write─▶ the staged output swapped in (target.go)
//
// Build is the one-shot driver (kb build): the steps top to bottom, with
// the build cache (cache.go), the site lock (lock.go), the staged output
// folder (output.go, target.go) and the memory limits (memory.go) beside
// them. A failed build leaves the previous output untouched.
//
// Session is the preview driver (kb serve): it keeps the site in memory
// and, after each batch of changed files, runs the steps again through a
// plan (plans.go): everything (fullPlan), the model anew but only the
// affected files rendered (remodelPlan), the model updated in place
// (updatePlan), or only the edited pages rendered (patchPlan). Its output
// is byte-identical to a Build of the same files. The preview server
// indexes the session's pages in memory (search.Memory) instead of on disk.
//
// Check is the one place lint runs on a site: kb build, kb lint, kb ready
// and the session all go through it (check.go). The commands that read a
// site without building it reach the model, lint, search and content
// through the functions of lintcmd.go, release.go, search.go and new.go.
//
// Problems in the input (site.yaml, content, layouts, the site and output
// folders) are an *InputError of diagnostics; lint errors stopping a
// build are a *LintError.
package site
