package importer

import (
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// mkdocs reads an MkDocs site: mkdocs.yml and the pages and files of its
// docs_dir (Material for MkDocs' extensions included).
type mkdocs struct {
	dirURLs bool // use_directory_urls
	// extra holds the scalar values of mkdocs.yml's extra:, which the
	// macros plugin gives pages as variables.
	extra map[string]string
}

func (m *mkdocs) read(s *site) error {
	name := "mkdocs.yml"
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		name = "mkdocs.yaml"
		if data, err = fs.ReadFile(s.fsys, name); err != nil {
			return &UsageError{"source " + s.opts.Src + " has no mkdocs.yml; give the folder that holds an MkDocs site's mkdocs.yml"}
		}
	}
	// Decoding to a node tolerates the !!python/name tags Material's
	// configuration uses.
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(normalize(data)), &doc); err != nil {
		return yamlError(name, err)
	}
	cfg := yamlMap(&doc)
	s.cfg.Title = yamlStr(cfg["site_name"])
	s.cfg.Description = yamlStr(cfg["site_description"])
	s.cfg.Copyright = stripTags(yamlStr(cfg["copyright"]))
	s.cfg.BaseURL = yamlStr(cfg["site_url"])
	s.cfg.basePath = urlPath(s.cfg.BaseURL)
	if theme := yamlMap(cfg["theme"]); theme != nil {
		s.cfg.Language = yamlStr(theme["language"])
	}
	m.dirURLs = yamlStr(cfg["use_directory_urls"]) != "false"
	s.idScheme = mkdocsHeadingIDs(cfg["markdown_extensions"])
	docs := yamlStr(cfg["docs_dir"])
	if docs == "" {
		docs = "docs"
	}
	docs = path.Clean(strings.TrimPrefix(docs, "./"))
	s.contentRoot = docs
	// The theme's template overrides are not content, even in docs_dir.
	customDir := ""
	if t := yamlMap(cfg["theme"]); t != nil {
		if d := yamlStr(t["custom_dir"]); d != "" {
			customDir = path.Clean(strings.TrimPrefix(d, "./"))
			s.skipDir(s.fsys, customDir, "the theme's template overrides (theme.custom_dir); kb has its own theme (override layouts/ in the kb site)")
		}
	}
	theme := map[string]bool{}
	for _, k := range []string{"extra_css", "extra_javascript"} {
		if n := cfg[k]; n != nil && n.Kind == yaml.SequenceNode {
			for _, e := range n.Content {
				theme[path.Join(docs, yamlStr(e))] = true
			}
		}
	}

	err = s.walk(docs, func(p string, dir bool) bool { return hidden(p) || p == customDir }, func(p string) {
		r := rel(docs, p)
		switch {
		case theme[p]:
			s.skipFile(p, "extra_css or extra_javascript of the MkDocs theme; kb has its own theme (override static/css/ to restyle it)")
		case isPageFile(p):
			dir, file := path.Split(r)
			name := strings.TrimSuffix(file, path.Ext(file))
			if strings.EqualFold(name, "readme") {
				if _, err := fs.Stat(s.fsys, path.Join(docs, dir, "index.md")); err != nil {
					name = "index"
				}
			}
			pg, err := s.addPage(p, strings.TrimSuffix(dir, "/"), name)
			if err != nil {
				return
			}
			pg.old = []string{m.pageURL(strings.TrimSuffix(dir, "/"), name)}
		default:
			s.addFile(p, r, "/"+r)
		}
	})
	if err != nil {
		return err
	}
	m.nav(s, cfg["nav"], docs)
	m.redirects(s, cfg["plugins"], docs)
	if hasPlugin(cfg["plugins"], "macros") {
		s.templates = "jinja"
		m.extra = map[string]string{}
		for k, v := range yamlMap(cfg["extra"]) {
			if v.Kind == yaml.ScalarNode {
				m.extra[k] = v.Value
			}
		}
	}
	return nil
}

// hasPlugin reports whether mkdocs.yml's plugins list (or map) has name.
func hasPlugin(plugins *yaml.Node, name string) bool {
	if plugins == nil {
		return false
	}
	if plugins.Kind == yaml.MappingNode {
		return yamlMap(plugins)[name] != nil
	}
	for _, it := range plugins.Content {
		if it.Kind == yaml.ScalarNode && it.Value == name || yamlMap(it)[name] != nil {
			return true
		}
	}
	return false
}

// jinjaRE matches what MkDocs' macros plugin renders in a page: a raw
// block, a comment, a variable or a tag.
var jinjaRE = regexp.MustCompile(`(?s)\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}|\{#(.*?)#\}|\{\{-?\s*(.*?)\s*-?\}\}|\{%-?\s*\w+.*?-?%\}`)

// jinja converts what the macros plugin would have rendered where kb has
// an equivalent — raw blocks become their text, comments HTML comments,
// variables of extra: (also as config.extra.x) and of the page's front
// matter (page.meta.x) their values — and leaves the rest, for the report.
func (m *mkdocs) jinja(s *site, p *page, text string) string {
	var b strings.Builder
	last := 0
	for _, at := range jinjaRE.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(text[last:at[0]])
		last = at[1]
		whole := text[at[0]:at[1]]
		switch {
		case at[2] >= 0: // {% raw %}…{% endraw %}
			s.count("macros raw")
			b.WriteString(text[at[2]:at[3]])
			continue
		case at[4] >= 0: // {# … #}
			s.count("macros comment")
			b.WriteString("<!--" + strings.ReplaceAll(text[at[4]:at[5]], "--", "- -") + "-->")
			continue
		case at[6] >= 0: // {{ … }}
			if v, ok := m.variable(p, text[at[6]:at[7]]); ok {
				s.count("macros variable")
				b.WriteString(v)
				continue
			}
		}
		p.leftover = append(p.leftover, whole)
		b.WriteString(whole)
	}
	b.WriteString(text[last:])
	return b.String()
}

// variable is the value of a macros variable kb knows: a scalar of
// extra:, or of the page's front matter.
func (m *mkdocs) variable(p *page, name string) (string, bool) {
	if v, ok := m.extra[strings.TrimPrefix(name, "config.extra.")]; ok {
		return v, true
	}
	if k, ok := strings.CutPrefix(name, "page.meta."); ok {
		switch v := p.orig[k].(type) {
		case string:
			return v, true
		case int, float64, bool:
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

// mkdocsHeadingIDs is how Python-Markdown's toc extension made heading
// IDs, from its slugify and separator options. A slugify of another
// package (pymdownx.slugs) is taken to make GitHub-like IDs, as kb does.
func mkdocsHeadingIDs(exts *yaml.Node) *idScheme {
	var toc map[string]*yaml.Node
	if exts != nil {
		switch exts.Kind {
		case yaml.SequenceNode:
			for _, e := range exts.Content {
				if t := yamlMap(e)["toc"]; t != nil {
					toc = yamlMap(t)
				}
			}
		case yaml.MappingNode:
			toc = yamlMap(yamlMap(exts)["toc"])
		}
	}
	unicodeSlug := false
	if sl := toc["slugify"]; sl != nil {
		name := sl.Tag + " " + sl.Value
		switch {
		case strings.Contains(name, "slugify_unicode"):
			unicodeSlug = true
		case strings.Contains(name, "markdown.extensions.toc.slugify"):
		default:
			return nil
		}
	}
	return mkdocsIDs(unicodeSlug, yamlStr(toc["separator"]))
}

// pageURL is where MkDocs publishes docs_dir/<dir>/<name>.md.
func (m *mkdocs) pageURL(dir, name string) string {
	u := "/" + join(dir, name)
	if name == "index" {
		u = "/" + join(dir)
		if !m.dirURLs {
			return strings.TrimSuffix(u, "/") + "/index.html"
		}
		return strings.TrimSuffix(u, "/") + "/"
	}
	if !m.dirURLs {
		return u + ".html"
	}
	return u + "/"
}

// nav reads titles from the nav: a page's nav title is its fallback
// title; a top-level nav section whose pages share a folder names that
// kb section and gives its order.
func (m *mkdocs) nav(s *site, n *yaml.Node, docs string) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	byPath := map[string]*page{}
	for _, p := range s.pages {
		byPath[rel(docs, p.src)] = p
	}
	var visit func(items *yaml.Node) []string
	visit = func(items *yaml.Node) []string {
		var files []string
		for _, it := range items.Content {
			switch it.Kind {
			case yaml.ScalarNode:
				files = append(files, it.Value)
			case yaml.MappingNode:
				for i := 0; i+1 < len(it.Content); i += 2 {
					title, v := it.Content[i].Value, it.Content[i+1]
					if v.Kind == yaml.ScalarNode {
						if p := byPath[v.Value]; p != nil {
							p.navTitle = title
						}
						files = append(files, v.Value)
					} else if v.Kind == yaml.SequenceNode {
						files = append(files, visit(v)...)
					}
				}
			}
		}
		return files
	}
	weight := 0
	for _, it := range n.Content {
		weight++
		if it.Kind != yaml.MappingNode || len(it.Content) < 2 {
			visit(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{it}})
			continue
		}
		title, v := it.Content[0].Value, it.Content[1]
		files := visit(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{it}})
		if v.Kind != yaml.SequenceNode {
			continue
		}
		if folder := commonFolder(files); folder != "" {
			sc := s.cfg.section(sectionFor(folder))
			if sc.Title == "" {
				sc.Title, sc.Weight = title, weight
			}
		}
	}
}

// commonFolder is the first folder all of files (docs_dir paths) share.
func commonFolder(files []string) string {
	folder := ""
	for _, f := range files {
		if strings.Contains(f, "://") {
			continue
		}
		seg := strings.SplitN(f, "/", 2)
		if len(seg) < 2 {
			return ""
		}
		if folder != "" && seg[0] != folder {
			return ""
		}
		folder = seg[0]
	}
	return folder
}

// redirects reads the mkdocs-redirects plugin's redirect_maps: each old
// page becomes an alias of its new page.
func (m *mkdocs) redirects(s *site, plugins *yaml.Node, docs string) {
	if plugins == nil {
		return
	}
	var maps *yaml.Node
	for _, it := range plugins.Content {
		if r := yamlMap(it)["redirects"]; r != nil {
			maps = yamlMap(r)["redirect_maps"]
		}
	}
	if plugins.Kind == yaml.MappingNode {
		if r := yamlMap(plugins)["redirects"]; r != nil {
			maps = yamlMap(r)["redirect_maps"]
		}
	}
	if maps == nil || maps.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(maps.Content); i += 2 {
		from, to := maps.Content[i].Value, maps.Content[i+1].Value
		target := s.pageBySrc(path.Join(docs, to))
		if target == nil {
			continue
		}
		dir, file := path.Split(from)
		name := strings.TrimSuffix(file, path.Ext(file))
		target.aliases = append(target.aliases, m.pageURL(strings.TrimSuffix(dir, "/"), name))
		s.count("redirect (mkdocs-redirects)")
	}
}

// pageBySrc finds a page by source path before finish indexes them.
func (s *site) pageBySrc(src string) *page {
	for _, p := range s.pages {
		if p.src == src {
			return p
		}
	}
	return nil
}

var (
	admonitionRE = regexp.MustCompile(`^([ \t]*)(!!!|\?\?\?\+?)[ \t]+([\w-]+)((?:[ \t]+[\w-]+)*)(?:[ \t]+"(.*)")?[ \t]*$`)
	mkTabRE      = regexp.MustCompile(`^([ \t]*)===[!+]?[ \t]+"(.*)"[ \t]*$`)
	tocRE        = regexp.MustCompile(`^[ \t]*\[TOC\][ \t]*$`)
	buttonRE     = regexp.MustCompile(`(\]\([^)]*\))\{[ \t]*\.md-button(?:[ \t]+\.md-button--primary)?[ \t]*\}`)
)

func (m *mkdocs) convert(s *site, p *page) string {
	body := p.body
	if s.templates == "jinja" {
		body = m.jinja(s, p, body)
	}
	return unlines(m.blocks(s, lines(body)))
}

// blocks converts admonitions and content tabs, whose bodies are indented
// by four spaces, recursively.
func (m *mkdocs) blocks(s *site, ls []string) []string {
	var out []string
	var f fences
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if f.code(l) {
			out = append(out, l)
			continue
		}
		if a := admonitionRE.FindStringSubmatch(l); a != nil {
			indent := indentOf(a[1])
			body, next := indented(ls, i+1, indent+4)
			alert, ok := alertFor(a[3], true)
			title := a[5]
			if !ok {
				// A custom type: Material shows its name as the title.
				alert = "NOTE"
				if !strings.Contains(l, `"`) {
					title = humanize(a[3])
				}
			} else if defaultTitle(title, a[3]) {
				title = ""
			}
			inner := m.blocks(s, dedent(body, indent+4))
			out = block(out, callout(a[1], alert, title, inner)...)
			if a[2] == "!!!" {
				s.count("admonition")
			} else {
				s.count("collapsible admonition")
			}
			i = next - 1
			continue
		}
		if t := mkTabRE.FindStringSubmatch(l); t != nil {
			indent := indentOf(t[1])
			body, next := indented(ls, i+1, indent+4)
			out = block(out, t[1]+"**"+strings.ReplaceAll(t[2], "*", `\*`)+"**")
			out = append(out, m.blocks(s, trimBlank(dedent(body, indent+4)))...)
			out = append(out, "")
			s.count("content tab")
			i = next - 1
			continue
		}
		if tocRE.MatchString(l) {
			s.count("table of contents marker")
			continue
		}
		if buttonRE.MatchString(l) {
			l = codeSpans(l, func(t string) string {
				n := len(buttonRE.FindAllString(t, -1))
				for range n {
					s.count("button link")
				}
				return buttonRE.ReplaceAllString(t, "$1")
			})
		}
		out = append(out, l)
	}
	return out
}

// indented collects the lines from i on that are blank or indented at
// least n columns; it returns them and the index of the first line after.
func indented(ls []string, i, n int) ([]string, int) {
	j := i
	for j < len(ls) && (blank(ls[j]) || indentOf(ls[j]) >= n) {
		j++
	}
	// Trailing blank lines belong to what follows.
	for j > i && blank(ls[j-1]) {
		j--
	}
	return ls[i:j], j
}

// YAML helpers for configurations read as nodes.

func yamlMap(n *yaml.Node) map[string]*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1]
	}
	return m
}

func yamlStr(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimPrefix(msg, m[0])
	}
	return inputError(file, line, msg)
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): `)

// urlPath is the path of a site URL without its trailing slash ("" for "/").
func urlPath(u string) string {
	if u == "" {
		return ""
	}
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(pu.Path, "/")
}

var htmlTagRE = regexp.MustCompile(`<[^>]+>`)

// stripTags removes HTML tags from a configuration value (MkDocs'
// copyright often holds a link).
func stripTags(s string) string {
	return strings.TrimSpace(html.UnescapeString(htmlTagRE.ReplaceAllString(s, "")))
}
