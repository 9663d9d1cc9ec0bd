package importer

import (
	"fmt"
	"sort"
	"strings"
)

// Finding is one construct left for a person to convert, or a problem
// met while converting, at a line of a written kb file.
type Finding struct {
	File      string // slash path in the kb site: content/docs/x.md
	Line      int
	Construct string // the kind of construct, counted in the summary
	Text      string // the construct as written, shortened
	Advice    string // what to do
}

func (f Finding) String() string {
	s := fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Construct)
	if f.Text != "" {
		s += ": " + f.Text
	}
	if f.Advice != "" {
		s += " (" + f.Advice + ")"
	}
	return s
}

// Report is the import report: what was imported, the constructs left,
// and the source files not imported.
type Report struct {
	Kind, Src    string
	Pages, Files int
	Findings     []Finding
	Skipped      []Skipped
	Converted    map[string]int // converted constructs, by name
}

// Skipped is a source file or folder that was not imported, and why.
type Skipped struct {
	Path   string
	Files  int
	Reason string
}

// Counts returns the number of findings per construct, most frequent first.
func (r *Report) Counts() []Count {
	m := map[string]int{}
	for _, f := range r.Findings {
		m[f.Construct]++
	}
	return sortedCounts(m)
}

// Count is a construct and how many times it appears.
type Count struct {
	Construct string
	N         int
}

func sortedCounts(m map[string]int) []Count {
	var out []Count
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Construct < out[j].Construct
	})
	return out
}

func (r *Report) sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Construct < b.Construct
	})
	sort.Slice(r.Skipped, func(i, j int) bool { return r.Skipped[i].Path < r.Skipped[j].Path })
}

// Text is the report as kb import prints it.
func (r *Report) Text() string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String() + "\n")
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Imported %s from %s: %s, %s.\n", r.Kind, r.Src, plural(r.Pages, "page"), plural(r.Files, "file"))
	if c := sortedCounts(r.Converted); len(c) > 0 {
		b.WriteString("Converted:")
		for i, c := range c {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %d %s", c.N, c.Construct)
		}
		b.WriteString(".\n")
	}
	if len(r.Findings) == 0 {
		b.WriteString("Left to convert by hand: nothing.\n")
	} else {
		fmt.Fprintf(&b, "Left to convert by hand: %s, listed above:\n", plural(len(r.Findings), "construct"))
		for _, c := range r.Counts() {
			fmt.Fprintf(&b, "  %4d  %s\n", c.N, c.Construct)
		}
	}
	if len(r.Skipped) > 0 {
		b.WriteString("Not imported:\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.label(), s.Reason)
		}
	}
	return b.String()
}

func (s Skipped) label() string {
	if strings.HasSuffix(s.Path, "/") {
		return fmt.Sprintf("%s (%s)", s.Path, plural(s.Files, "file"))
	}
	return s.Path
}

// Markdown is the report as written to import-report.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Import report\n\n`kb import %s` read %s and wrote %s and %s.\n",
		r.Kind, r.Src, plural(r.Pages, "page"), plural(r.Files, "static file"))
	if c := sortedCounts(r.Converted); len(c) > 0 {
		b.WriteString("\n## Converted\n\n| construct | count |\n|---|---:|\n")
		for _, c := range c {
			fmt.Fprintf(&b, "| %s | %d |\n", mdCell(c.Construct), c.N)
		}
	}
	b.WriteString("\n## Left to convert by hand\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("Nothing: every construct was converted.\n")
	} else {
		b.WriteString("Each of these is still in the page, as the source had it. Convert it by hand, then run `kb lint`.\n\n| construct | count |\n|---|---:|\n")
		for _, c := range r.Counts() {
			fmt.Fprintf(&b, "| %s | %d |\n", mdCell(c.Construct), c.N)
		}
		b.WriteString("\n```text\n")
		for _, f := range r.Findings {
			b.WriteString(f.String() + "\n")
		}
		b.WriteString("```\n")
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\n## Not imported\n\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "- `%s`: %s\n", s.label(), s.Reason)
		}
	}
	return b.String()
}

func mdCell(s string) string {
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
