// Package importer converts a Jekyll, Hugo, MkDocs or Docusaurus site into
// a kb site: `kb import KIND SRC DIR`.
//
// Import reads SRC (os.DirFS; one reader per kind, jekyll.go, hugo.go,
// mkdocs.go, docusaurus.go), converts every page in memory, and only then
// writes DIR, which must be absent or empty: site.yaml, content/…, the
// copied files under static/, and import-report.md. Nothing in SRC is
// changed.
//
// # Where pages go
//
// A page keeps its folder. Each kind has a content root — Jekyll's site
// folder (posts under posts/ or their category folder, a collection under
// its name), Hugo's contentDir, MkDocs' docs_dir, Docusaurus' docs/
// (under its routeBasePath, "docs" unless the preset says otherwise),
// blog/ (under blog/) and src/pages/ — and a page at <folder>/<name>.md
// there is written to content/<section>/<rest of folder>/<name>.md, so
// that its kb URL is the old one wherever kb's URL rules allow. The first
// folder picks the section: faq or faqs → faq (kb's FAQ type),
// troubleshooting → troubleshooting, releases → release-notes (kb's
// releases section needs version and date fields no source has), a name
// kb writes itself (tags, search, known-issues, css, js…) → articles/<name>,
// anything else keeps its name and holds articles; an FAQ page there
// (named or titled faq, faqs or frequently asked questions) gets type:
// faq. Pages at the root go to articles/. A folder's index page (index.md, README.md, _index.md with
// text, a Docusaurus doc named like its folder) keeps its folder's URL,
// except at the top of a section, where kb's section list has that URL: it
// is named after its title, or overview (welcome at the root). Number
// prefixes (01-intro) are dropped from Docusaurus paths as Docusaurus
// drops them. Two pages with one kb URL are both kept, the later renamed
// name-2.md and reported.
//
// Every URL the source published a page at, when it is not the page's kb
// URL, becomes an alias, so old links and bookmarks redirect: Jekyll's
// permalink (a page's own, the site's style — date, pretty, ordinal, none
// or a pattern — and collection permalinks), Hugo's url, slug and
// permalinks patterns (:year :month :day :section :sections :slug :title
// :filename :contentbasename), MkDocs' use_directory_urls, Docusaurus'
// id, slug and blog dates. An alias that is another page's URL, a page kb
// writes (/, a section list, /tags/…) or taken by another page is dropped.
// kb writes an alias as <alias>/index.html, so an old URL ending in .html
// redirects where the host serves a folder's index for it.
//
// # Front matter
//
// Written as YAML, kb's keys first: title; description; updated from
// last_modified_at, lastmod, last_modified, modified, updated or
// last_update.date, else date, publishDate or pubdate, else the date in a
// Jekyll post's or Docusaurus blog post's file name, else the date of the
// last commit of the file in SRC's git history (`git log -1 --format=%cs
// -- FILE`, skipped when git or the repository is absent, or with NoGit);
// tags from tags, categories and category (a string is split on commas, or
// on spaces in Jekyll; Docusaurus' {label} objects give their label);
// draft from draft, or published: false, or Jekyll's _drafts; slug when
// it is one path segment; aliases from redirect_from and aliases (Hugo's
// relative aliases resolved against the page's folder), the
// mkdocs-redirects plugin's redirect_maps, and the old URLs above. A
// source key whose value went into a kb key is removed; every other key is
// kept as it is (kb gives templates unknown keys as .Page.Params), except
// a key kb reads with another meaning (type, related, lint, product that
// is not a string…), which is renamed <kind>_<key>. With no title, the
// title comes from a first-level heading that opens the page and is its
// only one (removed, as kb's layout shows the title; several are the
// page's sections), else the MkDocs nav title, else the file name. Front matter that does not parse is kept in an HTML comment at the
// top of the page and reported.
//
// # Conversions
//
// Callouts become kb callouts (> [!NOTE], [!TIP], [!IMPORTANT],
// [!WARNING], [!CAUTION]) with a custom title as a bold first line;
// tabs become each tab's label in bold followed by its content; explicit
// heading IDs ({#id}, {: #id}, { #id }) are removed and links to them
// rewritten to the ID kb gives the heading. So are links to the IDs a
// source generator made in a way other than GitHub's (ids.go): Hugo's
// autoHeadingIDType github-ascii and blackfriday, and Python-Markdown's
// toc slugify, which MkDocs runs (Jekyll's kramdown with GFM input and
// Docusaurus make GitHub's). Per kind:
//
//   - Jekyll: {% link %} and {% post_url %}; {{ site.baseurl }},
//     {{ site.url }}, {{ site.X }} and {{ page.X }} of scalar values, and
//     the relative_url, absolute_url, prepend and append filters;
//     {% highlight %} → a fenced code block; {% raw %} → its content;
//     {% comment %} → an HTML comment; includes named note, tip, warning,
//     important, caution, danger, info, callout, alert or notice with a
//     quoted content= → a callout (type= for callout, alert, notice);
//     includes named image, figure, img, inline_image or picture → an
//     image (file, src, image_path, path or image; alt, caption, url as
//     the link; a bare file name found in images/ as the Documentation
//     theme does); kramdown's {:toc} with its list item, .no_toc, {: #id}
//     after a heading, {:target=…} and {:rel=…} after a link; Just the
//     Docs' {: .note } (and -title) before or after a paragraph or quote,
//     the classes from _config.yml callouts (typed by name, else colour).
//   - Hugo: ref and relref (a path from contentDir, from the page's
//     folder, or a unique file name; with #anchor); figure (src, alt,
//     title, caption, link); highlight; comment; param (the page's, then
//     the site's params); notes: note, tip, warning, caution, important,
//     info, danger, alert (Docsy; color), notice (Learn), hint (Book),
//     callout, admonition; tabs and tabpane with tab (header, name, title,
//     label, or tabs' items=); {{</* x */>}} → the literal {{< x >}}.
//   - MkDocs: admonitions !!! and collapsible ??? / ???+ (Material's
//     types, and a custom type as a note titled with its name), content
//     tabs ===, [TOC], { .md-button } after a link; with the macros
//     plugin, {% raw %} blocks, {# comments #}, and variables of extra:
//     (also config.extra.x) and page.meta.x.
//   - Docusaurus: :::type admonitions with [Title], {title="…"} or a
//     title after the type, nested by colon count; <Tabs>/<TabItem>
//     (label, or the Tabs values= labels, or value); <Admonition>; the
//     imports of @theme/Tabs, TabItem and Admonition; {/* comments */};
//     the truncate marker; @site/ paths; <img src={require(…)}>.
//   - Every kind: <img src alt title> → a Markdown image (kb shows raw
//     HTML as text).
//
// Links and images (inline and reference definitions, outside code) that
// lead to an imported page or a copied file become root-relative kb URLs:
// relative Markdown file links (.md, .mdx, .markdown), root-relative and
// absolute URLs of the source site (its base path stripped), URLs relative
// to the page's old URL, and files beside the page. Fragments follow
// renamed heading IDs. A bare URL into the source site
// (https://old.example/x/#id) whose kb URL differs keeps its text and
// becomes a link: [https://old.example/x/#id](/articles/x/#kb-id).
//
// # Files and configuration
//
// Files that are not pages are copied to static/ at the path the source
// published them (Jekyll: every file Jekyll copies; Hugo: staticDir and
// page bundle resources; MkDocs: docs_dir; Docusaurus: static/, and files
// in docs/ and blog/ under their URL folder). Templates, themes, layouts,
// includes, data, Sass, MkDocs extra_css and theme custom_dir, Docusaurus' src/, sidebars,
// translations and versioned docs are not imported and are listed in the
// report with why. site.yaml gets title, description, base_url, language,
// copyright, and sections.<name>.title/description/weight from MkDocs' nav
// (top-level entries whose pages share a folder; weight is the position),
// Hugo's section _index.md and Docusaurus' top-level _category_ files.
// Page order within a section is not kept: kb lists pages by title.
// docusaurus.config.js is JavaScript, which kb does not run: title,
// tagline, url, baseUrl, defaultLocale and the docs preset's path and
// routeBasePath are read with tolerant regular expressions that take the
// first literal value of each key.
//
// # The report
//
// The report is made by scanning the written pages, not from the
// converters' bookkeeping: whatever kb would not render as the source
// meant is listed as `path:line: construct: text (what to do)`, with a
// count per construct — Liquid tags and variables (Jekyll) and macros
// ones (MkDocs' macros plugin), in code too where the source ran them
// there (what the conversion left, not what a raw block made text; a
// source that runs no templates shows {{ }} as text), Hugo shortcodes, MkDocs
// and Docusaurus admonition markers, attribute lists, kramdown extensions,
// abbreviations, definition lists, snippets, icon shortcodes, raw HTML elements kb's sanitizer drops (markdown.Kept),
// MDX imports, exports, components and expressions, links that lead to no
// page or file (or from a published page to a draft), and pages with no
// updated date — outside code blocks and code spans. Problems met while
// converting (front matter that does not parse or is never closed, a
// renamed page, a redirect kb cannot keep) are listed the same way.
// Unconverted constructs stay in the page as the source had them; nothing
// is dropped silently.
package importer
