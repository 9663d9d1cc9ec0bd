package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/suggest"
)

// checkKeys walks site.yaml's mapping against the Config type before it is
// decoded, so that a problem reads like kb's other messages: an unknown
// key with its path and the nearest known one ("baseurl": did you mean
// "base_url"?), and a value of the wrong kind named in words ("feeds.limit:
// want a whole number, got text "fifty""), each at its line. yaml.v3's own
// errors ("cannot unmarshal !!str") remain only as a backstop.
func checkKeys(file string, n *yaml.Node, t reflect.Type, prefix string, errs *diag.List) {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		return // Duration, Jargon, Synonym check their own values
	}
	at := func(format string, args ...any) {
		*errs = append(*errs, diag.At(file, n.Line, format, args...))
	}
	name := prefix
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			at("%s: want a set of keys, got %s", name, kindOf(n))
			return
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			fields[tag] = f.Type
			names = append(names, tag)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			path := join(prefix, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("unknown key %q", path)
				if s := suggest.Closest(k.Value, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", join(prefix, s))
				}
				*errs = append(*errs, diag.At(file, k.Line, "%s (see the site.yaml reference in README.md)", msg))
				continue
			}
			checkKeys(file, v, ft, path, errs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			at("%s: want a set of keys, got %s", name, kindOf(n))
			return
		}
		if t.Elem().Kind() == reflect.Interface {
			return // params: anything goes
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkKeys(file, n.Content[i+1], t.Elem(), join(prefix, n.Content[i].Value), errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			at("%s: want a list, like [a, b], got %s", name, kindOf(n))
			return
		}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode && t.Elem().Kind() == reflect.String {
				*errs = append(*errs, diag.At(file, c.Line, "%s: each entry must be text, got %s", name, kindOf(c)))
				return
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			at("%s: want text, got %s", name, kindOf(n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			at("%s: want true or false, got %s", name, kindOf(n))
		}
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			at("%s: want a whole number, got %s", name, kindOf(n))
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" && n.Tag != "!!float" {
			at("%s: want a number, got %s", name, kindOf(n))
		}
	}
}

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// kindOf names what a YAML value is, in words, with a scalar's text.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of keys"
	}
	switch n.Tag {
	case "!!int", "!!float":
		return fmt.Sprintf("the number %s", n.Value)
	case "!!bool":
		return n.Value
	case "!!null":
		return "nothing"
	}
	return fmt.Sprintf("text %q", n.Value)
}
