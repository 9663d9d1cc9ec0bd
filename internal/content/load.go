package content

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
)

// Dir is the folder of content files in a site.
const Dir = "content"

// Options configure Load and Parse.
type Options struct {
	// Markdown parses page bodies; required.
	Markdown *markdown.Converter
	// MaxFileBytes stops files larger than this (0: no limit).
	MaxFileBytes int64
	// SkipHTML parses the bodies without rendering them (Doc.HTML stays
	// empty): for lint and the readiness commands.
	SkipHTML bool
	// Files holds content files already read, by slash path from the site
	// root (kb build reads them once, to hash them): Load parses these
	// bytes instead of reading the files again.
	Files map[string][]byte
	// Location is the site's time zone (site.yaml timezone), in which
	// publish_date and expiry_date are read; nil means UTC.
	Location *time.Location
}

// Set is the result of loading a site's content: every page and the
// problems loading the files.
type Set struct {
	// Pages are all pages that loaded, drafts included, sorted by File.
	Pages []*Page
	// Errors are the problems found, sorted by file and line.
	Errors []*diag.Diagnostic
}

// Files lists the content files under content/ in fsys, sorted: every .md
// file, skipping files and folders whose names start with "." or "_".
// Symbolic links are reported, not followed.
func Files(fsys fs.FS) ([]string, []*diag.Diagnostic) {
	var files []string
	errs := walkFiles(fsys, func(p string) { files = append(files, p) })
	sort.Strings(files)
	return files, errs
}

// walkFiles calls found with each content file under content/, in the
// order fs.WalkDir meets them, and returns the problems.
func walkFiles(fsys fs.FS, found func(string)) []*diag.Diagnostic {
	var errs []*diag.Diagnostic
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == Dir {
				return fs.SkipAll
			}
			errs = append(errs, problem(p, Pos{}, "", "cannot read: "+unwrapPath(err)))
			return nil
		}
		if p != Dir && !IsContentName(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			errs = append(errs, problem(p, Pos{}, "", "is a symbolic link; kb does not follow links in content/ (copy the file in instead)"))
			return nil
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(d.Name()), ".md") {
			found(p)
		}
		return nil
	})
	if err != nil {
		errs = append(errs, problem(Dir, Pos{}, "", err.Error()))
	}
	return errs
}

// IsContentName reports whether a file or folder name takes part in the
// site: names starting with "." or "_" do not.
func IsContentName(name string) bool {
	return !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "_")
}

// IsContentFile reports whether a slash path from the site root is a page
// file kb reads: a .md file under content/ with no "." or "_" folder or name.
func IsContentFile(p string) bool {
	if !strings.HasPrefix(p, Dir+"/") || !strings.EqualFold(path.Ext(p), ".md") {
		return false
	}
	for _, seg := range strings.Split(strings.TrimPrefix(p, Dir+"/"), "/") {
		if !IsContentName(seg) {
			return false
		}
	}
	return true
}

// Load reads every .md file under content/ in fsys, which is rooted at the
// site folder. Files and folders whose names start with "." or "_" are
// skipped. Pages are parsed in parallel; a file that fails leaves an Error
// and the rest still load.
func Load(fsys fs.FS, opts Options) *Set {
	s := &Set{}
	// The folders are walked while the first files parse: the walk of
	// 10,000 files takes as long as parsing a few hundred.
	type result struct {
		file string
		page *Page
		errs []*diag.Diagnostic
	}
	next := make(chan string, 64)
	var walkErrs []*diag.Diagnostic
	go func() {
		defer close(next)
		walkErrs = walkFiles(fsys, func(p string) { next <- p })
	}()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []result
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []result
			for file := range next {
				var r result
				r.file = file
				if data, ok := opts.Files[file]; ok {
					r.page, r.errs = parseLimited(file, data, opts)
				} else {
					r.page, r.errs = readFile(fsys, file, opts)
				}
				mine = append(mine, r)
			}
			mu.Lock()
			results = append(results, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].file < results[j].file })
	s.Errors = append(s.Errors, walkErrs...)
	for _, r := range results {
		s.Errors = append(s.Errors, r.errs...)
		if r.page != nil {
			s.Pages = append(s.Pages, r.page)
		}
	}
	s.Errors = append(s.Errors, CheckSite(s.Pages)...)
	diag.List(s.Errors).Sort()
	return s
}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadFile reads and parses one content file of fsys (see Parse). A file
// larger than opts.MaxFileBytes or a symbolic link is an error.
func ReadFile(fsys fs.FS, file string, opts Options) (*Page, []*diag.Diagnostic) {
	if st, err := fs.Lstat(fsys, file); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return nil, []*diag.Diagnostic{problem(file, Pos{}, "", "is a symbolic link; kb does not follow links in content/ (copy the file in instead)")}
	}
	return readFile(fsys, file, opts)
}

// readFile is ReadFile for a file Files listed, and so already found not
// to be a symbolic link.
func readFile(fsys fs.FS, file string, opts Options) (*Page, []*diag.Diagnostic) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, []*diag.Diagnostic{problem(file, Pos{}, "", "cannot read: "+unwrapPath(err))}
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
		if opts.MaxFileBytes > 0 && size > opts.MaxFileBytes {
			return nil, []*diag.Diagnostic{tooBig(file, size, opts.MaxFileBytes)}
		}
	}
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, []*diag.Diagnostic{problem(file, Pos{}, "", "cannot read: "+unwrapPath(err))}
		}
		if opts.MaxFileBytes > 0 && int64(len(data)) > opts.MaxFileBytes {
			return nil, []*diag.Diagnostic{tooBig(file, int64(len(data)), opts.MaxFileBytes)}
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
	return Parse(file, data, opts)
}

// parseLimited is Parse with the size limit of opts.
func parseLimited(file string, data []byte, opts Options) (*Page, []*diag.Diagnostic) {
	if opts.MaxFileBytes > 0 && int64(len(data)) > opts.MaxFileBytes {
		return nil, []*diag.Diagnostic{tooBig(file, int64(len(data)), opts.MaxFileBytes)}
	}
	return Parse(file, data, opts)
}

func tooBig(file string, size, limit int64) *diag.Diagnostic {
	return problem(file, Pos{}, "", fmt.Sprintf("is %d bytes, more than limits.max_file_bytes (%d); split the page or raise the limit in site.yaml", size, limit))
}

// Parse reads one content file. file is its slash path from the site root
// (content/articles/x.md), which decides its section, type and URL. A page
// is returned unless the front matter cannot be read at all.
func Parse(file string, data []byte, opts Options) (page *Page, errs []*diag.Diagnostic) {
	defer func() {
		// Nothing a user writes may crash kb: a panic in a parser becomes an error.
		if r := recover(); r != nil {
			page = nil
			errs = []*diag.Diagnostic{problem(file, Pos{Line: 1}, "", fmt.Sprintf("cannot be parsed (internal error: %v); please report this file", r))}
		}
	}()
	src := normalize(data)
	p := &Page{File: file, Source: src, fields: map[string]Pos{}}
	node, format, bodyStart, err := split(src)
	if err != nil {
		e := err.(*diag.Diagnostic)
		e.File = file
		return nil, []*diag.Diagnostic{e}
	}
	p.Format, p.BodyStart = format, bodyStart
	f := &fields{file: file, pos: map[string]Pos{}, keys: map[string]*yaml.Node{}}
	if node != nil {
		f = newFields(file, node)
		var dups []*diag.Diagnostic
		node, dups = dedupe(file, node, "", 0)
		f.errs = append(f.errs, dups...)
		if params, ok := simpleParams(node); ok {
			p.Params = params
		} else if err := node.Decode(&p.Params); err != nil {
			f.errs = append(f.errs, problem(file, Pos{Line: node.Line}, "", "front matter: "+err.Error()))
		}
	}
	p.fields = f.pos
	f.loc = opts.Location
	p.fill(f)
	p.place(f)
	if opts.Markdown != nil {
		var doc *markdown.Document
		var err error
		if opts.SkipHTML {
			doc, err = opts.Markdown.Analyze(p.Body())
		} else {
			doc, err = opts.Markdown.Convert(p.Body(), p.URL)
		}
		var ie *markdown.InlineError
		switch {
		case errors.As(err, &ie):
			f.errs = append(f.errs, problem(file, p.Pos(ie.Offset), "", err.Error()))
		case err != nil:
			f.errs = append(f.errs, problem(file, Pos{Line: 1}, "", "cannot render: "+err.Error()))
		}
		p.Doc = doc
	}
	errs = append(errs, f.errs...)
	return p, errs
}

// fill reads the known fields.
func (p *Page) fill(f *fields) {
	k := f.keys
	p.Title = f.str("title", k["title"])
	p.Description = f.str("description", k["description"])
	p.Updated = f.date("updated", k["updated"])
	p.Tags = f.strList("tags", k["tags"])
	p.Product = f.str("product", k["product"])
	p.Draft = f.boolean("draft", k["draft"])
	p.Aliases = f.strList("aliases", k["aliases"])
	p.Related = f.strList("related", k["related"])
	p.Prerequisites = f.strList("prerequisites", k["prerequisites"])
	p.Errors = f.strList("errors", k["errors"])
	p.PublishDate = f.moment("publish_date", k["publish_date"])
	p.ExpiryDate = f.moment("expiry_date", k["expiry_date"])
	p.Weight = f.integer("weight", k["weight"])
	p.Promoted, p.PromotedRank = f.promoted("promoted", k["promoted"])
	if l := deref(k["lint"]); !isNull(l) {
		if l.Kind != yaml.MappingNode {
			f.errorf("lint", "want a set of fields, like {disable: [jargon]}, got %s", kindName(l))
		} else {
			for i := 0; i+1 < len(l.Content); i += 2 {
				if l.Content[i].Value != "disable" {
					f.errorf("lint."+l.Content[i].Value, "unknown field (want disable)")
					continue
				}
				p.LintDisable = f.strList("lint.disable", l.Content[i+1])
			}
		}
	}
	if t := f.str("type", k["type"]); t != "" {
		p.Type = Type(t)
		if !contains([]string{"article", "faq", "troubleshooting", "release"}, t) {
			f.errorf("type", "unknown type %q (want article, faq, troubleshooting or release)", t)
		}
	}
	for i, tag := range p.Tags {
		if TagSlug(tag) == "" {
			f.errorf(fmt.Sprintf("tags.%d", i), "tag %q has no letters or digits", tag)
		}
	}
	for i, a := range p.Aliases {
		if !strings.HasPrefix(a, "/") || strings.Contains(a, "..") || strings.ContainsAny(a, "?#\\") {
			f.errorf(fmt.Sprintf("aliases.%d", i), "%q is not a site path (want an old path like /old/reset-password/)", a)
		}
	}

	_, hasVersion := k["version"]
	_, hasFeatures := k["features"]
	if p.Type == Release || (p.Type == "" && p.sectionType() == Release) || hasVersion || hasFeatures {
		p.fillRelease(f)
	} else if n, ok := k["date"]; ok && p.PublishDate.IsZero() {
		// date on any other page is when it is published, as in Hugo and
		// Jekyll, unless publish_date says otherwise: a page dated in the
		// future is scheduled, not published early.
		p.PublishDate = f.moment("date", n)
	}
}

func (p *Page) fillRelease(f *fields) {
	k := f.keys
	r := &ReleaseInfo{}
	r.Version = f.str("version", k["version"])
	if p.Format == "toml" && isFloat(k["version"]) {
		f.errorf("version", "write the version as text, version = \"%s\" (as a TOML number, 3.10 would read as 3.1)", r.Version)
	}
	r.Date = f.date("date", k["date"])
	f.items("features", k["features"], []string{"title", "summary", "docs"}, func(m map[string]*yaml.Node, ip string, pos Pos) {
		r.Features = append(r.Features, Feature{Title: f.str(ip+".title", m["title"]), Summary: f.str(ip+".summary", m["summary"]), Docs: f.strList(ip+".docs", m["docs"]), Pos: pos})
	})
	f.items("fixes", k["fixes"], []string{"title", "ticket"}, func(m map[string]*yaml.Node, ip string, pos Pos) {
		r.Fixes = append(r.Fixes, Fix{Title: f.str(ip+".title", m["title"]), Ticket: f.str(ip+".ticket", m["ticket"]), Pos: pos})
	})
	f.items("known_issues", k["known_issues"], []string{"title", "workaround", "fix_expected", "docs"}, func(m map[string]*yaml.Node, ip string, pos Pos) {
		ki := KnownIssue{Title: f.str(ip+".title", m["title"]), Workaround: f.str(ip+".workaround", m["workaround"]),
			FixExpected: f.str(ip+".fix_expected", m["fix_expected"]), Docs: f.strList(ip+".docs", m["docs"]), Pos: pos}
		if p.Format == "toml" && isFloat(m["fix_expected"]) {
			f.errorf(ip+".fix_expected", "write the version as text, fix_expected = \"%s\" (as a TOML number, 3.10 would read as 3.1)", ki.FixExpected)
		} else if ki.FixExpected != "" {
			if _, ok := ParseVersion(ki.FixExpected); !ok {
				f.errorf(ip+".fix_expected", "%q is not a version (want a version like 3.7.1)", ki.FixExpected)
			}
		}
		r.KnownIssues = append(r.KnownIssues, ki)
	})
	p.Release = r
}

// isFloat reports whether a front-matter value is a number with a fraction,
// which TOML decodes without its trailing zeros.
func isFloat(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!float"
}

// checkRelease reports what a release announcement must have; run after the type is known.
func (p *Page) checkRelease(f *fields) {
	if p.Type != Release {
		return
	}
	r := p.Release
	// A missing or empty field is reported here, at its line when it is
	// there; a field already reported as malformed is not reported twice.
	missing := func(field, msg string) {
		for _, e := range f.errs {
			if e.Field == field {
				return
			}
		}
		pos := Pos{Line: 1, Col: 1}
		if _, ok := f.keys[field]; ok {
			pos = f.pos[field]
		}
		f.errs = append(f.errs, problem(p.File, pos, field, msg))
	}
	if r.Version == "" {
		missing("version", "version: a release announcement needs a version (add version: \"1.2.0\" to the front matter)")
	} else if _, ok := ParseVersion(r.Version); !ok {
		f.errorf("version", "%q is not a version (want a version like 3.7.0)", r.Version)
	}
	if r.Date.IsZero() {
		missing("date", "date: a release announcement needs a release date (add date: YYYY-MM-DD to the front matter)")
	}
}

// checkSchedule reports an expiry_date at or before the page's
// publication (publish_date, or a release's date): such a page is never
// published.
func (p *Page) checkSchedule(f *fields) {
	if p.ExpiryDate.IsZero() {
		return
	}
	from, what := p.PublishDate, "publish_date"
	if _, ok := f.keys["publish_date"]; !ok {
		what = "date"
	}
	if from.IsZero() && p.Type == Release && p.Release != nil && !p.Release.Date.IsZero() {
		from, what = StartOfDay(p.Release.Date, f.loc), "the release date"
	}
	if !from.IsZero() && !p.ExpiryDate.After(from) {
		f.errorf("expiry_date", "%s is not after %s (%s): the page would never be published; remove expiry_date or set a later one",
			FormatMoment(p.ExpiryDate), what, FormatMoment(from))
	}
}

func (p *Page) sectionType() Type {
	parts := strings.SplitN(strings.TrimPrefix(p.File, Dir+"/"), "/", 2)
	if len(parts) == 2 {
		if t, ok := sectionTypes[parts[0]]; ok {
			return t
		}
	}
	return Article
}

// FileURL is the URL a content file has when its front matter does not set
// its slug: /<section>/<file name>/. Lint uses it to tell a link to a page
// that failed to load from a broken one.
func FileURL(file string) string {
	p := &Page{File: file}
	p.place(&fields{file: file, pos: map[string]Pos{}, keys: map[string]*yaml.Node{}})
	return p.URL
}

// place works out the section, type, slug and URL.
func (p *Page) place(f *fields) {
	rel := strings.TrimPrefix(p.File, Dir+"/")
	dir, name := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	if dir != "" {
		p.Section = strings.SplitN(dir, "/", 2)[0]
	}
	if p.Type == "" {
		p.Type = p.sectionType()
	}
	if p.Type == Release && p.Release == nil {
		p.fillRelease(f)
	}
	p.checkRelease(f)
	p.checkSchedule(f)
	slug := f.str("slug", f.keys["slug"])
	if slug != "" {
		if strings.ContainsAny(slug, "/\\") || slug == "." || slug == ".." {
			f.errorf("slug", "%q must be a single path segment, without slashes", slug)
			slug = ""
		}
	}
	if slug == "" {
		slug = strings.TrimSuffix(name, path.Ext(name))
	}
	p.Slug = Slugify(slug)
	if p.Slug == "" {
		e := problem(p.File, Pos{Line: 1, Col: 1}, "", fmt.Sprintf("the slug %q has no letters or digits; set slug: in the front matter", slug))
		if f.keys["slug"] != nil {
			pos := f.pos["slug"]
			e.Line, e.Col = pos.Line, pos.Col
		}
		f.errs = append(f.errs, e)
		p.Slug = "page"
	}
	segs := []string{}
	for _, s := range strings.Split(dir, "/") {
		if s == "" {
			continue
		}
		seg := Slugify(s)
		if seg == "" {
			// An empty segment would make the URL //x/, outside the site.
			f.errs = append(f.errs, problem(p.File, Pos{Line: 1, Col: 1}, "", fmt.Sprintf("the folder %q has no letters or digits, so it cannot be part of a URL; rename it", s)))
			seg = "folder"
		}
		segs = append(segs, seg)
	}
	segs = append(segs, p.Slug)
	if strings.EqualFold(p.Slug, "index") && len(segs) > 1 {
		segs = segs[:len(segs)-1]
	}
	p.URL = "/" + strings.Join(segs, "/") + "/"
}

// Slugify makes a URL path segment: Unicode NFC, lowercase, letters, digits,
// "-", "_" and "." kept, spaces become "-", invisible and other characters
// dropped. Two file names that differ only by case or normalisation give
// the same slug, and so collide visibly instead of silently.
func Slugify(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '-' || unicode.IsSpace(r):
			dash = true
		}
	}
	return strings.Trim(b.String(), ".")
}

// TagSlug is the URL segment of a tag page.
func TagSlug(tag string) string { return Slugify(tag) }

var versionRE = regexp.MustCompile(`^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$`)

// Version is a parsed release version.
type Version struct {
	Parts [4]int
	Pre   string
}

type parsedVersion struct {
	v  Version
	ok bool
}

// versions caches ParseVersion (up to a bound): sorting releases and
// resolving known issues compare the same few version strings many times.
var versions = struct {
	sync.Mutex
	m map[string]parsedVersion
}{m: map[string]parsedVersion{}}

// ParseVersion parses versions like 3.7, 3.7.1, v3.7.1-rc.1.
func ParseVersion(s string) (Version, bool) {
	versions.Lock()
	c, hit := versions.m[s]
	versions.Unlock()
	if hit {
		return c.v, c.ok
	}
	v, ok := parseVersion(s)
	versions.Lock()
	if len(versions.m) < 1<<14 {
		versions.m[s] = parsedVersion{v, ok}
	}
	versions.Unlock()
	return v, ok
}

func parseVersion(s string) (Version, bool) {
	m := versionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Version{}, false
	}
	var v Version
	for i := 0; i < 4; i++ {
		if m[i+1] != "" {
			n := 0
			for _, c := range m[i+1] {
				n = n*10 + int(c-'0')
				if n > 1<<30 {
					return Version{}, false
				}
			}
			v.Parts[i] = n
		}
	}
	v.Pre = m[5]
	return v, true
}

// Compare orders versions: -1, 0 or 1. A pre-release sorts before its release.
func (v Version) Compare(w Version) int {
	for i := range v.Parts {
		if v.Parts[i] != w.Parts[i] {
			if v.Parts[i] < w.Parts[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	case v.Pre < w.Pre:
		return -1
	}
	return 1
}

// CheckSite finds problems between pages: two pages (or aliases) with one URL,
// two releases of one product with one version.
func CheckSite(pages []*Page) []*diag.Diagnostic {
	var errs []*diag.Diagnostic
	urls := map[string]*Page{}
	for _, p := range pages {
		if q, ok := urls[p.URL]; ok {
			// Blame the page whose slug field made the clash, else the later file.
			a, b := p, q
			if q.HasField("slug") && !p.HasField("slug") {
				a, b = q, p
			}
			errs = append(errs, problem(a.File, a.slugPos(), "slug", fmt.Sprintf("has the URL %s, like %s; rename one file or set a different slug:", a.URL, b.File)))
			continue
		}
		urls[p.URL] = p
	}
	for _, p := range pages {
		for i, a := range p.Aliases {
			a = "/" + strings.Trim(a, "/") + "/"
			if q, ok := urls[a]; ok && q != p {
				key := fmt.Sprintf("aliases.%d", i)
				errs = append(errs, problem(p.File, p.Field(key), key, fmt.Sprintf("%s: alias %s is already the URL of %s", key, a, q.File)))
			}
		}
	}
	versions := map[string]*Page{}
	for _, p := range pages {
		if p.Type != Release || p.Release == nil || p.Release.Version == "" {
			continue
		}
		v, ok := ParseVersion(p.Release.Version)
		if !ok {
			continue
		}
		key := p.Product + "\x00" + fmt.Sprint(v)
		if q, dup := versions[key]; dup {
			product := p.Product
			if product == "" {
				product = "the site"
			}
			errs = append(errs, problem(p.File, p.Field("version"), "version", fmt.Sprintf("version: %s of %s is also announced in %s; each release needs its own version", p.Release.Version, product, q.File)))
			continue
		}
		versions[key] = p
	}
	return errs
}

func (p *Page) slugPos() Pos {
	if pos, ok := p.fields["slug"]; ok {
		return pos
	}
	return Pos{Line: 1, Col: 1}
}
