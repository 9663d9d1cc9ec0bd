package importer

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/octoacme/kb/internal/content"
)

// site is one import: what the reader found and what finish made of it.
type site struct {
	opts Options
	fsys fs.FS
	kind string

	cfg siteConfig
	// contentRoot is the folder in SRC that root-relative source links
	// ("/x.md") start from: Hugo's content/, MkDocs' docs_dir; "" for the
	// site root.
	contentRoot string

	pages   []*page
	files   []*staticFile
	skipped []skip
	notes   []Finding // problems found while converting, for the report

	bySrc  map[string]*page    // source path → page
	byOld  map[string]*page    // normalised old URL → page
	byURL  map[string]*page    // kb URL → page
	byKey  map[string]*page    // other names: doc ids, post names
	static map[string]string   // source path → kb URL of a copied file
	oldFil map[string]string   // normalised old URL → kb URL of a copied file
	git    func(string) string // last commit date of a source file, or ""
	taken  map[string]bool     // kb URLs and aliases in use
	secs   map[string]bool     // top-level sections present
	// converted counts the constructs converted, by name, for the report.
	converted map[string]int
	outs      map[string]string // static/ path → the source file copied there
	// idScheme is how the source made heading IDs, when not as kb
	// (GitHub) does; nil when they agree.
	idScheme *idScheme
	// templates is the template language the source ran on its pages,
	// code included: "liquid" (Jekyll), "jinja" (MkDocs' macros plugin),
	// or "" (none: {{ }} in a page is text).
	templates string
}

// siteConfig is what site.yaml gets from the source's configuration.
type siteConfig struct {
	Title, Description, BaseURL, Language, Copyright string
	// basePath is the source site's path prefix ("/help/"), stripped from
	// root-relative links before they are looked up.
	basePath string
	sections map[string]*sectionConfig
}

type sectionConfig struct {
	Title, Description string
	Weight             int
}

// section returns the configuration of a kb section, made on first use.
func (c *siteConfig) section(name string) *sectionConfig {
	if c.sections == nil {
		c.sections = map[string]*sectionConfig{}
	}
	sc := c.sections[name]
	if sc == nil {
		sc = &sectionConfig{}
		c.sections[name] = sc
	}
	return sc
}

// page is one source page on its way to a kb page.
type page struct {
	src string // slash path in SRC
	fm  *frontMatter
	// fmProblem says why the front matter could not be read; fmRaw keeps it.
	fmProblem, fmRaw string
	body             string
	mdx              bool
	// unclosed is the delimiter of front matter that is never closed.
	unclosed string
	// orig is the front matter as the source had it, for templates that
	// read it ({{ page.title }}).
	orig map[string]any

	// Set by the reader.
	dir      string   // logical folder: "docs/billing" (mapped to a kb section by finish)
	name     string   // file name without extension; "index" for a folder's page
	old      []string // URLs the source published the page at
	date     string   // date from the file name, YYYY-MM-DD
	draft    bool     // a draft by its place (Jekyll _drafts)
	navTitle string   // title from the source's navigation
	keys     []string // other names links use for the page
	aliases  []string // redirects the source configured outside the page

	// Set by finish.
	out  string            // content/<section>/…/<name>.md
	url  string            // the kb URL
	meta meta              // kb front matter
	ids  map[string]string // source heading ID → kb heading ID
	text string            // the kb body
	// leftover lists the template tags and variables the conversion left
	// as they were (not those a raw block made text), so that the report
	// finds them in code too, where the source ran them.
	leftover []string
}

// staticFile is a file copied as it is into static/.
type staticFile struct {
	src string   // slash path in SRC
	out string   // slash path under static/ (also its URL path)
	old []string // URLs the source published it at
}

// skip is a source file or folder that was not imported.
type skip struct {
	path, reason string
	files        int
}

func newSite(opts Options) *site {
	s := &site{
		opts: opts, kind: opts.Kind, fsys: os.DirFS(opts.Src),
		bySrc: map[string]*page{}, byOld: map[string]*page{}, byURL: map[string]*page{},
		byKey: map[string]*page{}, static: map[string]string{}, oldFil: map[string]string{},
		taken: map[string]bool{}, secs: map[string]bool{}, converted: map[string]int{}, outs: map[string]string{},
	}
	s.git = func(string) string { return "" }
	if !opts.NoGit {
		s.git = gitDates(opts.Src)
	}
	return s
}

// skipFile records a file or folder left out, merging files of one folder.
func (s *site) skipFile(p, reason string) {
	s.skipped = append(s.skipped, skip{path: p, reason: reason, files: 1})
}

// skipDir records a whole folder left out.
func (s *site) skipDir(fsys fs.FS, p, reason string) {
	n := 0
	_ = fs.WalkDir(fsys, p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if n > 0 {
		s.skipped = append(s.skipped, skip{path: p + "/", reason: reason, files: n})
	}
}

// addPage reads a source page file: front matter and body.
func (s *site) addPage(src, dir, name string) (*page, error) {
	data, err := fs.ReadFile(s.fsys, src)
	if err != nil {
		return nil, err
	}
	p := &page{src: src, dir: dir, name: name, mdx: strings.HasSuffix(src, ".mdx")}
	p.fm, p.body, p.fmRaw, p.fmProblem = splitFrontMatter(normalize(data))
	if first, _, _ := strings.Cut(p.body, "\n"); len(p.fm.keys) == 0 && (strings.TrimSpace(first) == "---" || strings.TrimSpace(first) == "+++") {
		p.unclosed = strings.TrimSpace(first)
	}
	p.orig = map[string]any{}
	for k, v := range p.fm.vals {
		p.orig[k] = v
	}
	s.pages = append(s.pages, p)
	return p, nil
}

// addFile records a file to copy into static/ at out.
func (s *site) addFile(src, out string, old ...string) {
	if path.Base(out) == "index.html" {
		s.skipFile(src, "an index.html would replace a page kb writes; copy its content into a page by hand")
		return
	}
	if prev, dup := s.outs[out]; dup {
		s.skipFile(src, "static/"+out+" is already "+prev+"; copy it by hand under another name")
		return
	}
	s.outs[out] = src
	s.files = append(s.files, &staticFile{src: src, out: out, old: old})
}

// finish maps front matter, places every page, converts bodies and
// rewrites links.
func (s *site) finish(r reader) {
	for _, p := range s.pages {
		s.mapMeta(p)
	}
	s.place()
	for _, f := range s.files {
		u := "/" + f.out
		s.static[f.src] = u
		s.oldFil[normURL(u)] = u
		for _, o := range f.old {
			s.oldFil[normURL(o)] = u
		}
	}
	for _, p := range s.pages {
		body := s.tidy(r.convert(s, p))
		body = s.headingIDs(p, body)
		body = s.titleFromHeading(p, body)
		p.text = body
	}
	for _, p := range s.pages {
		p.text = s.rewriteLinks(p, p.text)
		if p.fmProblem != "" {
			p.text = "<!-- kb import could not read this page's front matter (" + p.fmProblem + "); here it is as it was:\n" +
				strings.ReplaceAll(p.fmRaw, "--", "- -") + "\n-->\n\n" + p.text
			s.note(p, 1, "unreadable front matter", p.fmProblem,
				"the fields are kept in a comment at the top of the page; copy them into new front matter")
		}
		if p.unclosed != "" {
			s.note(p, 1, "unclosed front matter", p.unclosed,
				"the page starts with "+p.unclosed+" but no line closes it, so it was read as text; add the closing "+p.unclosed+" line")
		}
		if p.meta.updated == "" {
			if d := s.git(p.src); d != "" {
				p.meta.updated = d
			}
		}
	}
}

// count records a converted construct.
func (s *site) count(construct string) { s.converted[construct]++ }

// note records a problem found while converting a page.
func (s *site) note(p *page, line int, construct, text, advice string) {
	s.notes = append(s.notes, Finding{File: p.out, Line: line, Construct: construct, Text: text, Advice: advice})
}

// faqName is what the slug of an FAQ page's file name or title is.
var faqName = map[string]bool{"faq": true, "faqs": true, "frequently-asked-questions": true}

// sectionFor maps the first folder of a source page to a kb section.
func sectionFor(folder string) string {
	switch slug := content.Slugify(folder); slug {
	case "":
		return "articles"
	case "faq", "faqs", "frequently-asked-questions":
		return "faq"
	case "troubleshooting", "troubleshoot":
		return "troubleshooting"
	case "releases", "release":
		// kb's releases section is for announcements with version,
		// date and features; imported pages have none of them.
		return "release-notes"
	case "tags", "search", "known-issues", "kb-search", "css", "js", "page", "feed", "feeds":
		// kb writes pages or files at these paths itself.
		return "articles/" + slug
	default:
		return slug
	}
}

// place works out every page's kb file and URL, keeping URLs unique.
func (s *site) place() {
	// Pages in source order; the first to claim a URL keeps it.
	for _, p := range s.pages {
		segs := strings.Split(p.dir, "/")
		if p.dir == "" {
			segs = nil
		}
		var dir string
		if len(segs) == 0 {
			dir = "articles"
		} else {
			dir = join(append([]string{sectionFor(segs[0])}, segs[1:]...)...)
		}
		name := p.name
		slug := p.meta.slug
		// A section's own index page would have the section list's URL,
		// and a site root index the home page's: give them a name.
		top := !strings.Contains(dir, "/")
		if name == "index" && slug == "" && (top || len(segs) == 0) {
			name = content.Slugify(firstNonEmpty(p.meta.title, firstHeading(p.body)))
			switch {
			case len(segs) == 0 && (name == "" || name == "index"):
				name = "welcome"
			case name == "" || name == "index" || name == content.Slugify(path.Base(dir)):
				name = "overview"
			}
		}
		base, n := name, 1
		for {
			p.out = path.Join(content.Dir, dir, name+".md")
			p.url = kbURL(dir, name, slug)
			if !s.taken[p.url] {
				break
			}
			n++
			name = fmt.Sprintf("%s-%d", base, n)
			if slug != "" {
				slug = fmt.Sprintf("%s-%d", p.meta.slug, n)
			}
		}
		if n > 1 {
			s.note(p, 1, "renamed page", p.src,
				fmt.Sprintf("another page already had its URL, so it was written as %s; check its links", path.Base(p.out)))
		}
		p.meta.slug = slug
		if dir != "faq" && !strings.HasPrefix(dir, "faq/") && (faqName[content.Slugify(p.name)] || faqName[content.Slugify(firstNonEmpty(p.meta.title, firstHeading(p.body)))]) {
			// An FAQ page outside an faq folder (docs/faq.md, a page
			// titled "Frequently asked questions") is kb's FAQ type too.
			p.meta.typ = "faq"
		}
		s.taken[p.url] = true
		s.byURL[p.url] = p
		s.secs[strings.SplitN(dir, "/", 2)[0]] = true
		s.bySrc[p.src] = p
		for _, k := range p.keys {
			if _, dup := s.byKey[k]; !dup {
				s.byKey[k] = p
			}
		}
	}
	for _, p := range s.pages {
		for _, o := range p.old {
			if k := normURL(o); s.byOld[k] == nil {
				s.byOld[k] = p
			}
		}
	}
	// Aliases last, so that no alias takes a page's URL. An old URL that
	// is now another page's, or a redirect the source asked for that kb
	// cannot make, is reported; an old URL where kb writes a page of its
	// own (a section's list) is not.
	for _, p := range s.pages {
		var keep []string
		seen := map[string]bool{}
		explicit := len(p.meta.aliases)
		for i, a := range append(append([]string(nil), p.meta.aliases...), p.old...) {
			a = s.alias(a)
			if a == "" || seen[a] || a == p.url {
				continue
			}
			seen[a] = true
			switch q := s.byURL[a]; {
			case q != nil:
				s.note(p, 1, "alias left out", a, "it is now the URL of "+q.out+"; links to it lead there")
				continue
			case s.taken[a]:
				s.note(p, 1, "alias left out", a, "another page already redirects from it")
				continue
			case s.generated(a):
				if i < explicit {
					s.note(p, 1, "alias left out", a, "kb writes a page of its own there")
				}
				continue
			}
			s.taken[a] = true
			keep = append(keep, a)
		}
		p.meta.aliases = keep
	}
}

// kbURL is the URL kb gives content/<dir>/<name>.md (see content.place).
func kbURL(dir, name, slug string) string {
	if slug == "" {
		slug = name
	}
	var segs []string
	for _, d := range strings.Split(dir, "/") {
		if seg := content.Slugify(d); seg != "" {
			segs = append(segs, seg)
		}
	}
	seg := content.Slugify(slug)
	if seg == "" {
		seg = "page"
	}
	if !strings.EqualFold(seg, "index") {
		segs = append(segs, seg)
	}
	return "/" + strings.Join(segs, "/") + "/"
}

// alias normalises a redirect source to a site path, or "" when it cannot
// be one (an external URL, the home page).
func (s *site) alias(a string) string {
	a = strings.TrimSpace(a)
	if a == "" || strings.Contains(a, "://") || strings.HasPrefix(a, "//") || strings.ContainsAny(a, "?#\\ ") {
		return ""
	}
	a = s.stripBase("/" + strings.TrimLeft(a, "/"))
	a = "/" + strings.Trim(a, "/")
	if a == "/" {
		return ""
	}
	return a + "/"
}

// generated reports whether kb writes a page of its own at u.
func (s *site) generated(u string) bool {
	switch {
	case u == "/", u == "/search/", u == "/known-issues/", u == "/tags/", strings.HasPrefix(u, "/tags/"),
		strings.HasPrefix(u, "/kb-search/"), u == "/404.html/":
		return true
	}
	seg := strings.SplitN(strings.Trim(u, "/"), "/", 2)
	if s.secs[seg[0]] && (len(seg) == 1 || strings.HasPrefix(seg[1], "page/")) {
		return true
	}
	return false
}

// stripBase removes the source site's base path from a root-relative URL.
func (s *site) stripBase(u string) string {
	b := strings.TrimSuffix(s.cfg.basePath, "/")
	if b != "" && (u == b || strings.HasPrefix(u, b+"/")) {
		return "/" + strings.TrimPrefix(strings.TrimPrefix(u, b), "/")
	}
	return u
}

// normURL makes old URLs comparable: no base path, no index.html, no
// .html, no trailing slash.
func normURL(u string) string {
	u = "/" + strings.Trim(u, "/")
	u = strings.TrimSuffix(u, "/index.html")
	u = strings.TrimSuffix(u, ".html")
	return "/" + strings.Trim(u, "/")
}

// sortedSections lists the configured sections by name.
func (c *siteConfig) sortedSections() []string {
	var names []string
	for n := range c.sections {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var h1RE = regexp.MustCompile(`^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$`)

// firstHeading is the text of a first-level ATX heading that opens body.
func firstHeading(body string) string {
	for _, l := range lines(body) {
		if blank(l) {
			continue
		}
		if m := h1RE.FindStringSubmatch(l); m != nil {
			return headingIDRE.ReplaceAllString("# "+m[1], "$1")[2:]
		}
		return ""
	}
	return ""
}
