package importer

import (
	"bytes"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// output is the kb site's text files, by slash path from its root.
type output struct {
	files map[string][]byte
	// bodyLine is the file line each page's body starts on.
	bodyLine map[string]int
}

// output composes the pages and site.yaml.
func (s *site) output() *output {
	o := &output{files: map[string][]byte{}, bodyLine: map[string]int{}}
	for _, p := range s.pages {
		fm, err := frontMatterYAML(&p.meta)
		if err != nil {
			// A kept value YAML cannot write (none of the decoders make
			// one): leave the kept keys out rather than the page.
			p.meta.extra = nil
			fm, _ = frontMatterYAML(&p.meta)
		}
		var b bytes.Buffer
		b.WriteString("---\n")
		b.Write(fm)
		b.WriteString("---\n")
		o.bodyLine[p.out] = bytes.Count(b.Bytes(), []byte("\n")) + 1
		b.WriteString(p.text)
		o.files[p.out] = b.Bytes()
	}
	o.files["site.yaml"] = s.siteYAML()
	return o
}

// siteYAML writes site.yaml from the source's configuration.
func (s *site) siteYAML() []byte {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	c := s.cfg
	for _, kv := range [][2]string{{"title", c.Title}, {"description", c.Description}, {"base_url", c.BaseURL},
		{"language", c.Language}, {"copyright", c.Copyright}} {
		if strings.TrimSpace(kv[1]) != "" {
			add(doc, kv[0], str(strings.TrimSpace(kv[1])))
		}
	}
	secs := &yaml.Node{Kind: yaml.MappingNode}
	for _, name := range c.sortedSections() {
		sc := c.sections[name]
		if !s.secs[name] || (sc.Title == "" && sc.Description == "" && sc.Weight == 0) {
			continue
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		if sc.Title != "" {
			add(m, "title", str(sc.Title))
		}
		if sc.Description != "" {
			add(m, "description", str(sc.Description))
		}
		if sc.Weight != 0 {
			add(m, "weight", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(sc.Weight)})
		}
		add(secs, name, m)
	}
	if len(secs.Content) > 0 {
		add(doc, "sections", secs)
	}
	var b bytes.Buffer
	b.WriteString("# site.yaml, written by kb import from the " + kindName[s.kind] + " site's configuration.\n")
	b.WriteString("# Every key is described in kb's README, under \"site.yaml reference\".\n")
	if len(doc.Content) > 0 {
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		_ = enc.Encode(doc)
		_ = enc.Close()
	}
	return b.Bytes()
}

var kindName = map[string]string{"jekyll": "Jekyll", "hugo": "Hugo", "mkdocs": "MkDocs", "docusaurus": "Docusaurus"}
