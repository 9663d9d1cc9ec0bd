package importer

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// docusaurus reads a Docusaurus site: docs/, blog/, static/ and the
// Markdown pages of src/pages/.
type docusaurus struct {
	route string // the docs' routeBasePath: "docs", or "" for "/"
}

var configNames = []string{"docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs", "docusaurus.config.cjs"}

func (d *docusaurus) read(s *site) error {
	var src, name string
	for _, n := range configNames {
		if b, err := fs.ReadFile(s.fsys, n); err == nil {
			src, name = normalize(b), n
			break
		}
	}
	if name == "" {
		return &UsageError{"source " + s.opts.Src + " has no docusaurus.config.js (or .ts); give the folder that holds a Docusaurus site's configuration"}
	}
	// The configuration is JavaScript, which kb does not run: these are
	// tolerant regular expressions that find the first literal value of
	// each key, and the docs plugin's options inside its docs: {…} block.
	s.cfg.Title = jsString(src, "title")
	s.cfg.Description = jsString(src, "tagline")
	base := jsString(src, "baseUrl")
	if u := strings.TrimSuffix(jsString(src, "url"), "/"); u != "" {
		s.cfg.BaseURL = u + "/" + strings.TrimPrefix(base, "/")
	}
	s.cfg.basePath = strings.TrimSuffix(base, "/")
	s.cfg.Language = jsString(src, "defaultLocale")
	docsDir := "docs"
	d.route = "docs"
	if block := jsBlock(src, "docs"); block != "" {
		if v, ok := jsValue(block, "path"); ok {
			docsDir = path.Clean(strings.TrimPrefix(v, "./"))
		}
		if v, ok := jsValue(block, "routeBasePath"); ok {
			d.route = strings.Trim(v, "/")
		}
	}
	s.contentRoot = docsDir

	if err := d.readDocs(s, docsDir); err != nil {
		return err
	}
	if err := d.readBlog(s); err != nil {
		return err
	}
	err := s.walk("static", func(p string, dir bool) bool { return hidden(p) }, func(p string) {
		r := rel("static", p)
		s.addFile(p, r, "/"+r)
	})
	if err != nil {
		return err
	}
	others := 0
	err = s.walk("src", func(p string, dir bool) bool { return hidden(p) }, func(p string) {
		r := rel("src/pages", p)
		if strings.HasPrefix(p, "src/pages/") && isPageFile(p) && !strings.HasPrefix(path.Base(p), "_") {
			dir, file := path.Split(r)
			pg, err := s.addPage(p, strings.TrimSuffix(dir, "/"), strings.TrimSuffix(file, path.Ext(file)))
			if err == nil {
				u := "/" + strings.TrimSuffix(r, path.Ext(r))
				pg.old = []string{strings.TrimSuffix(u, "/index")}
			}
			return
		}
		others++
	})
	if err != nil {
		return err
	}
	if others > 0 {
		s.skipped = append(s.skipped, skip{path: "src/", files: others, reason: "React pages, components and CSS; kb has its own theme"})
	}
	for _, f := range []string{"sidebars.js", "sidebars.ts"} {
		if _, err := fs.Stat(s.fsys, f); err == nil {
			s.skipFile(f, "sidebar order; kb lists a section's pages by title (top-level category labels became section titles)")
		}
	}
	for dir, why := range map[string]string{
		"i18n":               "translations; a kb site has one language",
		"versioned_docs":     "older versions of the docs; kb publishes one version",
		"versioned_sidebars": "sidebars of older versions; kb publishes one version",
	} {
		s.skipDir(s.fsys, dir, why)
	}
	return nil
}

var numberPrefixRE = regexp.MustCompile(`^\d+[-_. ]+`)

// stripNumber drops Docusaurus' ordering prefix: "01-intro" → "intro".
func stripNumber(seg string) string {
	if t := numberPrefixRE.ReplaceAllString(seg, ""); t != "" {
		return t
	}
	return seg
}

func (d *docusaurus) readDocs(s *site, docsDir string) error {
	var cats []string
	err := s.walk(docsDir, func(p string, dir bool) bool {
		if hidden(p) {
			return true
		}
		if strings.HasPrefix(path.Base(p), "_") && !strings.HasPrefix(path.Base(p), "_category_.") {
			if dir {
				s.skipDir(s.fsys, p, "partials (files starting with _ are imported into pages, not published); kb has no includes")
			} else if isPageFile(p) {
				s.skipFile(p, "a partial (files starting with _ are imported into pages, not published); kb has no includes")
			}
			return true
		}
		return false
	}, func(p string) {
		r := rel(docsDir, p)
		dir, file := path.Split(strings.TrimSuffix(r, "/"))
		dir = strings.TrimSuffix(dir, "/")
		var segs []string
		for _, seg := range strings.Split(dir, "/") {
			if seg != "" {
				segs = append(segs, stripNumber(seg))
			}
		}
		logical := join(append([]string{d.route}, segs...)...)
		switch {
		case strings.HasPrefix(file, "_category_."):
			cats = append(cats, p)
		case isPageFile(p):
			base := strings.TrimSuffix(file, path.Ext(file))
			pg, err := s.addPage(p, logical, stripNumber(base))
			if err != nil {
				return
			}
			d.placeDoc(pg, segs)
		default:
			s.addFile(p, join(d.route, r))
		}
	})
	for _, c := range cats {
		d.category(s, c, docsDir)
	}
	return err
}

// placeDoc works out a doc's id, kb file name and old URL.
func (d *docusaurus) placeDoc(p *page, segs []string) {
	id := p.name
	if v := p.fm.str("id"); v != "" {
		id = v
		p.fm.del("id")
	}
	p.name = id
	parent := ""
	if len(segs) > 0 {
		parent = segs[len(segs)-1]
	}
	// index.md, README.md and a file named like its folder are the
	// folder's page.
	if strings.EqualFold(id, "index") || strings.EqualFold(id, "readme") || (parent != "" && id == parent) {
		p.name = "index"
	}
	p.keys = append(p.keys, "doc:"+join(append(append([]string(nil), segs...), id)...))
	old := "/" + join(append(append([]string{d.route}, segs...), p.name)...)
	old = strings.TrimSuffix(old, "/index")
	if slug := p.fm.str("slug"); slug != "" {
		if strings.HasPrefix(slug, "/") {
			old = "/" + join(d.route, strings.Trim(slug, "/"))
			p.fm.del("slug")
		} else if strings.Contains(slug, "/") {
			old = "/" + join(append(append([]string{d.route}, segs...), strings.Trim(slug, "/"))...)
			p.fm.del("slug")
		} else {
			old = "/" + join(append(append([]string{d.route}, segs...), slug)...)
		}
	}
	if old == "" {
		old = "/"
	}
	p.old = []string{old}
}

// category reads a _category_.json or .yml: a top-level folder's label
// and position name and order its kb section.
func (d *docusaurus) category(s *site, file, docsDir string) {
	data, err := fs.ReadFile(s.fsys, file)
	if err != nil {
		return
	}
	var c struct {
		Label    string  `json:"label" yaml:"label"`
		Position float64 `json:"position" yaml:"position"`
	}
	if strings.HasSuffix(file, ".json") {
		err = json.Unmarshal(data, &c)
	} else {
		err = yaml.Unmarshal(data, &c)
	}
	if err != nil {
		s.skipFile(file, "could not be read ("+err.Error()+")")
		return
	}
	folder := path.Dir(rel(docsDir, file))
	logical := join(d.route, stripNumber(folder))
	if strings.Contains(logical, "/") || c.Label == "" {
		return // a subfolder: kb lists pages by title, without subsections
	}
	sc := s.cfg.section(sectionFor(logical))
	sc.Title = c.Label
	sc.Weight = int(c.Position)
	s.count("category label")
}

var blogDateRE = regexp.MustCompile(`^(?:(.*)/)?(\d{4})[-/](\d{2})[-/](\d{2})[-/]?(.*)$`)

func (d *docusaurus) readBlog(s *site) error {
	return s.walk("blog", func(p string, dir bool) bool { return hidden(p) }, func(p string) {
		r := rel("blog", p)
		switch {
		case r == "authors.yml" || r == "authors.yaml" || r == "authors.json":
			s.skipFile(p, "blog authors; kb pages have no authors")
		case r == "tags.yml" || r == "tags.yaml":
			s.skipFile(p, "blog tag definitions; kb makes a page per tag itself")
		case isPageFile(p) && !strings.HasPrefix(path.Base(p), "_"):
			stem := strings.TrimSuffix(r, path.Ext(r))
			stem = strings.TrimSuffix(stem, "/index")
			date, name := "", stem
			if m := blogDateRE.FindStringSubmatch(stem); m != nil {
				date = m[2] + "-" + m[3] + "-" + m[4]
				name = m[5]
				if m[1] != "" {
					name = join(m[1], m[5])
				}
			}
			name = path.Base(name)
			pg, err := s.addPage(p, "blog", name)
			if err != nil {
				return
			}
			pg.date = date
			old := "/blog/" + name
			if date != "" {
				old = "/blog/" + strings.ReplaceAll(date, "-", "/") + "/" + name
			}
			if slug := pg.fm.str("slug"); slug != "" {
				old = "/blog/" + strings.Trim(slug, "/")
				if strings.Contains(strings.Trim(slug, "/"), "/") || strings.HasPrefix(slug, "/") {
					pg.fm.del("slug")
				}
			}
			pg.old = []string{old}
		default:
			s.addFile(p, join("blog", r))
		}
	})
}

// jsString finds the first `key: 'value'` (or "value" or `value`) in
// JavaScript source.
func jsString(src, key string) string {
	v, _ := jsValue(src, key)
	return v
}

func jsValue(src, key string) (string, bool) {
	re := regexp.MustCompile(`(?m)(?:^|[\s,{])` + regexp.QuoteMeta(key) + `\s*:\s*(?:'((?:\\.|[^'\\\n])*)'|"((?:\\.|[^"\\\n])*)"|` + "`([^`]*)`" + `)`)
	m := re.FindStringSubmatch(src)
	if m == nil {
		return "", false
	}
	v := m[1] + m[2] + m[3]
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(v, `"`, `\"`) + `"`); err == nil {
		v = u
	}
	return v, true
}

// jsBlock returns the text of the object literal after `key: {` — the
// docs plugin's options in a preset — counting braces outside strings.
func jsBlock(src, key string) string {
	loc := regexp.MustCompile(`(?:^|[\s,{])` + regexp.QuoteMeta(key) + `\s*:\s*\{`).FindStringIndex(src)
	if loc == nil {
		return ""
	}
	depth, quote := 0, byte(0)
	for i := loc[1] - 1; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return src[loc[1]:i]
			}
		}
	}
	return ""
}

var (
	dsAdmonitionRE = regexp.MustCompile(`^([ \t]*)(:{3,})([a-zA-Z]+)(?:\[(.*)\]|\{(.*)\})?(?:[ \t]+(.*?))?[ \t]*$`)
	dsCloseRE      = regexp.MustCompile(`^[ \t]*(:{3,})[ \t]*$`)
	jsxCommentRE   = regexp.MustCompile(`(?s)\{/\*(.*?)\*/\}`)
	truncateRE     = regexp.MustCompile(`(?m)^[ \t]*(?:<!--\s*truncate\s*-->|\{/\*\s*truncate\s*\*/\})[ \t]*\n?`)
	themeImportRE  = regexp.MustCompile(`(?m)^import\s+\w+\s+from\s+['"]@theme/(?:Tabs|TabItem|Admonition)['"];?[ \t]*\n?`)
	tabsValuesRE   = regexp.MustCompile(`\{\s*label\s*:\s*['"]([^'"]*)['"]\s*,\s*value\s*:\s*['"]([^'"]*)['"]\s*\}|\{\s*value\s*:\s*['"]([^'"]*)['"]\s*,\s*label\s*:\s*['"]([^'"]*)['"]\s*\}`)
)

func (d *docusaurus) convert(s *site, p *page) string {
	body := p.body
	n := len(truncateRE.FindAllString(body, -1))
	body = truncateRE.ReplaceAllString(body, "")
	for range n {
		s.count("truncate marker")
	}
	body = eachProseBlock(body, func(t string) string {
		return jsxCommentRE.ReplaceAllStringFunc(t, func(m string) string {
			s.count("MDX comment")
			return "<!--" + strings.ReplaceAll(jsxCommentRE.FindStringSubmatch(m)[1], "--", "- -") + "-->"
		})
	})
	imports := themeImportRE.FindAllString(body, -1)
	body = themeImportRE.ReplaceAllString(body, "")
	for range imports {
		s.count("theme component import")
	}
	return unlines(d.blocks(s, lines(body)))
}

// blocks converts :::admonitions, <Tabs> and <Admonition>, recursively.
func (d *docusaurus) blocks(s *site, ls []string) []string {
	var out []string
	var f fences
	pairs := closers(ls)
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if f.code(l) {
			out = append(out, l)
			continue
		}
		if a := dsAdmonitionRE.FindStringSubmatch(l); a != nil {
			if end, ok := pairs[i]; ok {
				alert, ok := alertFor(a[3], true)
				title := a[4]
				if a[5] != "" {
					title, _ = attrValue(a[5], "title")
				}
				if a[6] != "" {
					title = a[6]
				}
				if !ok {
					alert = "NOTE"
					if title == "" {
						title = humanize(a[3])
					}
				} else if defaultTitle(title, a[3]) {
					title = ""
				}
				body := ls[i+1 : end]
				inner := d.blocks(s, dedent(body, minIndent(body)))
				out = block(out, callout(a[1], alert, title, inner)...)
				s.count("admonition")
				i = end
				continue
			}
		}
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "<Tabs") && (len(t) == 5 || t[5] == ' ' || t[5] == '>') {
			if conv, next, ok := d.tabs(s, ls, i); ok {
				out = block(out, conv...)
				i = next - 1
				continue
			}
		}
		if strings.HasPrefix(t, "<Admonition") {
			if conv, next, ok := d.admonition(s, ls, i); ok {
				out = block(out, conv...)
				i = next - 1
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// closers pairs each ::: container opening line with the line that
// closes it: a closing line closes the latest open container with as many
// colons. Unclosed openers are left out. One pass, so that a page of
// unclosed openers costs linear time.
func closers(ls []string) map[int]int {
	pairs := map[int]int{}
	open := map[int][]int{} // colons → opening lines not closed yet
	var f fences
	for j, l := range ls {
		if f.code(l) {
			continue
		}
		if m := dsAdmonitionRE.FindStringSubmatch(l); m != nil {
			open[len(m[2])] = append(open[len(m[2])], j)
			continue
		}
		if m := dsCloseRE.FindStringSubmatch(l); m != nil {
			if o := open[len(m[1])]; len(o) > 0 {
				pairs[o[len(o)-1]] = j
				open[len(m[1])] = o[:len(o)-1]
			}
		}
	}
	return pairs
}

// jsxTag reads a JSX opening tag starting at line i (it may span lines);
// it returns the attributes, the text after '>' on its last line, and the
// index of that line.
func jsxTag(ls []string, i int, name string) (attrs, after string, last int, ok bool) {
	text := strings.TrimSpace(ls[i])
	j := i
	for {
		if end := tagEnd(text); end >= 0 {
			attrs = strings.TrimSpace(text[len("<"+name):end])
			attrs = strings.TrimSuffix(attrs, "/")
			return attrs, text[end+1:], j, true
		}
		j++
		if j >= len(ls) || j > i+20 {
			return "", "", 0, false
		}
		text += "\n" + ls[j]
	}
}

// tagEnd finds the '>' that closes a JSX tag, skipping {…} and quotes.
func tagEnd(s string) int {
	depth, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == '>' && depth == 0:
			return i
		}
	}
	return -1
}

// tabs converts <Tabs><TabItem value label>…</TabItem></Tabs> to each
// tab's label in bold followed by its content.
func (d *docusaurus) tabs(s *site, ls []string, i int) ([]string, int, bool) {
	attrs, after, last, ok := jsxTag(ls, i, "Tabs")
	if !ok || strings.TrimSpace(after) != "" {
		return nil, 0, false
	}
	labels := map[string]string{}
	for _, m := range tabsValuesRE.FindAllStringSubmatch(attrs, -1) {
		if m[1] != "" || m[2] != "" {
			labels[m[2]] = m[1]
		} else {
			labels[m[3]] = m[4]
		}
	}
	var out []string
	depth := 0
	var f fences
	for j := last + 1; j < len(ls); j++ {
		t := strings.TrimSpace(ls[j])
		if f.code(ls[j]) {
			return nil, 0, false // code outside a tab item
		}
		switch {
		case t == "":
		case strings.HasPrefix(t, "</Tabs>"):
			if depth == 0 {
				s.count("tabs")
				return out, j + 1, true
			}
			depth--
		case strings.HasPrefix(t, "<TabItem"):
			iattrs, iafter, ilast, ok := jsxTag(ls, j, "TabItem")
			if !ok {
				return nil, 0, false
			}
			label, _ := attrValue(iattrs, "label")
			value, _ := attrValue(iattrs, "value")
			if label == "" {
				label = labels[value]
			}
			if label == "" {
				label = value
			}
			var body []string
			end := -1
			if k := strings.Index(iafter, "</TabItem>"); k >= 0 {
				body, end = []string{strings.TrimSpace(iafter[:k])}, ilast
			} else {
				if strings.TrimSpace(iafter) != "" {
					body = append(body, iafter)
				}
				nested := 0
				var g fences
				for k := ilast + 1; k < len(ls); k++ {
					tk := strings.TrimSpace(ls[k])
					if !g.code(ls[k]) {
						if strings.HasPrefix(tk, "<TabItem") {
							nested++
						}
						if strings.HasPrefix(tk, "</TabItem>") {
							if nested == 0 {
								end = k
								break
							}
							nested--
						}
					}
					body = append(body, ls[k])
				}
			}
			if end < 0 {
				return nil, 0, false
			}
			if len(out) > 0 {
				out = append(out, "")
			}
			out = append(out, "**"+strings.ReplaceAll(label, "*", `\*`)+"**", "")
			out = append(out, trimBlank(d.blocks(s, dedent(body, minIndent(body))))...)
			j = end
		default:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// admonition converts <Admonition type="tip" title="…">…</Admonition>.
func (d *docusaurus) admonition(s *site, ls []string, i int) ([]string, int, bool) {
	attrs, after, last, ok := jsxTag(ls, i, "Admonition")
	if !ok {
		return nil, 0, false
	}
	typ, _ := attrValue(attrs, "type")
	title, _ := attrValue(attrs, "title")
	var body []string
	end := -1
	if k := strings.Index(after, "</Admonition>"); k >= 0 {
		body, end = []string{after[:k]}, last
	} else {
		if strings.TrimSpace(after) != "" {
			body = append(body, after)
		}
		for k := last + 1; k < len(ls); k++ {
			if strings.HasPrefix(strings.TrimSpace(ls[k]), "</Admonition>") {
				end = k
				break
			}
			body = append(body, ls[k])
		}
	}
	if end < 0 {
		return nil, 0, false
	}
	alert, ok := alertFor(typ, true)
	if !ok {
		alert = "NOTE"
	}
	if defaultTitle(title, typ) {
		title = ""
	}
	s.count("admonition")
	return callout("", alert, title, d.blocks(s, dedent(body, minIndent(body)))), end + 1, true
}

// eachProseBlock applies fn to the runs of lines outside fenced code,
// each run as one string (constructs may span lines).
func eachProseBlock(text string, fn func(string) string) string {
	var f fences
	var out, run []string
	flush := func() {
		if len(run) > 0 {
			out = append(out, lines(fn(unlines(run)))...)
			run = nil
		}
	}
	for _, l := range lines(text) {
		if f.code(l) {
			flush()
			out = append(out, l)
			continue
		}
		run = append(run, l)
	}
	flush()
	return unlines(out)
}
