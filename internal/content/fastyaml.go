package content

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Most front matter is a short list of `key: value` lines: plain or quoted
// text, a date, a number, true or false, and lists written [a, b] or as
// "- a" lines. yaml.v3 takes some 70 µs for ten such lines, as long as
// goldmark takes for a whole page, so kb reads that common shape itself
// and gives yaml.v3 everything else (nested mappings, comments, escapes,
// anchors, multi-line scalars, errors). fastYAML returns the node tree
// yaml.v3 would (FuzzFastYAML compares the two on any input), or false.

// fastYAML parses data as a document of simple top-level fields.
func fastYAML(data []byte) (*yaml.Node, bool) {
	if bytes.IndexByte(data, '\t') >= 0 || bytes.IndexByte(data, '\r') >= 0 {
		return nil, false
	}
	lines := strings.Split(string(data), "\n")
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimRight(l, " ") == "" {
			continue
		}
		colon := strings.IndexByte(l, ':')
		if colon <= 0 || !isKey(l[:colon]) {
			return nil, false
		}
		key := l[:colon]
		for j := 0; j < len(m.Content); j += 2 {
			if m.Content[j].Value == key {
				return nil, false // a repeated key: yaml.v3's error
			}
		}
		line := i + 1
		if m.Line == 0 {
			m.Line, m.Column = line, 1
		}
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: line, Column: 1}
		rest := l[colon+1:]
		if rest != "" && rest[0] != ' ' {
			return nil, false // "a:b" is one plain scalar, not a field
		}
		col := colon + 2 // 1-based column of rest's first byte
		trimmed := strings.TrimLeft(rest, " ")
		col += len(rest) - len(trimmed)
		trimmed = strings.TrimRight(trimmed, " ")
		var v *yaml.Node
		switch {
		case trimmed == "":
			// A block list on the lines below, or nothing (null).
			items, next, ok := blockList(lines, i+1)
			if !ok {
				return nil, false
			}
			if items == nil {
				v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: line, Column: colon + 2}
				if next < len(lines) && next > i+1 {
					// yaml.v3 places an empty value where the next token is.
					return nil, false
				}
			} else {
				v = items
				i = next - 1
			}
		case trimmed[0] == '[':
			var ok bool
			if v, ok = flowList(trimmed, line, col); !ok {
				return nil, false
			}
		default:
			var ok bool
			if v, ok = scalar(trimmed, line, col, false); !ok {
				return nil, false
			}
		}
		m.Content = append(m.Content, k, v)
	}
	if len(m.Content) == 0 {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: m.Line, Column: 1, Content: []*yaml.Node{m}}, true
}

// isKey accepts the keys kb's fields use: letters, digits, _ and -.
func isKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && (c >= '0' && c <= '9' || c == '-')) {
			return false
		}
	}
	return s != ""
}

// blockList reads "- item" lines from lines[from]: a list of scalars at
// column 1 or indented alike. It returns nil when the next non-blank line
// is not an item, and the index after the list.
func blockList(lines []string, from int) (*yaml.Node, int, bool) {
	var seq *yaml.Node
	indent := -1
	i := from
	for ; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimLeft(l, " ")
		if strings.TrimRight(t, " ") == "" {
			if seq == nil {
				return nil, from, true
			}
			break
		}
		in := len(l) - len(t)
		if !strings.HasPrefix(t, "- ") {
			if seq == nil && in == 0 {
				return nil, from, true // the next field
			}
			if in == 0 && seq != nil {
				break
			}
			return nil, 0, false
		}
		if indent >= 0 && in != indent {
			return nil, 0, false
		}
		indent = in
		item := strings.TrimLeft(t[1:], " ")
		col := in + 1 + len(t) - len(item)
		item = strings.TrimRight(item, " ")
		if item == "" || item[0] == '[' || item[0] == '-' {
			return nil, 0, false
		}
		v, ok := scalar(item, i+1, col, false)
		if !ok {
			return nil, 0, false
		}
		if seq == nil {
			seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: i + 1, Column: in + 1}
		}
		seq.Content = append(seq.Content, v)
	}
	if seq == nil {
		return nil, from, true
	}
	// A blank line and then more of the list, or an indented line after it,
	// is beyond this reader.
	for j := i; j < len(lines); j++ {
		if t := strings.TrimLeft(lines[j], " "); strings.TrimRight(t, " ") != "" {
			if len(lines[j]) != len(t) || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "-\n") || t == "-" {
				return nil, 0, false
			}
			break
		}
	}
	return seq, i, true
}

// flowList reads "[a, b, "c"]" on one line.
func flowList(s string, line, col int) (*yaml.Node, bool) {
	if !strings.HasSuffix(s, "]") {
		return nil, false
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: line, Column: col}
	inner := s[1 : len(s)-1]
	pos := col + 1 // column of inner's first rune
	if strings.TrimLeft(inner, " ") == "" {
		return seq, true
	}
	for {
		t := strings.TrimLeft(inner, " ")
		pos += len(inner) - len(t) // spaces are one byte each
		inner = t
		var item string
		end := 0
		switch {
		case inner == "":
			return nil, false // "[a, ]" and the like
		case inner[0] == '"' || inner[0] == '\'':
			q := strings.IndexByte(inner[1:], inner[0])
			if q < 0 {
				return nil, false
			}
			end = q + 2
		default:
			end = strings.IndexByte(inner, ',')
			if end < 0 {
				end = len(inner)
			}
		}
		item = strings.TrimRight(inner[:end], " ")
		v, ok := scalar(item, line, pos, true)
		if !ok {
			return nil, false
		}
		seq.Content = append(seq.Content, v)
		pos += utf8.RuneCountInString(inner[:end])
		inner = inner[end:]
		t = strings.TrimLeft(inner, " ")
		pos += len(inner) - len(t)
		inner = t
		if inner == "" {
			return seq, true
		}
		if inner[0] != ',' {
			return nil, false
		}
		inner = inner[1:]
		pos++
		if strings.TrimLeft(inner, " ") == "" {
			return nil, false // a trailing comma: let yaml.v3 decide
		}
	}
}

// scalar reads one scalar: "double" or 'single' quoted without escapes, or
// plain text whose type is easy to tell (text, true/false, null, a whole
// number, a YYYY-MM-DD date). inFlow is set inside [...].
func scalar(s string, line, col int, inFlow bool) (*yaml.Node, bool) {
	if s == "" {
		return nil, false
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: line, Column: col}
	switch s[0] {
	case '"', '\'':
		q := s[0]
		body := s[1:]
		if len(body) == 0 || body[len(body)-1] != q {
			return nil, false
		}
		body = body[:len(body)-1]
		if strings.IndexByte(body, q) >= 0 || q == '"' && strings.IndexByte(body, '\\') >= 0 || !printable(body) {
			return nil, false
		}
		n.Tag, n.Value = "!!str", body
		n.Style = yaml.DoubleQuotedStyle
		if q == '\'' {
			n.Style = yaml.SingleQuotedStyle
		}
		return n, true
	}
	// Plain: no indicator first, nothing that ends or comments it.
	if strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`.+~<") || strings.Contains(s, ": ") || strings.Contains(s, " #") ||
		strings.HasSuffix(s, ":") || !printable(s) || inFlow && strings.ContainsAny(s, ",[]{}:#") {
		return nil, false
	}
	n.Value = s
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		n.Tag = "!!bool"
		return n, true
	case "null", "Null", "NULL":
		n.Tag = "!!null"
		return n, true
	}
	if c := s[0]; c >= '0' && c <= '9' {
		switch {
		case isDate(s):
			n.Tag = "!!timestamp"
		case len(s) <= 18 && s[0] != '0' && digits(s):
			n.Tag = "!!int"
		default:
			return nil, false
		}
		return n, true
	}
	n.Tag = "!!str"
	return n, true
}

// printable rejects what YAML treats specially or escapes: control
// characters, non-characters, and a byte order mark inside.
func printable(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == utf8.RuneError || r >= 0xfffe {
			return false
		}
	}
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDate accepts YYYY-MM-DD dates that exist.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// simpleParams is root.Decode(&params) for front matter of text, numbers,
// dates, true/false and lists of them (fastYAML's shape), without the
// reflection yaml.v3's decoder goes through; false for anything else.
func simpleParams(root *yaml.Node) (map[string]any, bool) {
	if root.Kind != yaml.MappingNode || root.Tag != "!!map" {
		return nil, false
	}
	out := make(map[string]any, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" || k.Style&yaml.TaggedStyle != 0 {
			return nil, false
		}
		if _, dup := out[k.Value]; dup {
			return nil, false
		}
		switch v.Kind {
		case yaml.ScalarNode:
			x, ok := simpleValue(v)
			if !ok {
				return nil, false
			}
			out[k.Value] = x
		case yaml.SequenceNode:
			if v.Tag != "!!seq" {
				return nil, false
			}
			list := make([]any, len(v.Content))
			for j, c := range v.Content {
				x, ok := simpleValue(c)
				if c.Kind != yaml.ScalarNode || !ok {
					return nil, false
				}
				list[j] = x
			}
			out[k.Value] = list
		default:
			return nil, false
		}
	}
	return out, true
}

// simpleValue decodes a scalar as yaml.v3 does into an interface value.
func simpleValue(n *yaml.Node) (any, bool) {
	if n.Style&yaml.TaggedStyle != 0 {
		return nil, false
	}
	switch n.Tag {
	case "!!str":
		return n.Value, true
	case "!!bool":
		switch n.Value {
		case "true", "True", "TRUE":
			return true, true
		case "false", "False", "FALSE":
			return false, true
		}
	case "!!null":
		switch n.Value {
		case "", "~", "null", "Null", "NULL":
			return nil, true
		}
	case "!!int":
		if n.Value != "" && len(n.Value) <= 18 && (n.Value[0] != '0' || n.Value == "0") && digits(n.Value) {
			v, err := strconv.Atoi(n.Value)
			return v, err == nil
		}
	case "!!timestamp":
		if isDate(n.Value) {
			t, err := time.Parse("2006-01-02", n.Value)
			return t, err == nil
		}
	}
	return nil, false
}
