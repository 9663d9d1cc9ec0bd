package importer

import (
	"regexp"
	"strings"
)

// fences tracks fenced code blocks line by line, so that converters leave
// code alone. Block quote markers before a fence are looked through.
type fences struct {
	ch   byte
	n    int
	open bool
}

var fenceRE = regexp.MustCompile("^[ \t>]*(`{3,}|~{3,})(.*)$")

// code reports whether line is part of a fenced code block, its opening
// and closing lines included, and moves the state on.
func (f *fences) code(line string) bool {
	m := fenceRE.FindStringSubmatch(line)
	if f.open {
		if m != nil && m[1][0] == f.ch && len(m[1]) >= f.n && strings.TrimSpace(m[2]) == "" {
			f.open = false
		}
		return true
	}
	if m != nil && !(m[1][0] == '`' && strings.Contains(m[2], "`")) {
		f.open, f.ch, f.n = true, m[1][0], len(m[1])
		return true
	}
	return false
}

// lines splits text into lines without their "\n".
func lines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

func unlines(ls []string) string {
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, "\n") + "\n"
}

func blank(l string) bool { return strings.TrimSpace(l) == "" }

// indentOf counts a line's leading columns (a tab is 4).
func indentOf(l string) int {
	n := 0
	for _, r := range l {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// dedent removes up to n columns of leading space from every line.
func dedent(ls []string, n int) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		cut, col := 0, 0
		for cut < len(l) && col < n {
			if l[cut] == ' ' {
				col++
			} else if l[cut] == '\t' {
				col += 4
			} else {
				break
			}
			cut++
		}
		out[i] = l[cut:]
	}
	return out
}

// minIndent is the smallest indent of the non-blank lines.
func minIndent(ls []string) int {
	m := -1
	for _, l := range ls {
		if blank(l) {
			continue
		}
		if n := indentOf(l); m < 0 || n < m {
			m = n
		}
	}
	if m < 0 {
		return 0
	}
	return m
}

// trimBlank drops blank lines at both ends.
func trimBlank(ls []string) []string {
	for len(ls) > 0 && blank(ls[0]) {
		ls = ls[1:]
	}
	for len(ls) > 0 && blank(ls[len(ls)-1]) {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// block appends lines as a block of their own: a blank line before and
// after, so that neither a paragraph above nor one below runs into it (a
// line after a block quote would otherwise continue it).
func block(out []string, add ...string) []string {
	if len(out) > 0 && !blank(out[len(out)-1]) {
		out = append(out, "")
	}
	out = append(out, add...)
	return append(out, "")
}

// callout writes a kb callout (> [!NOTE]) holding body, with an optional
// title in bold, indented by indent.
func callout(indent, alert, title string, body []string) []string {
	out := []string{indent + "> [!" + alert + "]"}
	if title = strings.TrimSpace(title); title != "" {
		out = append(out, indent+"> **"+strings.ReplaceAll(title, "*", `\*`)+"**")
		if len(trimBlank(body)) > 0 {
			out = append(out, indent+">")
		}
	}
	for _, l := range trimBlank(body) {
		if blank(l) {
			out = append(out, indent+">")
		} else {
			out = append(out, indent+"> "+l)
		}
	}
	return out
}

// alertFor maps a callout name of the source (an admonition type, a
// shortcode or include name, a colour) to a kb callout type. cautionIsWarning
// is for MkDocs and Docusaurus, where "caution" is another name for warning.
func alertFor(name string, cautionIsWarning bool) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "note", "info", "information", "abstract", "summary", "tldr", "todo", "example", "quote", "cite",
		"question", "help", "faq", "seealso", "primary", "secondary", "default", "blue", "grey", "gray", "light", "dark", "callout", "notice":
		return "NOTE", true
	case "tip", "hint", "success", "check", "done", "green":
		return "TIP", true
	case "important", "purple", "new":
		return "IMPORTANT", true
	case "warning", "warn", "attention", "yellow", "orange":
		return "WARNING", true
	case "caution":
		if cautionIsWarning {
			return "WARNING", true
		}
		return "CAUTION", true
	case "danger", "error", "failure", "fail", "missing", "bug", "red", "alert":
		return "CAUTION", true
	}
	return "", false
}

// defaultTitle reports whether a callout title only repeats its type, so
// that "!!! note" and ":::tip Tip" add no bold title line.
func defaultTitle(title, name string) bool {
	t := strings.ToLower(strings.TrimSpace(title))
	return t == "" || t == strings.ToLower(name)
}

// codeSpans calls fn on the parts of a line outside inline code spans and
// joins the results with the code spans unchanged.
func codeSpans(line string, fn func(string) string) string {
	if !strings.Contains(line, "`") {
		return fn(line)
	}
	var b strings.Builder
	rest := line
	for {
		i := strings.Index(rest, "`")
		if i < 0 {
			b.WriteString(fn(rest))
			return b.String()
		}
		n := i
		for n < len(rest) && rest[n] == '`' {
			n++
		}
		ticks := rest[i:n]
		end := strings.Index(rest[n:], ticks)
		// A run of backticks closes only a run of the same length.
		for end >= 0 && n+end+len(ticks) < len(rest) && rest[n+end+len(ticks)] == '`' {
			next := strings.Index(rest[n+end+len(ticks):], ticks)
			if next < 0 {
				end = -1
				break
			}
			end += len(ticks) + next
		}
		if end < 0 {
			b.WriteString(fn(rest))
			return b.String()
		}
		b.WriteString(fn(rest[:i]))
		b.WriteString(rest[i : n+end+len(ticks)])
		rest = rest[n+end+len(ticks):]
	}
}

// eachProse applies fn to every line outside fenced code and outside
// inline code spans.
func eachProse(text string, fn func(string) string) string {
	var f fences
	ls := lines(text)
	for i, l := range ls {
		if f.code(l) {
			continue
		}
		ls[i] = codeSpans(l, fn)
	}
	return unlines(ls)
}

// humanize makes a title from a file name: "getting-started" → "Getting started".
func humanize(name string) string {
	s := strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(name))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// attrValue reads key="value", key='value' or key=value from an attribute string.
func attrValue(attrs, key string) (string, bool) {
	for _, a := range parseAttrs(attrs) {
		if a.key == key {
			return a.val, true
		}
	}
	return "", false
}

type attr struct{ key, val string }

// parseAttrs reads HTML- and shortcode-style attributes: key="v", key='v',
// key=v, key={"v"}, and bare words (positional, key "").
func parseAttrs(s string) []attr {
	var out []attr
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '"' && s[i] != '\'' && s[i] != '`' {
			i++
		}
		key := s[start:i]
		if i < len(s) && s[i] == '=' {
			i++
			v, n := quoted(s[i:])
			out = append(out, attr{key, v})
			i += n
			continue
		}
		if key == "" && i < len(s) {
			v, n := quoted(s[i:])
			out = append(out, attr{"", v})
			i += n
			continue
		}
		out = append(out, attr{"", key})
	}
	return out
}

// quoted reads a value that may be quoted with ", ' or ` or wrapped in
// {"…"} (JSX); it returns the value and the bytes it took.
func quoted(s string) (string, int) {
	if s == "" {
		return "", 0
	}
	if strings.HasPrefix(s, "{") {
		if end := strings.Index(s, "}"); end > 0 {
			v, _ := quoted(strings.TrimSpace(s[1:end]))
			return v, end + 1
		}
	}
	switch q := s[0]; q {
	case '"', '\'', '`':
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' && q != '`' {
				i++
				continue
			}
			if s[i] == q {
				v := s[1:i]
				if q != '`' {
					v = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`).Replace(v)
				}
				return v, i + 1
			}
		}
		return s[1:], len(s)
	}
	i := 0
	for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' {
		i++
	}
	return s[:i], i
}

var (
	imgTagRE     = regexp.MustCompile(`<img\s[^>]*?/?>`)
	requireSrcRE = regexp.MustCompile(`^require\(\s*['"]([^'"]+)['"]\s*\)(?:\.default)?$`)
)

// tidy does what every kind needs after its own conversion: HTML <img>
// tags become Markdown images (which kb checks and sizes), and runs of
// blank lines outside code shrink to one.
func (s *site) tidy(body string) string {
	body = eachProse(body, func(t string) string {
		return imgTagRE.ReplaceAllStringFunc(t, func(tag string) string {
			attrs := parseAttrs(strings.TrimSuffix(strings.TrimSuffix(tag[len("<img"):], ">"), "/"))
			var src, alt, title string
			for _, a := range attrs {
				switch a.key {
				case "src":
					src = a.val
				case "alt":
					alt = a.val
				case "title":
					title = a.val
				}
			}
			if m := requireSrcRE.FindStringSubmatch(src); m != nil {
				src = m[1]
			}
			if src == "" || strings.ContainsAny(src, "{}") {
				return tag
			}
			s.count("HTML image")
			img := "![" + escapeBrackets(alt) + "](" + linkDest(src)
			if title != "" {
				img += ` "` + strings.ReplaceAll(title, `"`, `\"`) + `"`
			}
			return img + ")"
		})
	})
	var f fences
	var out []string
	for _, l := range lines(body) {
		if !f.code(l) && blank(l) && len(out) > 0 && blank(out[len(out)-1]) {
			continue
		}
		out = append(out, l)
	}
	return unlines(trimBlank(out))
}
