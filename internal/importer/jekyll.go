package importer

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/content"
)

// jekyll reads a Jekyll site: _config.yml, pages, _posts, _drafts and
// collections, and the files Jekyll copies as they are.
type jekyll struct {
	cfg       map[string]any
	permalink string
	callouts  map[string]jtdCallout // Just the Docs' callouts: class → look
	colls     map[string]jekyllColl
}

type jekyllColl struct {
	output    bool
	permalink string
}

type jtdCallout struct{ title, color string }

// Jekyll's own exclusions, and the build files of Ruby and Node projects.
var jekyllExclude = []string{"Gemfile", "Gemfile.lock", "gemfiles", "node_modules", "vendor", "_site",
	"package.json", "package-lock.json", "yarn.lock", "Rakefile", "CNAME"}

func (j *jekyll) read(s *site) error {
	s.templates = "liquid"
	j.cfg = map[string]any{}
	for _, n := range []string{"_config.yml", "_config.yaml"} {
		data, err := fs.ReadFile(s.fsys, n)
		if err != nil {
			continue
		}
		if err := yaml.Unmarshal([]byte(normalize(data)), &j.cfg); err != nil {
			return yamlError(n, err)
		}
		if j.cfg == nil {
			j.cfg = map[string]any{}
		}
		break
	}
	c := j.cfg
	s.cfg.Title = scalarString(c["title"])
	s.cfg.Description = scalarString(c["description"])
	s.cfg.Language = scalarString(c["lang"])
	s.cfg.basePath = strings.TrimSuffix(scalarString(c["baseurl"]), "/")
	if u := strings.TrimSuffix(scalarString(c["url"]), "/"); u != "" {
		s.cfg.BaseURL = u + s.cfg.basePath + "/"
	}
	j.permalink = scalarString(c["permalink"])
	if j.permalink == "" {
		j.permalink = "date"
	}
	j.callouts = map[string]jtdCallout{}
	if m, ok := c["callouts"].(map[string]any); ok {
		for k, v := range m {
			vm, _ := v.(map[string]any)
			j.callouts[k] = jtdCallout{title: scalarString(vm["title"]), color: scalarString(vm["color"])}
		}
	}
	j.colls = map[string]jekyllColl{}
	switch cs := c["collections"].(type) {
	case map[string]any:
		for k, v := range cs {
			vm, _ := v.(map[string]any)
			out, _ := vm["output"].(bool)
			j.colls[k] = jekyllColl{output: out, permalink: scalarString(vm["permalink"])}
		}
	case []any:
		for _, k := range cs {
			j.colls[scalarString(k)] = jekyllColl{}
		}
	}
	collDir := strings.Trim(scalarString(c["collections_dir"]), "/")
	exclude := append([]string(nil), jekyllExclude...)
	if ex, ok := c["exclude"].([]any); ok {
		for _, e := range ex {
			exclude = append(exclude, strings.TrimSuffix(scalarString(e), "/"))
		}
	}
	excluded := func(p string) bool {
		for _, e := range exclude {
			if ok, _ := path.Match(e, p); ok || p == e {
				return true
			}
		}
		return false
	}
	var posts []*page
	err := s.walk(".", func(p string, dir bool) bool {
		if hidden(p) || excluded(p) {
			return true
		}
		base := path.Base(p)
		if !strings.HasPrefix(base, "_") {
			return false
		}
		r := rel(collDir, p)
		switch {
		case !dir && (p == "_config.yml" || p == "_config.yaml"):
		case dir && base == "_posts", dir && base == "_drafts":
			posts = append(posts, j.readPosts(s, p)...)
		case dir && j.isColl(r):
			name := strings.TrimPrefix(r, "_")
			if !j.colls[name].output {
				s.skipDir(s.fsys, p, "the collection "+name+" has output: false, so Jekyll published no pages for it")
			} else {
				j.readColl(s, p, name)
			}
		case dir && p == "_layouts":
			s.skipDir(s.fsys, p, "Jekyll layouts; kb has its own theme (override layouts/ in the kb site to change it)")
		case dir && p == "_includes":
			s.skipDir(s.fsys, p, "Liquid includes; kb has none (the note, tip, warning, callout and image includes were converted where pages used them)")
		case dir && p == "_sass":
			s.skipDir(s.fsys, p, "the theme's Sass; kb has its own theme (override static/css/ to restyle it)")
		case dir && p == "_data":
			s.skipDir(s.fsys, p, "data files for templates; kb pages cannot read them")
		case dir && p == "_plugins":
			s.skipDir(s.fsys, p, "Ruby plugins; kb does not run them")
		case dir:
			s.skipDir(s.fsys, p, "Jekyll does not publish folders whose names start with _")
		default:
			s.skipFile(p, "Jekyll does not publish files whose names start with _")
		}
		return true
	}, func(p string) {
		j.readFile(s, p)
	})
	if err != nil {
		return err
	}
	for _, p := range posts {
		if u := j.postURL(p); u != "" {
			p.old = []string{u}
		}
	}
	return nil
}

func (j *jekyll) isColl(r string) bool {
	if !strings.HasPrefix(r, "_") || strings.Contains(r, "/") {
		return false
	}
	_, ok := j.colls[strings.TrimPrefix(r, "_")]
	return ok
}

var rootRepoFiles = map[string]bool{"readme": true, "license": true, "changelog": true, "contributing": true, "code_of_conduct": true}

// readFile reads a page or a file Jekyll copies as it is.
func (j *jekyll) readFile(s *site, p string) {
	data, err := fs.ReadFile(s.fsys, p)
	if err != nil {
		return
	}
	hasFM := strings.HasPrefix(normalize(data), "---\n") || strings.HasPrefix(normalize(data), "---\r\n")
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	stem := strings.TrimSuffix(file, path.Ext(file))
	switch {
	case isPageFile(p):
		if dir == "" && !hasFM && rootRepoFiles[strings.ToLower(stem)] {
			s.skipFile(p, "a repository file without front matter, which Jekyll does not make a page")
			return
		}
		pg, err := s.addPage(p, dir, stem)
		if err != nil {
			return
		}
		pg.old = []string{j.pageURL(pg, dir, stem)}
		pg.keys = append(pg.keys, "link:"+p)
	case hasFM:
		s.skipFile(p, "a Liquid template (it has front matter); kb pages are Markdown and kb has its own theme, so write its content as a page if customers need it")
	default:
		s.addFile(p, p, "/"+p)
	}
}

// pageURL is where Jekyll published a page: its permalink, else
// /dir/name.html (or /dir/name/ with pretty permalinks).
func (j *jekyll) pageURL(p *page, dir, stem string) string {
	if pl := p.fm.str("permalink"); pl != "" {
		p.fm.del("permalink")
		return pl
	}
	pretty := j.permalink == "pretty" || strings.HasSuffix(j.permalink, "/")
	if stem == "index" {
		return "/" + join(dir) + trailing(dir)
	}
	if pretty {
		return "/" + join(dir, stem) + "/"
	}
	return "/" + join(dir, stem) + ".html"
}

func trailing(dir string) string {
	if dir == "" {
		return ""
	}
	return "/"
}

var postNameRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$`)

// readPosts reads _posts (or _drafts) folder dir.
func (j *jekyll) readPosts(s *site, dir string) []*page {
	drafts := path.Base(dir) == "_drafts"
	cats := strings.TrimSuffix(strings.TrimSuffix(dir, path.Base(dir)), "/")
	logical := "posts"
	if cats != "" {
		logical = cats
	}
	var out []*page
	_ = s.walk(dir, func(p string, d bool) bool { return hidden(p) }, func(p string) {
		file := path.Base(p)
		stem := strings.TrimSuffix(file, path.Ext(file))
		if !isPageFile(p) {
			r := rel(dir, p)
			s.addFile(p, join(logical, r), "/"+join(cats, r))
			return
		}
		m := postNameRE.FindStringSubmatch(stem)
		if m == nil && !drafts {
			s.skipFile(p, "not a post: Jekyll reads only files named YYYY-MM-DD-title.md in _posts")
			return
		}
		name, date := stem, ""
		if m != nil {
			name = m[4]
			if t, err := time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3]); err == nil {
				date = t.Format(content.DateLayout)
			}
		}
		pg, err := s.addPage(p, logical, name)
		if err != nil {
			return
		}
		pg.date = date
		pg.draft = drafts
		pg.keys = append(pg.keys, "post:"+stem, "post:"+join(cats, stem), "link:"+p)
		if cats != "" {
			pg.fm.set("categories", append(stringsToAny(strings.Split(cats, "/")), anyList(pg.fm.vals["categories"])...))
		}
		out = append(out, pg)
	})
	return out
}

func stringsToAny(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func anyList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case string:
		return stringsToAny(strings.Fields(v))
	}
	return nil
}

// postURL is where Jekyll published a post: its permalink, else the
// site's permalink style.
func (j *jekyll) postURL(p *page) string {
	if pl := p.fm.str("permalink"); pl != "" {
		p.fm.del("permalink")
		return pl
	}
	pattern := map[string]string{
		"date":    "/:categories/:year/:month/:day/:title:output_ext",
		"pretty":  "/:categories/:year/:month/:day/:title/",
		"ordinal": "/:categories/:year/:y_day/:title:output_ext",
		"none":    "/:categories/:title:output_ext",
	}[j.permalink]
	if pattern == "" {
		pattern = j.permalink
	}
	date := p.date
	if d := dateOf(p.fm.vals["date"]); d != "" {
		date = d
	}
	if date == "" {
		return "" // a draft: Jekyll gave it no URL
	}
	t, _ := time.Parse(content.DateLayout, date)
	var cats []string
	for _, c := range anyList(p.fm.vals["categories"]) {
		cats = append(cats, strings.ToLower(strings.ReplaceAll(scalarString(c), " ", "-")))
	}
	if c := scalarString(p.fm.vals["category"]); c != "" {
		cats = append(cats, strings.ToLower(c))
	}
	slug := p.name
	if sl := p.fm.str("slug"); sl != "" {
		slug = sl
	}
	return expandPermalink(pattern, map[string]string{
		"categories": strings.Join(cats, "/"), "year": t.Format("2006"), "month": t.Format("01"),
		"day": t.Format("02"), "i_month": strconv.Itoa(int(t.Month())), "i_day": strconv.Itoa(t.Day()),
		"short_year": t.Format("06"), "y_day": fmt.Sprintf("%03d", t.YearDay()), "title": slug,
		"slug": content.Slugify(slug), "output_ext": ".html", "name": p.name,
	})
}

var placeholderRE = regexp.MustCompile(`:([a-z_]+)`)

func expandPermalink(pattern string, vals map[string]string) string {
	u := placeholderRE.ReplaceAllStringFunc(pattern, func(m string) string {
		if v, ok := vals[m[1:]]; ok {
			return v
		}
		return m
	})
	for strings.Contains(u, "//") {
		u = strings.ReplaceAll(u, "//", "/")
	}
	return u
}

// readColl reads the pages of a collection with output: true.
func (j *jekyll) readColl(s *site, dir, name string) {
	_ = s.walk(dir, func(p string, d bool) bool { return hidden(p) }, func(p string) {
		r := rel(dir, p)
		if !isPageFile(p) {
			s.addFile(p, join(name, r), "/"+join(name, r))
			return
		}
		sub, file := path.Split(r)
		stem := strings.TrimSuffix(file, path.Ext(file))
		pg, err := s.addPage(p, join(name, strings.TrimSuffix(sub, "/")), stem)
		if err != nil {
			return
		}
		pg.keys = append(pg.keys, "link:"+p)
		if pl := pg.fm.str("permalink"); pl != "" {
			pg.fm.del("permalink")
			pg.old = []string{pl}
			return
		}
		pattern := j.colls[name].permalink
		switch pattern {
		case "":
			pattern = "/:collection/:path:output_ext"
			if j.permalink == "pretty" || strings.HasSuffix(j.permalink, "/") {
				pattern = "/:collection/:path/"
			}
		case "pretty":
			pattern = "/:collection/:path/"
		}
		pg.old = []string{expandPermalink(pattern, map[string]string{
			"collection": name, "path": strings.TrimSuffix(r, path.Ext(r)), "name": stem,
			"title": firstNonEmpty(pg.fm.str("slug"), stem), "slug": content.Slugify(firstNonEmpty(pg.fm.str("slug"), stem)),
			"output_ext": ".html",
		})}
	})
}

// Liquid.

var (
	liquidRE = regexp.MustCompile(`(?s)\{%-?\s*(\w+)(.*?)-?%\}|\{\{-?(.*?)-?\}\}`)
	endTagRE = map[string]*regexp.Regexp{
		"raw":       regexp.MustCompile(`\{%-?\s*endraw\s*-?%\}`),
		"comment":   regexp.MustCompile(`\{%-?\s*endcomment\s*-?%\}`),
		"highlight": regexp.MustCompile(`\{%-?\s*endhighlight\s*-?%\}`),
	}
)

func (j *jekyll) convert(s *site, p *page) string {
	body := j.liquid(s, p, p.body)
	return j.kramdown(s, p, body)
}

// liquid converts the Liquid tags kb has an equivalent for and leaves
// the others as they are.
func (j *jekyll) liquid(s *site, p *page, text string) string {
	var b strings.Builder
	// Once no end tag follows, none follows a later start either.
	unclosed := map[string]bool{}
	for {
		loc := liquidRE.FindStringSubmatchIndex(text)
		if loc == nil {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:loc[0]])
		whole := text[loc[0]:loc[1]]
		rest := text[loc[1]:]
		if loc[2] < 0 { // {{ … }}
			if v, ok := j.expr(s, p, strings.TrimSpace(text[loc[6]:loc[7]])); ok {
				b.WriteString(v)
				s.count("Liquid variable")
			} else {
				b.WriteString(whole)
				p.leftover = append(p.leftover, whole)
			}
			text = rest
			continue
		}
		tag, args := text[loc[2]:loc[3]], strings.TrimSpace(text[loc[4]:loc[5]])
		switch tag {
		case "raw", "comment", "highlight":
			var end []int
			if !unclosed[tag] {
				end = endTagRE[tag].FindStringIndex(rest)
			}
			if end == nil {
				unclosed[tag] = true
				b.WriteString(whole)
				p.leftover = append(p.leftover, whole)
				text = rest
				continue
			}
			inner := rest[:end[0]]
			switch tag {
			case "raw":
				b.WriteString(inner)
				s.count("Liquid raw")
			case "comment":
				b.WriteString("<!--" + strings.ReplaceAll(inner, "--", "- -") + "-->")
				s.count("Liquid comment")
			case "highlight":
				lang := ""
				if f := strings.Fields(args); len(f) > 0 {
					lang = f[0]
				}
				b.WriteString("```" + lang + "\n" + strings.Trim(inner, "\n") + "\n```")
				s.count("Liquid highlight")
			}
			text = rest[end[1]:]
			continue
		case "link":
			if t := s.byKey["link:"+strings.TrimPrefix(strings.TrimSpace(args), "/")]; t != nil {
				b.WriteString(t.url)
				s.count("Liquid link")
				text = rest
				continue
			}
		case "post_url":
			name := strings.Trim(strings.TrimSpace(args), "/")
			if t := s.byKey["post:"+name]; t != nil {
				b.WriteString(t.url)
				s.count("Liquid post_url")
				text = rest
				continue
			}
		case "include":
			if out, ok := j.include(s, args, &b); ok {
				b.WriteString(out)
				text = rest
				continue
			}
		}
		b.WriteString(whole)
		p.leftover = append(p.leftover, whole)
		text = rest
	}
}

// expr evaluates a Liquid output expression when it only reads site or
// page values and uses URL filters.
func (j *jekyll) expr(s *site, p *page, e string) (string, bool) {
	parts := splitPipes(e)
	if len(parts) == 0 {
		return "", false
	}
	v, ok := j.value(s, p, parts[0])
	if !ok {
		return "", false
	}
	for _, f := range parts[1:] {
		name, arg, _ := strings.Cut(f, ":")
		name, arg = strings.TrimSpace(name), strings.TrimSpace(arg)
		switch name {
		case "relative_url":
			v = s.cfg.basePath + "/" + strings.TrimPrefix(v, "/")
		case "absolute_url":
			v = strings.TrimSuffix(s.cfg.BaseURL, "/") + "/" + strings.TrimPrefix(v, "/")
		case "prepend", "append":
			a, ok := j.value(s, p, arg)
			if !ok {
				return "", false
			}
			if name == "prepend" {
				v = a + v
			} else {
				v += a
			}
		default:
			return "", false
		}
	}
	return v, true
}

func splitPipes(e string) []string {
	var parts []string
	quote, start := byte(0), 0
	for i := 0; i < len(e); i++ {
		switch c := e[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			parts = append(parts, strings.TrimSpace(e[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(e[start:]))
}

// value reads a Liquid literal or a site./page. variable.
func (j *jekyll) value(s *site, p *page, e string) (string, bool) {
	e = strings.TrimSpace(e)
	if len(e) >= 2 && (e[0] == '"' || e[0] == '\'') && e[len(e)-1] == e[0] {
		return e[1 : len(e)-1], true
	}
	switch e {
	case "site.baseurl":
		return s.cfg.basePath, true
	case "site.url":
		return strings.TrimSuffix(strings.TrimSuffix(s.cfg.BaseURL, "/"), s.cfg.basePath), true
	case "page.url":
		if len(p.old) > 0 {
			return p.old[0], true
		}
	}
	if k, ok := strings.CutPrefix(e, "site."); ok && !strings.ContainsAny(k, ".[") {
		if v := scalarString(j.cfg[k]); v != "" {
			return v, true
		}
	}
	if k, ok := strings.CutPrefix(e, "page."); ok && !strings.ContainsAny(k, ".[") {
		if v := scalarString(p.orig[k]); v != "" {
			return v, true
		}
	}
	return "", false
}

// include converts the includes help-center themes use for callouts and
// images: note.html, tip.html, warning.html, important.html, callout.html
// (the Documentation theme for Jekyll), figure (Minimal Mistakes),
// image.html.
func (j *jekyll) include(s *site, args string, b *strings.Builder) (string, bool) {
	file, params, _ := strings.Cut(args, " ")
	name := strings.TrimSuffix(path.Base(file), path.Ext(file))
	attrs := map[string]string{}
	for _, a := range parseAttrs(params) {
		if a.key == "" {
			continue
		}
		attrs[a.key] = a.val
	}
	// An unquoted value is a variable, which kb cannot read.
	quotedOnly := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := attrs[k]; ok && !regexp.MustCompile(`\b`+regexp.QuoteMeta(k)+`\s*=\s*["']`).MatchString(params) {
				return false
			}
		}
		return true
	}
	blockOut := func(ls []string) string {
		text := b.String()
		line := text[strings.LastIndex(text, "\n")+1:]
		indent, prefix := line, ""
		if strings.TrimSpace(line) != "" {
			indent, prefix = "", "\n\n"
		}
		for i := 1; i < len(ls); i++ {
			if ls[i] != "" {
				ls[i] = indent + ls[i]
			}
		}
		return prefix + strings.Join(ls, "\n") + "\n"
	}
	switch name {
	case "note", "tip", "warning", "important", "caution", "danger", "info", "callout", "alert", "notice":
		body, ok := attrs["content"]
		if !ok || !quotedOnly("content", "type", "title") {
			return "", false
		}
		typ := name
		if t := attrs["type"]; t != "" && (name == "callout" || name == "alert" || name == "notice") {
			typ = t
		}
		alert, ok := alertFor(typ, false)
		if !ok {
			alert = "NOTE"
		}
		s.count("Liquid include (callout)")
		return blockOut(callout("", alert, attrs["title"], lines(body))), true
	case "image", "figure", "img", "inline_image", "picture":
		src := firstNonEmpty(attrs["file"], attrs["src"], attrs["image_path"], attrs["path"], attrs["image"])
		link := ""
		if name == "image" && attrs["file"] != "" {
			link = attrs["url"]
		} else if src == "" {
			src = attrs["url"]
		}
		if src == "" || !quotedOnly("file", "src", "image_path", "path", "image", "url", "alt", "caption") {
			return "", false
		}
		if !strings.Contains(src, "/") && s.hasFile("images/"+src) {
			src = "/images/" + src // the Documentation theme's image folder
		}
		alt := firstNonEmpty(attrs["alt"], attrs["caption"], attrs["title"])
		img := "![" + escapeBrackets(stripTags(alt)) + "](" + linkDest(src) + ")"
		if link != "" {
			img = "[" + img + "](" + linkDest(link) + ")"
		}
		if c := attrs["caption"]; c != "" && c != alt {
			img += "\n\n*" + strings.TrimSpace(stripTags(c)) + "*"
		}
		s.count("Liquid include (image)")
		return img, true
	}
	return "", false
}

func (s *site) hasFile(src string) bool { return s.static[src] != "" }

// kramdown.

var (
	ialLineRE   = regexp.MustCompile(`^[ \t]*\{:[ \t]*([^}]*)\}[ \t]*$`)
	tocListRE   = regexp.MustCompile(`^[ \t]*(?:[*+-]|1\.)[ \t]+TOC[ \t]*$`)
	linkIALRE   = regexp.MustCompile(`(\]\([^)]*\))\{:[ \t]*(?:(?:target|rel)=(?:"[^"]*"|'[^']*'|\S+)[ \t]*)+\}`)
	atxRE       = regexp.MustCompile(`^[ \t]{0,3}#{1,6}[ \t]`)
	onlyClassRE = regexp.MustCompile(`^\.([\w-]+)$`)
)

// kramdown converts kramdown's attribute lists where kb has an
// equivalent: {:toc} markers and .no_toc are dropped (kb's layout makes
// its own contents), {: #id} after a heading becomes the heading's ID,
// target and rel after a link are dropped, and a callout class (Just the
// Docs: {: .note } before or after a paragraph or quote) becomes a callout.
func (j *jekyll) kramdown(s *site, p *page, body string) string {
	ls := lines(body)
	var out []string
	var f fences
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if f.code(l) {
			out = append(out, l)
			continue
		}
		if tocListRE.MatchString(l) && i+1 < len(ls) && strings.ReplaceAll(strings.TrimSpace(ls[i+1]), " ", "") == "{:toc}" {
			s.count("table of contents marker")
			i++
			continue
		}
		if m := ialLineRE.FindStringSubmatch(l); m != nil {
			attrs := strings.TrimSpace(m[1])
			prevHeading := len(out) > 0 && atxRE.MatchString(out[len(out)-1])
			switch {
			case attrs == "toc":
				s.count("table of contents marker")
				continue
			case attrs == ".no_toc" && prevHeading:
				s.count("no_toc attribute")
				continue
			case strings.HasPrefix(attrs, "#") && prevHeading && !strings.Contains(attrs, " "):
				out[len(out)-1] += " {" + attrs + "}"
				continue
			}
			if cm := onlyClassRE.FindStringSubmatch(attrs); cm != nil {
				if conv, next, ok := j.calloutIAL(s, cm[1], ls, i, &out); ok {
					out = block(out, conv...)
					i = next - 1
					continue
				}
			}
		}
		if strings.Contains(l, "]({") || strings.Contains(l, "){:") {
			l = codeSpans(l, func(t string) string {
				for range linkIALRE.FindAllString(t, -1) {
					s.count("link target attribute")
				}
				return linkIALRE.ReplaceAllString(t, "$1")
			})
		}
		out = append(out, l)
	}
	return unlines(out)
}

// calloutIAL wraps the paragraph or quote after (or, failing that,
// before) a {: .class } line in a callout when the class is one.
func (j *jekyll) calloutIAL(s *site, class string, ls []string, i int, out *[]string) ([]string, int, bool) {
	base, titled := strings.CutSuffix(class, "-title")
	look, configured := j.callouts[base]
	if !configured && len(j.callouts) > 0 {
		return nil, 0, false
	}
	alert, ok := alertFor(base, false)
	if !ok && configured {
		alert, ok = alertFor(look.color, false)
	}
	if !ok {
		return nil, 0, false
	}
	title := look.title
	var body []string
	next := i + 1
	if i+1 < len(ls) && !blank(ls[i+1]) {
		for next < len(ls) && !blank(ls[next]) {
			next++
		}
		body = ls[i+1 : next]
	} else {
		// After the block: take the paragraph already written.
		k := len(*out)
		for k > 0 && !blank((*out)[k-1]) {
			k--
		}
		if k == len(*out) {
			return nil, 0, false
		}
		body = append([]string(nil), (*out)[k:]...)
		*out = (*out)[:k]
	}
	if strings.HasPrefix(strings.TrimSpace(body[0]), ">") {
		for n := range body {
			body[n] = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(body[n]), ">"), " ")
		}
	}
	if titled && len(body) > 0 {
		title, body = body[0], body[1:]
	}
	if defaultTitle(title, base) || strings.EqualFold(title, alert) {
		title = ""
	}
	s.count("callout class")
	return callout("", alert, title, body), next, true
}
