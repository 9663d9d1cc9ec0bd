package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/content"
)

// frontMatter is a page's front matter with its keys in source order.
type frontMatter struct {
	keys []string
	vals map[string]any
}

func (f *frontMatter) get(key string) (any, bool) {
	if f == nil {
		return nil, false
	}
	v, ok := f.vals[key]
	return v, ok
}

// getFold finds a key ignoring case (Hugo's keys are case-insensitive).
func (f *frontMatter) getFold(key string) (string, any, bool) {
	if f == nil {
		return "", nil, false
	}
	for _, k := range f.keys {
		if strings.EqualFold(k, key) {
			return k, f.vals[k], true
		}
	}
	return "", nil, false
}

func (f *frontMatter) str(key string) string {
	v, _ := f.get(key)
	return scalarString(v)
}

func (f *frontMatter) del(key string) {
	if f == nil {
		return
	}
	if _, ok := f.vals[key]; !ok {
		return
	}
	delete(f.vals, key)
	for i, k := range f.keys {
		if k == key {
			f.keys = append(f.keys[:i:i], f.keys[i+1:]...)
			break
		}
	}
}

func (f *frontMatter) set(key string, v any) {
	if _, ok := f.vals[key]; !ok {
		f.keys = append(f.keys, key)
	}
	f.vals[key] = v
}

func newFrontMatter() *frontMatter { return &frontMatter{vals: map[string]any{}} }

// normalize makes file bytes safe to handle as text: BOM dropped, CRLF/CR
// → LF, invalid UTF-8 → U+FFFD.
func normalize(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return string(b)
}

type captured struct {
	format string
	data   []byte
}

func capture(format string) frontmatter.UnmarshalFunc {
	return func(data []byte, v any) error {
		c := v.(*captured)
		c.format, c.data = format, append([]byte(nil), data...)
		return nil
	}
}

// The front matter the four generators write: YAML between --- lines,
// TOML between +++ lines (Hugo), a JSON object (Hugo).
var fmFormats = []*frontmatter.Format{
	frontmatter.NewFormat("---", "---", capture("yaml")),
	frontmatter.NewFormat("+++", "+++", capture("toml")),
	{Start: "{", End: "}", Unmarshal: capture("json"), UnmarshalDelims: true, RequiresNewLine: true},
}

// splitFrontMatter separates front matter from the body. A front matter
// block that does not parse comes back as raw text with the reason, so
// that the page can keep it.
func splitFrontMatter(src string) (fm *frontMatter, body, raw, problem string) {
	var c captured
	rest, err := frontmatter.Parse(bufio.NewReader(strings.NewReader(src)), &c, fmFormats...)
	if err != nil || c.format == "" {
		return newFrontMatter(), src, "", ""
	}
	body = string(rest)
	fm, err = decodeFrontMatter(c.format, c.data)
	if err != nil {
		return newFrontMatter(), body, string(c.data), err.Error()
	}
	return fm, body, "", ""
}

func decodeFrontMatter(format string, data []byte) (*frontMatter, error) {
	fm := newFrontMatter()
	switch format {
	case "yaml":
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if len(doc.Content) == 0 {
			return fm, nil
		}
		m := doc.Content[0]
		if m.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("YAML: want key: value lines")
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			var v any
			if err := m.Content[i+1].Decode(&v); err != nil {
				return nil, fmt.Errorf("YAML: line %d: %v", m.Content[i+1].Line, err)
			}
			fm.set(m.Content[i].Value, v)
		}
	case "toml":
		var v map[string]any
		md, err := toml.Decode(string(data), &v)
		if err != nil {
			return nil, fmt.Errorf("TOML: %v", err)
		}
		for _, k := range md.Keys() {
			if len(k) == 1 {
				fm.set(k[0], v[k[0]])
			}
		}
	case "json":
		dec := json.NewDecoder(bytes.NewReader(data))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil, fmt.Errorf("JSON: want an object")
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, fmt.Errorf("JSON: %v", err)
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("JSON: %v", err)
			}
			fm.set(fmt.Sprint(t), v)
		}
	}
	return fm, nil
}

// meta is a page's kb front matter.
type meta struct {
	title, description, updated string
	tags, aliases               []string
	draft                       bool
	slug                        string
	// typ is kb's page type, set only where the section does not give it:
	// "faq" for an FAQ page outside faq/.
	typ   string
	extra *frontMatter // kept source keys
}

// kbKeys are the front-matter keys kb reads. A source key of one of these
// names that the import did not map is renamed <kind>_<key>, so that kb
// does not read it with another meaning (Hugo's type: docs is a layout).
var kbKeys = map[string]bool{
	"title": true, "description": true, "updated": true, "tags": true, "product": true,
	"draft": true, "slug": true, "aliases": true, "related": true, "type": true,
	"prerequisites": true, "errors": true, "lint": true, "version": true, "date": true,
	"features": true, "fixes": true, "known_issues": true,
}

// Keys read for updated, the most specific first, then the creation dates.
var (
	updatedKeys = []string{"last_modified_at", "lastmod", "last_modified", "modified", "updated", "last_update"}
	createdKeys = []string{"date", "publishdate", "pubdate"}
)

// mapMeta maps a page's source front matter to kb's keys. A source key
// whose value went into a kb key is removed; every other key is kept.
func (s *site) mapMeta(p *page) {
	f := p.fm
	m := &p.meta
	m.title = takeString(f, "title")
	m.description = takeString(f, "description")
	for _, keys := range [][]string{updatedKeys, createdKeys} {
		for _, k := range keys {
			name, v, ok := f.getFold(k)
			if !ok {
				continue
			}
			if d := dateOf(v); d != "" {
				if m.updated == "" {
					m.updated = d
				}
				if mv, ok := v.(map[string]any); ok && len(mv) > 1 {
					// Docusaurus' last_update: {date, author}: keep the author.
					rest := map[string]any{}
					for k, x := range mv {
						if k != "date" {
							rest[k] = x
						}
					}
					f.set(name, rest)
				} else {
					f.del(name)
				}
			}
		}
	}
	if m.updated == "" {
		m.updated = p.date
	}
	for _, k := range []string{"tags", "categories", "category"} {
		name, v, ok := f.getFold(k)
		if !ok {
			continue
		}
		if list, ok := tagList(v, s.kind == "jekyll"); ok {
			m.tags = appendUnique(m.tags, list...)
			f.del(name)
		}
	}
	for _, k := range []string{"redirect_from", "aliases"} {
		name, v, ok := f.getFold(k)
		if !ok {
			continue
		}
		if list, ok := stringList(v); ok {
			for _, a := range list {
				if !strings.HasPrefix(a, "/") && !strings.Contains(a, "://") && s.kind == "hugo" {
					// Hugo reads an alias without a leading slash relative to the page's folder.
					a = path.Join("/", path.Dir(p.src), a)
					a = strings.TrimPrefix(a, "/"+s.contentRoot)
				}
				m.aliases = append(m.aliases, a)
			}
			f.del(name)
		}
	}
	m.aliases = append(m.aliases, p.aliases...)
	if v, ok := f.get("draft"); ok {
		if b, ok := boolOf(v); ok {
			m.draft = b
			f.del("draft")
		}
	}
	if v, ok := f.get("published"); ok {
		if b, ok := v.(bool); ok {
			m.draft = m.draft || !b
			f.del("published")
		}
	}
	m.draft = m.draft || p.draft
	if sl := f.str("slug"); sl != "" && !strings.Contains(sl, "/") && content.Slugify(sl) != "" {
		m.slug = sl
		f.del("slug")
	}
	for _, k := range append([]string(nil), f.keys...) {
		if !kbKeys[k] {
			continue
		}
		v := f.vals[k]
		if (k == "prerequisites" || k == "errors") && isStringList(v) {
			continue
		}
		if k == "product" {
			if _, ok := v.(string); ok {
				continue
			}
		}
		f.del(k)
		f.set(s.kind+"_"+k, v)
	}
	m.extra = f
}

// takeString reads and removes a string key.
func takeString(f *frontMatter, key string) string {
	name, v, ok := f.getFold(key)
	if !ok {
		return ""
	}
	switch v := v.(type) {
	case string:
		f.del(name)
		return strings.TrimSpace(v)
	case int, int64, float64, bool:
		f.del(name)
		return fmt.Sprint(v)
	}
	return ""
}

func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int, int64, float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

var (
	dateRE   = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])`)
	usDateRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// dateOf reads a date in the forms the generators accept: YAML and TOML
// timestamps, "2026-01-15", "2026-01-15 10:00:00 +0100", RFC 3339,
// Docusaurus' last_update: {date: …} and its "1/15/2026".
func dateOf(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format(content.DateLayout)
	case map[string]any:
		return dateOf(v["date"])
	case string:
		s := strings.TrimSpace(v)
		if m := dateRE.FindStringSubmatch(s); m != nil {
			t, err := time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3])
			if err == nil {
				return t.Format(content.DateLayout)
			}
		}
		if m := usDateRE.FindStringSubmatch(s); m != nil {
			t, err := time.Parse("1/2/2006", s)
			if err == nil {
				return t.Format(content.DateLayout)
			}
		}
	}
	return ""
}

// tagList reads tags: a list of strings (or Docusaurus' {label: …}
// objects), or a string — comma-separated, or space-separated in Jekyll.
func tagList(v any, spaces bool) ([]string, bool) {
	switch v := v.(type) {
	case string:
		sep := ","
		if spaces && !strings.Contains(v, ",") {
			return strings.Fields(v), true
		}
		var out []string
		for _, t := range strings.Split(v, sep) {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
		return out, true
	case []any:
		var out []string
		for _, e := range v {
			switch e := e.(type) {
			case map[string]any:
				if l, ok := e["label"].(string); ok {
					out = append(out, l)
					continue
				}
				return nil, false
			default:
				s := scalarString(e)
				if s == "" {
					return nil, false
				}
				out = append(out, s)
			}
		}
		return out, true
	case nil:
		return nil, true
	}
	return nil, false
}

func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		var out []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	case nil:
		return nil, true
	}
	return nil, false
}

func isStringList(v any) bool {
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range l {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

func boolOf(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes":
			return true, true
		case "false", "no":
			return false, true
		}
	}
	return false, false
}

func appendUnique(list []string, add ...string) []string {
	for _, a := range add {
		a = strings.TrimSpace(a)
		dup := a == ""
		for _, l := range list {
			if strings.EqualFold(l, a) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, a)
		}
	}
	return list
}

// frontMatterYAML writes a page's kb front matter: kb's keys first, in the
// order README shows them, then the kept source keys in source order.
func frontMatterYAML(m *meta) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Tag: "!!str"} }
	list := func(l []string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range l {
			n.Content = append(n.Content, str(s))
		}
		return n
	}
	if m.title != "" {
		add("title", str(m.title))
	}
	if m.description != "" {
		add("description", str(m.description))
	}
	if m.updated != "" {
		add("updated", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: m.updated})
	}
	if len(m.tags) > 0 {
		add("tags", list(m.tags))
	}
	if m.draft {
		add("draft", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	if m.slug != "" {
		add("slug", str(m.slug))
	}
	if m.typ != "" {
		add("type", str(m.typ))
	}
	if len(m.aliases) > 0 {
		a := append([]string(nil), m.aliases...)
		sort.Strings(a)
		add("aliases", list(a))
	}
	if m.extra != nil {
		for _, k := range m.extra.keys {
			var n yaml.Node
			if err := n.Encode(m.extra.vals[k]); err != nil {
				return nil, fmt.Errorf("front matter %s: %v", k, err)
			}
			add(k, &n)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
