// Package lint checks a help center against the support team's
// Documentation Checklist and Writing Guidelines
// (support-readiness-process.md) and reports what breaks them. kb lint
// prints its findings; kb build runs the same checks and stops on errors.
//
// # Rules
//
// Each rule has a stable ID (never renamed: site.yaml, kb-lint comments,
// front matter and CI configurations name it), a default level, and the
// checklist item it enforces. Rules lists them; kb lint --list-rules prints
// them.
//
//	id                      default  checks
//	front-matter            error    the file has front matter (when title, last-updated or related-links is
//	                                 on: one finding, not one per missing field); it parses; fields have the
//	                                 right kinds; type is known (warning: a key that is a near miss of one kb
//	                                 reads, content.Fields: tagz for tags)
//	title                   error    a title is present; no two pages share one (warning: > 70 or < 10 characters)
//	prerequisites           error    how-to and troubleshooting guides with numbered steps (or all, with
//	                                 lint.prerequisites.when: always) state prerequisites: front matter
//	                                 prerequisites, or a section whose heading contains "Prerequisites" /
//	                                 "Requirements" / "Before you begin" / "Before you start"
//	                                 (lint.prerequisites.headings) before the first numbered step
//	last-updated            error    updated is present, a valid date, not in the future (a day's grace for
//	                                 time zones) (warning: older than lint.stale_after_days, default 365; 0
//	                                 turns staleness off). A release announcement without updated is dated by
//	                                 its release date and never goes stale
//	related-links           error    every page but release announcements has a related entry, or its body
//	                                 links to lint.related_links.body_links (default 1) other pages; every
//	                                 internal entry resolves to a page, and to a heading when it has #anchor
//	broken-link             error    body links and images resolve to a published page, a heading ID the
//	                                 renderer emits (Markdown headings and the layouts' IDs), or a file
//	image-alt               error    every image has alt text
//	screenshots             note     a how-to guide with a numbered list has an image
//	troubleshooting         warning  a how-to guide with numbered steps (or every one, with
//	                                 lint.troubleshooting.when: always) has a section whose heading contains "troubleshoot",
//	                                 "common error", "common problem" or "common issue" anywhere
//	                                 (lint.troubleshooting.headings); a troubleshooting guide has a
//	                                 heading with "Resolution", "Solution", "Fix" or "Workaround" and a
//	                                 numbered list under it
//	faq-questions           warning  an FAQ page has a question kb recognises: a heading (any level) ending in
//	                                 "?" or starting with "Q:", or a paragraph starting with a bold question
//	readability             warning  Flesch–Kincaid grade of the prose above lint.max_grade (default 9)
//	jargon                  warning  a lint.jargon term in prose: whole words, any case
//	single-topic            warning  more than 8 second-level sections (not in FAQ pages) or more than 1,500 words of prose
//	release-docs            error    every feature of a release links a doc page; every docs entry resolves
//	known-issue-workaround  error    every known issue of a release has a workaround
//	placeholder             error    a published page holds no text of the scaffolds kb new writes from
//	                                 (Input.Scaffolds: front-matter text values, code spans, sentences of
//	                                 five words or more; see placeholder.go)
//	orphan                  note     no other page links to the page (body, related or release docs)
//	suppression             warning  kb-lint comments and lint.disable name known rules and suppress something
//
// Levels are error, warning, note and off. site.yaml changes them:
//
//	lint:
//	  rules: {jargon: error, screenshots: off}
//
// An unknown rule ID or level there is a *diag.Diagnostic at its line. A rule
// whose level is off does not run. A rule with a warning part (title,
// last-updated) reports that part at warning, or lower when the rule's
// level is lower.
//
// # What is prose
//
// Prose rules (jargon, readability) read the Blocks of the Markdown
// Document that content.Load parsed once, the same parse the site renders:
// paragraphs, list items, headings and table cells with code spans, URLs,
// link destinations, images and raw HTML left out. Code blocks, fence info
// strings and front matter are never prose. Readability scores paragraphs
// and list items only (not headings or table cells) and skips pages under
// 100 words. Jargon matches whole words in any case; the words of a phrase
// may be apart by spaces, line breaks or hyphens ("end user", "end-user"),
// but not by a code span.
//
// # Links
//
// Internal links resolve against every page of the site, whatever files are
// reported: /articles/x/ (with or without the trailing slash or index.html),
// relative links (../x/) against the page's URL as a browser would, links to
// the site's own base_url, #fragments against the IDs the renderer emits
// (heading IDs exactly as the HTML carries them, and model.TemplateAnchors
// for the layouts' own, such as #known-issues on a release), the list pages
// and files a build writes (sections, tags, /known-issues/ and its issue
// IDs, /search/, feeds, sitemap.xml) and the files under static/. A link
// from a published page to a page the build does not publish (a draft, a
// page scheduled for later, an expired page: model.Rules, with Options'
// Now, Drafts and Future) is broken, and the message says which — a
// warning for an expired page, so that the build that takes a page down at
// its expiry_date is not stopped by the links to it; a link to a content
// file that failed to load is not reported (its front-matter finding is). Links
// in raw HTML count unless markdown.html is escape. Messages show a URL as
// the link wrote it. Links with a scheme (https:,
// mailto:) or starting with // are never checked: nothing touches the
// network.
//
// # Suppression
//
// In the body, HTML comments turn rules off and on again; without rule IDs
// they mean every rule:
//
//	<!-- kb-lint-disable jargon readability -->  …  <!-- kb-lint-enable jargon readability -->
//	<!-- kb-lint-disable-next-line jargon -->
//
// A disable runs to its enable or the end of the file; disable-next-line
// covers the line after the comment's last line. Comments inside code are
// text, not directives. In front matter, lint: {disable: [jargon]} turns
// rules off for the whole file, page-level findings at line 1 included. A
// directive or entry that names an unknown rule, or suppresses nothing, is a
// suppression finding.
//
// # Baselines
//
// A Baseline (baseline.go) holds accepted findings: kb lint
// --write-baseline writes one, and Check leaves the findings it holds out
// of Result.Findings (Result.Baselined has them), with Options.Baseline or
// else site.yaml's lint.baseline, which kb build and kb serve so honour
// too. Findings match entries by rule, file and Finding.Fingerprint: a hash
// of the rule and the offending text, not of the line, so that edits
// elsewhere in a file do not raise them again.
//
// # Positions
//
// Findings carry 1-based lines and columns of the file as it is on disk,
// front matter included; columns count Unicode code points (CRLF line ends
// and multibyte characters do not shift them), as SARIF's unicodeCodePoints.
// A body finding is at the offending text (the word, the link destination,
// the image, the heading); a front-matter finding at the value (or its key
// when the value is missing or a list); a finding about the whole page, such
// as a missing field or section, at line 1, column 1. End positions are
// exclusive.
//
// # Today
//
// Now is SOURCE_DATE_EPOCH (seconds since 1970) when set, so results are
// reproducible, else the clock (model.Now); today is its date in the
// site's time zone (site.yaml timezone). A malformed SOURCE_DATE_EPOCH is
// an error. last-updated compares updated with today: updated is when the
// page was last checked, a fact about the past, so a later date is an
// error (with a day's grace for writers in other time zones) — except
// that a scheduled page (publish_date, a release's date) may carry a date
// up to the day it goes live. publish_date, not updated, schedules a page.
//
// # Output
//
// Write reports findings as text (path:line:col: level: rule: message,
// sorted by path, line and column, then a summary line), JSON (JSONReport),
// GitHub Actions workflow commands (WriteGitHub, with WriteStepSummary for
// $GITHUB_STEP_SUMMARY) or SARIF 2.1.0 (WriteSARIF, with baselineState
// when a baseline applied); each says how many findings a baseline held.
// docs/lint.md documents each rule, the JSON schema, baselines and a
// GitHub Actions workflow.
package lint
