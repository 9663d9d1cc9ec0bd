package content

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/chars"
	"github.com/octoacme/kb/internal/diag"
)

// normalize makes a file's bytes safe to parse without moving any line or
// column a reader would count: BOM dropped, CRLF/CR → LF, NUL and invalid
// UTF-8 → U+FFFD.
func normalize(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if bytes.IndexByte(b, '\r') >= 0 {
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	}
	if bytes.IndexByte(b, 0) >= 0 {
		b = bytes.ReplaceAll(b, []byte{0}, []byte("\uFFFD"))
	}
	if !utf8.Valid(b) {
		b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return b
}

// capture receives the raw front matter from adrg/frontmatter; kb decodes it
// itself so that it knows the line of every value.
type capture struct {
	format string
	data   []byte
}

func captureAs(format string) frontmatter.UnmarshalFunc {
	return func(data []byte, v any) error {
		c := v.(*capture)
		c.format = format
		c.data = append([]byte(nil), data...)
		return nil
	}
}

var formats = []*frontmatter.Format{
	frontmatter.NewFormat("---", "---", captureAs("yaml")),
	frontmatter.NewFormat("---yaml", "---", captureAs("yaml")),
	frontmatter.NewFormat("+++", "+++", captureAs("toml")),
	frontmatter.NewFormat("---toml", "---", captureAs("toml")),
	frontmatter.NewFormat(";;;", ";;;", captureAs("json")),
	frontmatter.NewFormat("---json", "---", captureAs("json")),
	{Start: "{", End: "}", Unmarshal: captureAs("json"), UnmarshalDelims: true, RequiresNewLine: true},
}

// split separates the front matter from the body. It returns the decoded
// front matter as a YAML node (nil when the file has none), its format, the
// body's offset in src, and the line the front-matter data starts on.
func split(src []byte) (fm *yaml.Node, format string, bodyStart int, err error) {
	var c capture
	// adrg/frontmatter returns the body as a copy; given only the lines up
	// to the closing delimiter, it copies next to nothing.
	head := src[:frontMatterEnd(src)]
	// adrg/frontmatter wraps its reader in a bufio.Reader of 4 KB unless
	// it is one already: hand it a pooled one.
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(head))
	rest, err := frontmatter.Parse(br, &c, formats...)
	br.Reset(nil)
	readerPool.Put(br)
	if err != nil {
		return nil, "", 0, problem("", Pos{Line: 1}, "", "front matter: "+err.Error())
	}
	first, firstLine := firstLine(src)
	if c.format == "" {
		if isDelimiter(first) {
			return nil, "", 0, problem("", Pos{Line: firstLine, Col: 1}, "", fmt.Sprintf("front matter opened with %q is never closed: add a closing %q line after the last field", first, closing(first)))
		}
		return nil, "", 0, nil
	}
	bodyStart = len(head) - len(rest)
	dataLine := firstLine + 1
	if first == "{" {
		dataLine = firstLine
	}
	node, err := decode(c.format, c.data, dataLine)
	if err != nil {
		return nil, "", 0, err
	}
	return node, c.format, bodyStart, nil
}

func firstLine(src []byte) (string, int) {
	line := 1
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		l := src
		if i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if t := strings.TrimSpace(string(l)); t != "" {
			return t, line
		}
		line++
	}
	return "", line
}

var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// frontMatterEnd is where front matter opened by a delimiter line ("---",
// "+++", ";;;", "---yaml"…) surely ends: after the first line that closes
// it. Anything else (no front matter, a JSON object, no closing line)
// gives the whole file.
func frontMatterEnd(src []byte) int {
	first, _ := firstLine(src)
	if !isDelimiter(first) {
		return len(src)
	}
	end := closing(first)
	start := bytes.Index(src, []byte(first)) + len(first)
	for i := start; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		line := src[i : i+j]
		i += j + 1
		if string(line) == end {
			return i
		}
	}
	return len(src)
}

func isDelimiter(s string) bool {
	for _, f := range formats {
		if f.Start == s && s != "{" {
			return true
		}
	}
	return false
}

func closing(start string) string {
	for _, f := range formats {
		if f.Start == start {
			return f.End
		}
	}
	return start
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// decode parses front-matter data into a YAML node whose lines are file lines.
func decode(format string, data []byte, dataLine int) (*yaml.Node, error) {
	var doc yaml.Node
	switch format {
	case "yaml", "json":
		if fast, ok := fastYAML(data); ok && format == "yaml" {
			// a mapping of scalars and lists: no aliases to expand
			shiftLines(fast, dataLine-1)
			return fast.Content[0], nil
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			msg := err.Error()
			line := dataLine
			if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
				n, _ := strconv.Atoi(m[1])
				line = dataLine + n - 1
				msg = msg[len(m[0]):]
			}
			msg = strings.TrimPrefix(msg, "yaml: ")
			return nil, problem("", Pos{Line: line, Col: 1}, "", "front matter is not valid "+strings.ToUpper(format)+": "+msg)
		}
		shiftLines(&doc, dataLine-1)
	case "toml":
		var m map[string]any
		if _, err := toml.Decode(string(data), &m); err != nil {
			line, col := dataLine, 1
			msg := err.Error()
			var pe toml.ParseError
			if errors.As(err, &pe) {
				line = dataLine + pe.Position.Line - 1
				col = pe.Position.Col
				msg = pe.Message
			}
			return nil, problem("", Pos{Line: line, Col: col}, "", "front matter is not valid TOML: "+msg)
		}
		root := new(yaml.Node)
		if err := root.Encode(m); err != nil {
			return nil, problem("", Pos{Line: dataLine}, "", "front matter: "+err.Error())
		}
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
		placeTOML(&doc, data, dataLine)
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	root := doc.Content[0]
	if expandedSize(root, map[*yaml.Node]int{}) > maxValues {
		return nil, problem("", Pos{Line: root.Line, Col: root.Column}, "", fmt.Sprintf("front matter expands to more than %d values through YAML aliases; write the values out instead", maxValues))
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, problem("", Pos{Line: root.Line, Col: root.Column}, "", "front matter must be a set of key: value fields")
	}
	return root, nil
}

// maxValues bounds the values a front matter may expand to through YAML
// aliases, so that a "billion laughs" document fails fast instead of
// exhausting memory.
const maxValues = 100000

// expandedSize counts the values of n with aliases expanded, in linear time.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = maxValues + 1 // a cycle counts as too big
	size := 1
	if n.Kind == yaml.AliasNode {
		size = expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo)
		if size > maxValues {
			break
		}
	}
	memo[n] = size
	return size
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

var tomlKeyRE = regexp.MustCompile(`^\s*("?)([A-Za-z0-9_-]+)("?)\s*=`)
var tomlTableRE = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?`)

// placeTOML gives TOML values the lines of their keys (the TOML decoder keeps
// no positions): top-level keys and tables by scanning the text, their
// contents the line of the key they belong to.
func placeTOML(doc *yaml.Node, data []byte, dataLine int) {
	lines := map[string]int{}
	table := ""
	for i, l := range strings.Split(string(data), "\n") {
		if m := tomlTableRE.FindStringSubmatch(l); m != nil {
			table = strings.SplitN(m[1], ".", 2)[0]
			if _, ok := lines[table]; !ok {
				lines[table] = dataLine + i
			}
			continue
		}
		if m := tomlKeyRE.FindStringSubmatch(l); m != nil && table == "" {
			lines[m[2]] = dataLine + i
		}
	}
	var set func(n *yaml.Node, line int)
	set = func(n *yaml.Node, line int) {
		n.Line, n.Column = line, 1
		for _, c := range n.Content {
			set(c, line)
		}
	}
	root := doc.Content[0]
	set(root, dataLine)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if l, ok := lines[root.Content[i].Value]; ok {
			set(root.Content[i], l)
			set(root.Content[i+1], l)
		}
	}
}

// fields reads typed values out of a front-matter mapping, recording the
// position of each and collecting kind errors.
type fields struct {
	file string
	pos  map[string]Pos
	errs []*diag.Diagnostic
	keys map[string]*yaml.Node // top-level key → value
	loc  *time.Location        // the site's time zone; nil is UTC
}

func newFields(file string, root *yaml.Node) *fields {
	f := &fields{file: file, pos: map[string]Pos{}, keys: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		f.keys[k.Value] = v
		f.record(k.Value, k, v, 1)
	}
	return f
}

// maxRecordDepth bounds the key paths record stores: every key path
// kb reads is at most 4 deep (features.0.docs.2), and storing every path of
// a deeply nested value costs memory quadratic in its depth (a 500 KB front
// matter nested 5,000 deep would need a gigabyte).
const maxRecordDepth = 8

// record stores positions for a key path and everything below it, down to
// maxRecordDepth; Field finds deeper paths at their nearest recorded parent.
// Aliases are not followed: their expansion can be exponential (a YAML bomb).
func (f *fields) record(path string, k, v *yaml.Node, depth int) {
	if v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode || k == nil {
		f.pos[path] = Pos{Line: v.Line, Col: v.Column}
	} else {
		f.pos[path] = Pos{Line: k.Line, Col: k.Column}
	}
	if depth >= maxRecordDepth {
		return
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for i, c := range v.Content {
			f.record(path+"."+strconv.Itoa(i), nil, c, depth+1)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			f.record(path+"."+v.Content[i].Value, v.Content[i], v.Content[i+1], depth+1)
		}
	}
}

func (f *fields) errorf(path string, format string, args ...any) {
	f.errs = append(f.errs, problem(f.file, f.pos[path], path, path+": "+fmt.Sprintf(format, args...)))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of fields"
	}
	switch n.Tag {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "true/false"
	}
	return "text"
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// str reads a text field; any scalar is accepted as its text.
func (f *fields) str(path string, n *yaml.Node) string {
	n = deref(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		f.errorf(path, "want text, got %s", kindName(n))
		return ""
	}
	return strings.TrimSpace(chars.Clean(n.Value)) // an escape can spell a control character
}

func (f *fields) strList(path string, n *yaml.Node) []string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		f.errorf(path, "want a list, like [%s], got %s", exampleFor(path), kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		if s := f.str(path+"."+strconv.Itoa(i), c); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func exampleFor(path string) string {
	switch {
	case strings.HasSuffix(path, "tags"):
		return "billing, account"
	case strings.HasSuffix(path, "docs"), strings.HasSuffix(path, "related"), strings.HasSuffix(path, "aliases"):
		return "/articles/reset-your-password/"
	}
	return "one, two"
}

func (f *fields) boolean(path string, n *yaml.Node) bool {
	n = deref(n)
	if isNull(n) {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		f.errorf(path, "want true or false, got %s %q", kindName(n), n.Value)
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

func (f *fields) date(path string, n *yaml.Node) time.Time {
	n = deref(n)
	if isNull(n) {
		return time.Time{}
	}
	if n.Kind != yaml.ScalarNode {
		f.errorf(path, "want a date (YYYY-MM-DD), got %s", kindName(n))
		return time.Time{}
	}
	v := strings.TrimSpace(n.Value)
	// TOML dates come back from the decoder as midnight timestamps.
	v = strings.TrimSuffix(v, "T00:00:00Z")
	t, err := time.Parse(DateLayout, v)
	if err != nil {
		f.errorf(path, "%q is not a date (want YYYY-MM-DD)", n.Value)
		return time.Time{}
	}
	return t
}

// momentLayouts are the forms of publish_date and expiry_date: a date (the
// start of the day), a date and time, both in the site's time zone, or a
// date and time with its own offset (RFC 3339).
var momentLayouts = []struct {
	layout string
	zoned  bool
}{
	{DateLayout, false}, {"2006-01-02T15:04", false}, {"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04", false}, {"2006-01-02 15:04:05", false},
	{time.RFC3339, true}, {"2006-01-02T15:04Z07:00", true}, {"2006-01-02 15:04:05Z07:00", true},
}

// moment reads a point in time: publish_date, expiry_date.
func (f *fields) moment(path string, n *yaml.Node) time.Time {
	n = deref(n)
	if isNull(n) {
		return time.Time{}
	}
	if n.Kind == yaml.ScalarNode {
		v := strings.TrimSpace(n.Value)
		loc := f.loc
		if loc == nil {
			loc = time.UTC
		}
		for _, l := range momentLayouts {
			if l.zoned {
				if t, err := time.Parse(l.layout, v); err == nil {
					return t
				}
			} else if t, err := time.ParseInLocation(l.layout, v, loc); err == nil {
				return t
			}
		}
	}
	f.errorf(path, "%s is not a date or a date and time (want YYYY-MM-DD, or YYYY-MM-DDTHH:MM in the site's timezone, or with an offset like 2026-12-01T09:00:00+01:00)", describe(n))
	return time.Time{}
}

// describe names a front-matter value for a message: its text, or its kind.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return kindName(n)
}

// integer reads a whole number (weight).
func (f *fields) integer(path string, n *yaml.Node) int {
	n = deref(n)
	if isNull(n) {
		return 0
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if v, err := strconv.Atoi(n.Value); err == nil && v > -1e9 && v < 1e9 {
			return v
		}
	}
	f.errorf(path, "%s is not a whole number (want one like 10; lower numbers come first)", describe(n))
	return 0
}

// promoted reads promoted: true, false, or a rank (1 is shown first).
func (f *fields) promoted(path string, n *yaml.Node) (bool, int) {
	n = deref(n)
	if isNull(n) {
		return false, 0
	}
	if n.Kind == yaml.ScalarNode {
		switch n.Tag {
		case "!!bool":
			return f.boolean(path, n), 0
		case "!!int":
			if v, err := strconv.Atoi(n.Value); err == nil && v >= 1 && v < 1e9 {
				return true, v
			}
		}
	}
	f.errorf(path, "want true, false or a rank from 1 (promoted pages with a rank are listed first, 1 before 2), not %s", describe(n))
	return false, 0
}

// StartOfDay is the first moment of a date's day in a time zone (nil: UTC):
// when a release dated that day is published.
func StartOfDay(d time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// FormatMoment writes a point in time for messages, with its zone's name.
func FormatMoment(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// items reads a list of mappings with the given keys.
func (f *fields) items(path string, n *yaml.Node, keys []string, each func(item map[string]*yaml.Node, itemPath string, pos Pos)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		f.errorf(path, "want a list of entries with %s, got %s", strings.Join(keys, ", "), kindName(n))
		return
	}
	for i, c := range n.Content {
		c = deref(c)
		ip := path + "." + strconv.Itoa(i)
		if c.Kind != yaml.MappingNode {
			f.errorf(ip, "want an entry with %s, got %s", strings.Join(keys, ", "), kindName(c))
			continue
		}
		m := map[string]*yaml.Node{}
		for j := 0; j+1 < len(c.Content); j += 2 {
			k := c.Content[j].Value
			if !contains(keys, k) {
				f.errorf(ip+"."+k, "unknown field %q (want %s)", k, strings.Join(keys, ", "))
				continue
			}
			m[k] = c.Content[j+1]
		}
		each(m, ip, Pos{Line: c.Line, Col: c.Column})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// dedupe reports each key a mapping of the front matter sets twice, as one
// error at the second naming both lines, and returns the front matter with
// only the last of each (the one kb's fields read), so that decoding it
// does not fail as well. Nodes without duplicates are returned as they are.
func dedupe(file string, n *yaml.Node, path string, depth int) (*yaml.Node, []*diag.Diagnostic) {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode || depth >= maxRecordDepth {
		return n, nil
	}
	var errs []*diag.Diagnostic
	var out *yaml.Node // a copy, once something below changed
	change := func(out *yaml.Node, i int, c *yaml.Node) *yaml.Node {
		if out == nil {
			cp := *n
			cp.Content = append([]*yaml.Node(nil), n.Content...)
			out = &cp
		}
		out.Content[i] = c
		return out
	}
	if n.Kind == yaml.SequenceNode {
		for i, c := range n.Content {
			if c.Kind != yaml.MappingNode && c.Kind != yaml.SequenceNode {
				continue
			}
			if d, e := dedupe(file, c, path+"."+strconv.Itoa(i), depth+1); d != c || len(e) > 0 {
				errs = append(errs, e...)
				out = change(out, i, d)
			}
		}
		if out == nil {
			return n, errs
		}
		return out, errs
	}
	// Most mappings are small and have no duplicate: found without
	// allocating; a big one takes a map, not quadratic time.
	dups := false
	if len(n.Content) <= 64 {
		for i := 0; i+1 < len(n.Content) && !dups; i += 2 {
			for j := i + 2; j+1 < len(n.Content); j += 2 {
				if n.Content[i].Value == n.Content[j].Value {
					dups = true
					break
				}
			}
		}
	} else {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content) && !dups; i += 2 {
			dups = seen[n.Content[i].Value]
			seen[n.Content[i].Value] = true
		}
	}
	var last map[string]int // key → index of its last occurrence
	var first map[string]*yaml.Node
	if dups {
		last, first = map[string]int{}, map[string]*yaml.Node{}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if v := n.Content[i+1]; v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
			key := k.Value
			if path != "" {
				key = path + "." + k.Value
			}
			if d, e := dedupe(file, v, key, depth+1); d != v || len(e) > 0 {
				errs = append(errs, e...)
				out = change(out, i+1, d)
			}
		}
		if !dups {
			continue
		}
		key := k.Value
		if path != "" {
			key = path + "." + k.Value
		}
		if f, dup := first[k.Value]; dup {
			msg := fmt.Sprintf("%s: set twice, on lines %d and %d; kb uses the one on line %d, so delete the other", key, f.Line, k.Line, k.Line)
			if f.Line == k.Line {
				msg = fmt.Sprintf("%s: set twice on line %d; kb uses the last, so delete the other", key, k.Line)
			}
			errs = append(errs, problem(file, Pos{Line: k.Line, Col: k.Column}, key, msg))
		} else {
			first[k.Value] = k
		}
		last[k.Value] = i
	}
	if !dups {
		if out == nil {
			return n, errs
		}
		return out, errs
	}
	src := n.Content
	if out != nil {
		src = out.Content
	}
	kept := make([]*yaml.Node, 0, len(last)*2)
	for i := 0; i+1 < len(src); i += 2 {
		if last[src[i].Value] == i {
			kept = append(kept, src[i], src[i+1])
		}
	}
	cp := *n
	cp.Content = kept
	return &cp, errs
}
