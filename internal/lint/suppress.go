package lint

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	"github.com/octoacme/kb/internal/content"
)

// directive is a kb-lint comment with its place in the file.
type directive struct {
	kind  string // disable, enable, disable-next-line
	rules []string
	pos   content.Pos // where the comment starts
	// endLine is the line the comment ends on; disable-next-line covers the line after it.
	endLine int
	// used records, per rule named (or "" for all rules), whether it suppressed a finding.
	used map[string]bool
}

func (d *directive) names(rule string) bool {
	return len(d.rules) == 0 || slices.Contains(d.rules, rule)
}

func (d *directive) markUsed(rule string) {
	if len(d.rules) == 0 {
		d.used[""] = true
	} else {
		d.used[rule] = true
	}
}

// directives reads a page's kb-lint comments, in source order.
func directives(p *content.Page) []*directive {
	var out []*directive
	body := p.Body()
	for _, d := range p.Doc.Directives {
		if d.Offset < 0 || d.Offset > len(body) {
			continue
		}
		end := d.Offset
		if i := bytes.Index(body[d.Offset:], []byte("-->")); i >= 0 {
			end = d.Offset + i
		}
		out = append(out, &directive{kind: d.Kind, rules: d.Rules, pos: p.Pos(d.Offset), endLine: p.Pos(end).Line, used: map[string]bool{}})
	}
	return out
}

// suppress drops the findings of one page that its kb-lint comments or its
// front matter lint.disable turn off, and adds suppression findings for
// comments and entries that name unknown rules or suppress nothing.
func (c *checker) suppress(p *content.Page, fs []Finding) []Finding {
	dirs := directives(p)
	fileUsed := make([]bool, len(p.LintDisable))
	keep := make([]bool, len(fs))
	for i, f := range fs {
		if j := slices.Index(p.LintDisable, f.Rule); j >= 0 {
			fileUsed[j] = true
			continue
		}
		keep[i] = true
	}
	if len(dirs) > 0 {
		for i, d := range suppressedBy(dirs, fs, keep) {
			if d != nil {
				d.markUsed(fs[i].Rule)
				keep[i] = false
			}
		}
	}
	out := make([]Finding, 0, len(fs))
	for i, f := range fs {
		if keep[i] {
			out = append(out, f)
		}
	}
	if !c.on(RuleSuppression) || slices.Contains(p.LintDisable, RuleSuppression) {
		return out
	}
	e := c.emitter(p)
	for i, r := range p.LintDisable {
		key := "lint.disable." + strconv.Itoa(i)
		switch {
		case !known(r):
			e.field(RuleSuppression, key, unknownRule(r))
		case !fileUsed[i] && c.on(r):
			e.field(RuleSuppression, key, fmt.Sprintf("lint.disable lists %q, but the page has no %s finding to suppress; remove it", r, r))
		}
	}
	for _, d := range dirs {
		start := d.pos
		end := content.Pos{Line: start.Line, Col: e.lineEnd(start.Line, start.Col)}
		for _, r := range d.rules {
			if !known(r) {
				e.add(RuleSuppression, start, end, unknownRule(r))
			}
		}
		if d.kind == "enable" {
			continue
		}
		if len(d.rules) == 0 {
			if !d.used[""] {
				e.add(RuleSuppression, start, end, fmt.Sprintf("this kb-lint-%s comment suppresses no finding; remove it", d.kind))
			}
			continue
		}
		for _, r := range d.rules {
			if known(r) && c.on(r) && !d.used[r] {
				e.add(RuleSuppression, start, end, fmt.Sprintf("this kb-lint-%s comment names %q, but there is no %s finding to suppress; remove it", d.kind, r, r))
			}
		}
	}
	return append(out, e.out...)
}

func known(rule string) bool {
	_, ok := ruleIndex[rule]
	return ok
}

func unknownRule(r string) string {
	msg := fmt.Sprintf("unknown rule %q", r)
	if s := closest(r); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg + "; kb lint --list-rules lists the rules"
}

// suppressedBy returns, for each finding to consider, the comment that
// turns it off, or nil. The comments are replayed in source order once,
// alongside the findings in position order: disable and enable ranges (with
// or without rules), and disable-next-line for the line after the comment.
func suppressedBy(dirs []*directive, fs []Finding, consider []bool) []*directive {
	by := make([]*directive, len(fs))
	nextLine := map[int][]*directive{}
	var ranges []*directive
	for _, d := range dirs {
		if d.kind == "disable-next-line" {
			nextLine[d.endLine+1] = append(nextLine[d.endLine+1], d)
		} else {
			ranges = append(ranges, d)
		}
	}
	order := make([]int, 0, len(fs))
	for i := range fs {
		if consider[i] {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if fs[a].Line != fs[b].Line {
			return fs[a].Line - fs[b].Line
		}
		return fs[a].Col - fs[b].Col
	})
	var all *directive                // an open disable of every rule
	byRule := map[string]*directive{} // open disables of single rules
	enabled := map[string]bool{}      // rules enabled again inside a disable of every rule
	next := 0
	for _, i := range order {
		f := fs[i]
		for ; next < len(ranges); next++ {
			d := ranges[next]
			if d.pos.Line > f.Line || d.pos.Line == f.Line && d.pos.Col > f.Col {
				break
			}
			switch {
			case d.kind == "disable" && len(d.rules) == 0:
				all, byRule, enabled = d, map[string]*directive{}, map[string]bool{}
			case d.kind == "disable":
				for _, r := range d.rules {
					byRule[r] = d
					delete(enabled, r)
				}
			case d.kind == "enable" && len(d.rules) == 0:
				all, byRule, enabled = nil, map[string]*directive{}, map[string]bool{}
			case d.kind == "enable":
				for _, r := range d.rules {
					delete(byRule, r)
					if all != nil {
						enabled[r] = true
					}
				}
			}
		}
		for _, d := range nextLine[f.Line] {
			if d.names(f.Rule) {
				by[i] = d
				break
			}
		}
		if by[i] != nil {
			continue
		}
		if d := byRule[f.Rule]; d != nil {
			by[i] = d
		} else if all != nil && !enabled[f.Rule] {
			by[i] = all
		}
	}
	return by
}
