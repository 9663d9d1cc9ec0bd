package importer

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/content"
)

// hugo reads a Hugo site: its configuration, content/ and static/.
type hugo struct {
	cfg        map[string]any
	permalinks map[string]string // section → pattern
	ugly       bool
	names      map[string]*page // see byName
}

var hugoConfigs = []string{
	"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
	"config.toml", "config.yaml", "config.yml", "config.json",
	"config/_default/hugo.toml", "config/_default/hugo.yaml", "config/_default/hugo.yml", "config/_default/hugo.json",
	"config/_default/config.toml", "config/_default/config.yaml", "config/_default/config.yml", "config/_default/config.json",
}

func (h *hugo) read(s *site) error {
	var name string
	for _, n := range hugoConfigs {
		data, err := fs.ReadFile(s.fsys, n)
		if err != nil {
			continue
		}
		name = n
		if err := decodeConfig(n, []byte(normalize(data)), &h.cfg); err != nil {
			return err
		}
		break
	}
	if name == "" {
		return &UsageError{"source " + s.opts.Src + " has no hugo.toml (or config.toml, hugo.yaml…); give the folder that holds a Hugo site's configuration"}
	}
	c := h.cfg
	s.cfg.Title = scalarString(ci(c, "title"))
	s.cfg.BaseURL = scalarString(ci(c, "baseURL"))
	s.cfg.basePath = urlPath(s.cfg.BaseURL)
	s.cfg.Copyright = stripTags(scalarString(ci(c, "copyright")))
	s.cfg.Language = scalarString(ci(c, "languageCode"))
	if s.cfg.Language == "" {
		s.cfg.Language = scalarString(ci(c, "defaultContentLanguage"))
	}
	if params, ok := ci(c, "params").(map[string]any); ok {
		s.cfg.Description = scalarString(ci(params, "description"))
	}
	if s.cfg.Description == "" {
		s.cfg.Description = scalarString(ci(c, "description"))
	}
	h.ugly, _ = ci(c, "uglyURLs").(bool)
	s.idScheme = hugoHeadingIDs(c)
	h.permalinks = map[string]string{}
	if pl, ok := ci(c, "permalinks").(map[string]any); ok {
		for k, v := range pl {
			if sub, ok := v.(map[string]any); ok && strings.EqualFold(k, "page") {
				for k2, v2 := range sub {
					h.permalinks[strings.ToLower(k2)] = scalarString(v2)
				}
			} else if str := scalarString(v); str != "" {
				h.permalinks[strings.ToLower(k)] = str
			}
		}
	}
	contentDir := scalarString(ci(c, "contentDir"))
	if contentDir == "" {
		contentDir = "content"
	}
	contentDir = path.Clean(contentDir)
	s.contentRoot = contentDir
	var staticDirs []string
	switch v := ci(c, "staticDir").(type) {
	case string:
		staticDirs = []string{v}
	case []any:
		for _, e := range v {
			staticDirs = append(staticDirs, scalarString(e))
		}
	}
	if len(staticDirs) == 0 {
		staticDirs = []string{"static"}
	}

	if err := h.readContent(s, contentDir); err != nil {
		return err
	}
	for _, dir := range staticDirs {
		dir = path.Clean(dir)
		err := s.walk(dir, func(p string, d bool) bool { return hidden(p) }, func(p string) {
			r := rel(dir, p)
			s.addFile(p, r, "/"+r)
		})
		if err != nil {
			return err
		}
	}
	for dir, why := range map[string]string{
		"layouts":    "Hugo templates; kb has its own theme (override layouts/ in the kb site to change it)",
		"themes":     "Hugo themes; kb has its own theme",
		"archetypes": "page templates for hugo new; kb new has its own (override layouts/new/)",
		"assets":     "files Hugo Pipes processes for templates; kb has its own theme (copy images pages use into static/)",
		"data":       "data files for templates; kb pages cannot read them",
		"i18n":       "translation strings for templates; kb has its own theme",
		"resources":  "Hugo's generated resources cache",
	} {
		s.skipDir(s.fsys, dir, why)
	}
	return nil
}

// hugoHeadingIDs is how the site's Markdown renderer made heading IDs:
// goldmark's autoHeadingIDType, or blackfriday when that is the
// renderer (Hugo before 0.60, or defaultMarkdownHandler: blackfriday).
func hugoHeadingIDs(c map[string]any) *idScheme {
	markup, _ := ci(c, "markup").(map[string]any)
	if strings.EqualFold(scalarString(ci(markup, "defaultMarkdownHandler")), "blackfriday") {
		return hugoIDs("blackfriday")
	}
	gm, _ := ci(markup, "goldmark").(map[string]any)
	parser, _ := ci(gm, "parser").(map[string]any)
	return hugoIDs(scalarString(ci(parser, "autoHeadingIDType")))
}

// decodeConfig reads a TOML, YAML or JSON configuration into a map.
func decodeConfig(name string, data []byte, v *map[string]any) error {
	var err error
	switch path.Ext(name) {
	case ".toml":
		_, err = toml.Decode(string(data), v)
		if err != nil {
			var perr toml.ParseError
			if ok := asParseError(err, &perr); ok {
				return inputError(name, perr.Position.Line, perr.Message)
			}
		}
	case ".json":
		err = json.Unmarshal(data, v)
	default:
		if err = yaml.Unmarshal(data, v); err != nil {
			return yamlError(name, err)
		}
	}
	if err != nil {
		return inputError(name, 0, err.Error())
	}
	return nil
}

func asParseError(err error, pe *toml.ParseError) bool {
	e, ok := err.(toml.ParseError)
	if ok {
		*pe = e
	}
	return ok
}

// ci reads a map key ignoring case, as Hugo does.
func ci(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

var contentFormats = map[string]string{".html": "HTML", ".htm": "HTML", ".adoc": "AsciiDoc", ".asciidoc": "AsciiDoc",
	".org": "Org", ".rst": "reStructuredText", ".pandoc": "Pandoc", ".pdc": "Pandoc"}

func (h *hugo) readContent(s *site, root string) error {
	var sections []*page
	err := s.walk(root, func(p string, dir bool) bool { return hidden(p) }, func(p string) {
		r := rel(root, p)
		dir, file := path.Split(r)
		dir = strings.TrimSuffix(dir, "/")
		ext := strings.ToLower(path.Ext(file))
		stem := strings.TrimSuffix(file, path.Ext(file))
		switch {
		case isPageFile(p):
			name := stem
			if stem == "_index" {
				name = "index"
			}
			pg, err := s.addPage(p, dir, name)
			if err != nil {
				return
			}
			if stem == "_index" {
				sections = append(sections, pg)
			}
			h.placePage(s, pg, dir, stem)
		case contentFormats[ext] != "":
			s.skipFile(p, contentFormats[ext]+" content; kb reads Markdown only (convert it to Markdown and add it by hand)")
		default:
			// Page resources and other files are published beside the pages.
			s.addFile(p, r, "/"+r)
		}
	})
	// A section's _index.md names its section; with no text of its own
	// it is not a page.
	for _, p := range sections {
		if p.dir != "" && !strings.Contains(p.dir, "/") {
			sc := s.cfg.section(sectionFor(p.dir))
			if t := p.fm.str("title"); t != "" {
				sc.Title = t
			}
			sc.Description = p.fm.str("description")
			if w, ok := p.fm.vals["weight"]; ok {
				fmt.Sscan(scalarString(w), &sc.Weight)
			}
		} else if p.dir == "" && s.cfg.Description == "" {
			s.cfg.Description = p.fm.str("description")
		}
		if blank(p.body) {
			s.dropPage(p)
			s.count("section page (_index.md)")
		}
	}
	return err
}

// dropPage removes a page that turned out not to be one.
func (s *site) dropPage(p *page) {
	for i, q := range s.pages {
		if q == p {
			s.pages = append(s.pages[:i], s.pages[i+1:]...)
			return
		}
	}
}

// placePage works out the URL Hugo published a page at: url, else the
// section's permalink pattern, else /<dir>/<slug or file name>/.
func (h *hugo) placePage(s *site, p *page, dir, stem string) {
	p.keys = append(p.keys, "ref:"+join(dir, stem))
	if u := p.fm.str("url"); u != "" {
		p.fm.del("url")
		p.old = []string{"/" + strings.TrimLeft(u, "/")}
		return
	}
	section := strings.SplitN(dir, "/", 2)[0]
	slug := p.fm.str("slug")
	name := stem
	bundle := stem == "index" || stem == "_index"
	if bundle {
		name = path.Base(dir)
	}
	if pat := h.permalinks[strings.ToLower(section)]; pat != "" && dir != "" && stem != "_index" {
		date := dateOf(p.fm.vals["date"])
		if date == "" {
			date = "0001-01-01"
		}
		title := p.fm.str("title")
		r := strings.NewReplacer(
			":year", date[:4], ":month", date[5:7], ":day", date[8:10],
			":sections", dir, ":section", section,
			":slugorfilename", firstNonEmpty(slug, name), ":slugorcontentbasename", firstNonEmpty(slug, name),
			":slug", firstNonEmpty(slug, content.Slugify(title), name),
			":title", firstNonEmpty(content.Slugify(title), name),
			":filename", name, ":contentbasename", name,
		)
		p.old = []string{strings.ToLower(r.Replace(pat))}
		return
	}
	u := "/" + dir
	if !bundle {
		u = "/" + join(dir, firstNonEmpty(slug, name))
	} else if slug != "" && dir != "" {
		u = "/" + join(path.Dir(dir), slug)
	}
	u = strings.ToLower(u)
	if h.ugly && !bundle {
		p.old = []string{u + ".html"}
	} else {
		p.old = []string{strings.TrimSuffix(u, "/") + "/"}
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Shortcodes.

// scToken is a piece of a Hugo page: text or a shortcode tag.
type scToken struct {
	text    string // the tag or text as written
	name    string // shortcode name; "" for text
	args    string
	closing bool // {{< /name >}}
	self    bool // {{< name />}}
}

var shortcodeRE = regexp.MustCompile(`(?s)\{\{([<%])(/\*)?\s*(/?)\s*([\w./-]+)(.*?)\s*(\*/)?(/?)\s*([>%])\}\}`)

func tokenize(text string) []scToken {
	var toks []scToken
	last := 0
	for _, m := range shortcodeRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > last {
			toks = append(toks, scToken{text: text[last:m[0]]})
		}
		tag := text[m[0]:m[1]]
		sub := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		if sub(2) != "" {
			// {{</* x */>}} is how a page shows a shortcode literally.
			toks = append(toks, scToken{text: "{{" + sub(1) + " " + strings.TrimSpace(text[m[5]:m[12]]) + " " + sub(8) + "}}", name: ""})
		} else {
			toks = append(toks, scToken{text: tag, name: sub(4), args: strings.TrimSpace(sub(5)), closing: sub(3) == "/", self: sub(7) == "/"})
		}
		last = m[1]
	}
	if last < len(text) {
		toks = append(toks, scToken{text: text[last:]})
	}
	return toks
}

// scNode is a shortcode with its inner content.
type scNode struct {
	tok      scToken
	children []any // string or *scNode
	closeTag string
	paired   bool
}

// parseShortcodes builds the tree: a shortcode is paired when a closing
// tag of its name follows at the same depth.
func parseShortcodes(toks []scToken, i int, until string) ([]any, int) {
	var out []any
	for i < len(toks) {
		t := toks[i]
		switch {
		case t.name == "":
			out = append(out, t.text)
			i++
		case t.closing:
			if t.name == until {
				return out, i + 1
			}
			out = append(out, t.text) // a stray closing tag
			i++
		default:
			n := &scNode{tok: t}
			if !t.self && hasClose(toks, i) {
				var next int
				n.children, next = parseShortcodes(toks, i+1, t.name)
				n.paired = true
				n.closeTag = toks[next-1].text
				i = next
			} else {
				i++
			}
			out = append(out, n)
		}
	}
	return out, i
}

func hasClose(toks []scToken, i int) bool {
	name, depth := toks[i].name, 0
	for _, t := range toks[i+1:] {
		if t.name != name {
			continue
		}
		if t.closing {
			if depth == 0 {
				return true
			}
			depth--
		} else if !t.self {
			depth++
		}
	}
	return false
}

func (h *hugo) convert(s *site, p *page) string {
	nodes, _ := parseShortcodes(tokenize(p.body), 0, "")
	return h.render(s, p, nodes, &tabState{})
}

type tabState struct {
	items []string
	n     int
}

// render writes a shortcode tree as kb Markdown.
func (h *hugo) render(s *site, p *page, nodes []any, tabs *tabState) string {
	var b strings.Builder
	for _, n := range nodes {
		switch n := n.(type) {
		case string:
			b.WriteString(n)
		case *scNode:
			b.WriteString(h.shortcode(s, p, n, &b, tabs))
		}
	}
	return b.String()
}

// indentBefore is the whitespace that starts the current line of b, when
// nothing else does: the indent a block shortcode inside a list keeps.
func indentBefore(b *strings.Builder) (string, bool) {
	text := b.String()
	line := text[strings.LastIndex(text, "\n")+1:]
	return line, strings.TrimSpace(line) == ""
}

func (h *hugo) inner(s *site, p *page, n *scNode, tabs *tabState) []string {
	text := h.render(s, p, n.children, tabs)
	ls := trimBlank(lines(text))
	return dedent(ls, minIndent(ls))
}

func (h *hugo) shortcode(s *site, p *page, n *scNode, b *strings.Builder, tabs *tabState) string {
	args := parseAttrs(n.tok.args)
	pos := func(i int) string {
		k := 0
		for _, a := range args {
			if a.key == "" {
				if k == i {
					return a.val
				}
				k++
			}
		}
		return ""
	}
	named := func(keys ...string) string {
		for _, k := range keys {
			for _, a := range args {
				if strings.EqualFold(a.key, k) {
					return a.val
				}
			}
		}
		return ""
	}
	blockOut := func(ls []string) string {
		indent, alone := indentBefore(b)
		if !alone {
			indent = ""
		}
		for i := range ls {
			if i > 0 && ls[i] != "" {
				ls[i] = indent + ls[i]
			}
		}
		prefix := "\n"
		if alone {
			prefix = ""
		}
		return prefix + strings.Join(ls, "\n") + "\n"
	}
	leave := func() string {
		if !n.paired {
			return n.tok.text
		}
		return n.tok.text + h.render(s, p, n.children, tabs) + n.closeTag
	}
	name := strings.ToLower(n.tok.name)
	switch name {
	case "ref", "relref":
		target := firstNonEmpty(named("path"), pos(0))
		if u, ok := h.ref(s, p, target); ok {
			s.count("ref shortcode")
			return u
		}
		return leave()
	case "figure":
		src := named("src")
		if src == "" {
			return leave()
		}
		alt := firstNonEmpty(named("alt"), named("caption"), named("title"))
		img := "![" + escapeBrackets(stripTags(alt)) + "](" + linkDest(src)
		if t := named("title"); t != "" {
			img += ` "` + strings.ReplaceAll(t, `"`, `\"`) + `"`
		}
		img += ")"
		if l := named("link"); l != "" {
			img = "[" + img + "](" + linkDest(l) + ")"
		}
		if c := named("caption"); c != "" && c != alt {
			img += "\n\n*" + strings.TrimSpace(c) + "*"
		}
		s.count("figure shortcode")
		return img
	case "highlight":
		if !n.paired {
			return leave()
		}
		code := strings.Trim(h.render(s, p, n.children, tabs), "\n")
		s.count("highlight shortcode")
		return blockOut([]string{"```" + pos(0), code, "```"})
	case "comment":
		s.count("comment shortcode")
		return "<!--" + strings.ReplaceAll(h.render(s, p, n.children, tabs), "--", "- -") + "-->"
	case "param":
		key := pos(0)
		if v := scalarString(ciAny(p.orig, key)); v != "" {
			s.count("param shortcode")
			return v
		}
		if params, ok := ci(h.cfg, "params").(map[string]any); ok {
			if v := scalarString(ci(params, key)); v != "" {
				s.count("param shortcode")
				return v
			}
		}
		return leave()
	case "tabs", "tabpane":
		if !n.paired {
			return leave()
		}
		inner := &tabState{}
		if items := named("items"); items != "" {
			for _, it := range strings.Split(items, ",") {
				inner.items = append(inner.items, strings.TrimSpace(it))
			}
		}
		s.count("tabs")
		return blockOut(trimBlank(lines(h.render(s, p, n.children, inner))))
	case "tab":
		if !n.paired {
			return leave()
		}
		label := firstNonEmpty(named("header", "name", "title", "label"), pos(0))
		if label == "" && tabs.n < len(tabs.items) {
			label = tabs.items[tabs.n]
		}
		tabs.n++
		out := []string{"**" + strings.ReplaceAll(label, "*", `\*`) + "**", ""}
		out = append(out, h.inner(s, p, n, tabs)...)
		return blockOut(append([]string{""}, append(out, "")...))
	}
	// Notes: Hugo's documentation theme, Docsy's alert, the Learn
	// theme's notice, Book's hint, and the callout and admonition
	// shortcodes of other themes.
	var typ, title string
	switch name {
	case "note", "tip", "warning", "caution", "important", "info", "danger":
		typ, title = name, named("title")
	case "alert":
		typ, title = firstNonEmpty(named("color"), named("type"), "info"), named("title")
	case "notice":
		typ, title = firstNonEmpty(pos(0), "note"), firstNonEmpty(pos(1), named("title"))
	case "hint":
		typ, title = firstNonEmpty(pos(0), "info"), named("title")
	case "callout", "admonition":
		typ, title = firstNonEmpty(named("type"), pos(0), "note"), firstNonEmpty(named("title"), pos(1))
	default:
		return leave()
	}
	if !n.paired {
		return leave()
	}
	alert, ok := alertFor(typ, false)
	if !ok {
		alert = "NOTE"
	}
	if defaultTitle(title, typ) {
		title = ""
	}
	s.count("note shortcode")
	return blockOut(append(callout("", alert, title, h.inner(s, p, n, tabs)), ""))
}

func ciAny(m map[string]any, key string) any {
	if m == nil {
		return nil
	}
	return ci(m, key)
}

// ref resolves {{< ref "x" >}}: a path from content/ when it starts with
// "/", else from the page's folder, else a unique file name anywhere;
// with or without ".md"; "#anchor" alone is the page itself.
func (h *hugo) ref(s *site, from *page, target string) (string, bool) {
	target = strings.TrimSpace(target)
	if target == "" {
		return "", false
	}
	pth, frag := target, ""
	if i := strings.IndexByte(pth, '#'); i >= 0 {
		pth, frag = pth[:i], pth[i:]
	}
	if pth == "" {
		return frag, true // the link pass maps the ID
	}
	var cands []string
	stem := strings.TrimSuffix(pth, path.Ext(pth))
	if !isPageFile(pth) {
		stem = strings.TrimSuffix(pth, "/")
	}
	if strings.HasPrefix(stem, "/") {
		cands = append(cands, strings.TrimPrefix(stem, "/"))
	} else {
		cands = append(cands, path.Join(path.Dir(rel(s.contentRoot, from.src)), stem), stem)
	}
	for _, c := range cands {
		for _, suffix := range []string{"", "/index", "/_index"} {
			if q := s.byKey["ref:"+path.Clean(c)+suffix]; q != nil {
				return q.url + frag, true
			}
		}
	}
	// A bare file name that is unique in the site.
	if !strings.Contains(stem, "/") {
		if q := h.byName(s)[path.Base(stem)]; q != nil {
			return q.url + frag, true
		}
	}
	return "", false
}

// byName maps each page file name (without extension) to its page, or to
// nil when two pages share it.
func (h *hugo) byName(s *site) map[string]*page {
	if h.names == nil {
		h.names = map[string]*page{}
		seen := map[string]bool{}
		for _, q := range s.pages {
			n := strings.TrimSuffix(path.Base(q.src), path.Ext(q.src))
			if seen[n] {
				h.names[n] = nil
				continue
			}
			seen[n] = true
			h.names[n] = q
		}
	}
	return h.names
}

// linkDest writes a URL as a Markdown link destination.
func linkDest(u string) string {
	if strings.ContainsAny(u, " ()<>") {
		return "<" + u + ">"
	}
	return u
}

func escapeBrackets(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}
