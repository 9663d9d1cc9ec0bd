// Package diag is kb's one diagnostic type: a problem at a place in a
// file. site.yaml's errors (package config), a page that does not load
// (content), a layout that fails (render) and a lint finding (lint) are
// all a Diagnostic, so every caller gets the file, line, column and rule
// from fields (errors.As), and nothing parses an error's text back.
//
// A Diagnostic prints in one of two forms:
//
//	content/articles/x.md:12:5: error: jargon: Say "use" …   a lint finding (it has a Rule)
//	site.yaml:3: base_url: "x" is not an absolute URL         any other problem
//
// A finding always shows its line and column (at least 1:1) and is kept
// on one line (see OneLine). Another problem shows the line when it is
// known, and just "file: message" when it is not; the column, when
// known, is in Col for editors and kb serve's overlay. A problem with no
// file (a site folder that does not exist) is its message alone.
//
// *Diagnostic is an error; List is several as one error.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Level is how much a diagnostic matters: an error fails kb lint and
// stops kb build, a warning and a note are reported only. Off turns a
// lint rule off; no diagnostic has it.
type Level uint8

// The levels, from least to most severe.
const (
	Off Level = iota
	Note
	Warning
	Error
)

var levelNames = [...]string{Off: "off", Note: "note", Warning: "warning", Error: "error"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", l)
}

// MarshalText writes the level's name (error, warning, note, off).
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(b []byte) error {
	v, ok := ParseLevel(string(b))
	if !ok {
		return fmt.Errorf("unknown level %q (want error, warning, note or off)", b)
	}
	*l = v
	return nil
}

// ParseLevel reads error, warning, note or off.
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if s == n {
			return Level(i), true
		}
	}
	return Off, false
}

// Diagnostic is one problem at one place. Lines and columns are 1-based
// and count the whole file (a page's front matter included); columns
// count Unicode code points; 0 means unknown. The JSON form is kb lint
// --format json's finding, whose field names are stable.
type Diagnostic struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
	// EndLine and EndCol mark the character just after the offending text
	// of a lint finding (EndCol is exclusive, as in SARIF); they equal Line
	// and Col when the end is not known.
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_column"`
	Rule    string `json:"rule"`
	Level   Level  `json:"level"`
	Message string `json:"message"`
	// Fingerprint identifies a lint finding within its file for
	// baselines: a hash of the rule and the offending text, not of the line.
	Fingerprint string `json:"fingerprint"`

	// Field is the front-matter key path a problem of a page is about
	// ("updated", "features.0.docs"), if any.
	Field string `json:"-"`
	// LineHash identifies the text of a finding's line, for SARIF's
	// partial fingerprints.
	LineHash string `json:"-"`
}

// Error is the diagnostic's String.
func (d *Diagnostic) Error() string { return d.String() }

func (d Diagnostic) String() string {
	switch {
	case d.Rule != "":
		return fmt.Sprintf("%s:%d:%d: %s: %s: %s", OneLine(d.File), d.Line, d.Col, d.Level, d.Rule, OneLine(d.Message))
	case d.File == "":
		return d.Message
	case d.Line > 0:
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message)
	}
	return d.File + ": " + d.Message
}

// At returns an error-level Diagnostic at a file and line (0: unknown).
func At(file string, line int, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Line: line, Level: Error, Message: fmt.Sprintf(format, args...)}
}

// Sort orders lint findings by file, line, column, rule and message.
func Sort(list []Diagnostic) {
	slices.SortStableFunc(list, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

// Count counts the diagnostics at a level.
func Count(list []Diagnostic, l Level) int {
	n := 0
	for _, d := range list {
		if d.Level == l {
			n++
		}
	}
	return n
}

// List is several diagnostics as one error: its text is theirs, one a
// line, and errors.As finds each of them.
type List []*Diagnostic

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, d := range l {
		msgs[i] = d.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the diagnostics as errors.
func (l List) Unwrap() []error {
	errs := make([]error, len(l))
	for i, d := range l {
		errs[i] = d
	}
	return errs
}

// Sort orders the list by file, line and column; problems at one place
// keep their order.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b *Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// Err returns the list as an error: nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// OneLine makes a text safe to print as one line of a terminal or log:
// line breaks become spaces, and control and bidirectional-override
// characters (which a link or title in a page may carry) are shown
// escaped, so that no page can start a new finding, move the cursor or
// reorder text.
func OneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Join(strings.Fields(s), " ")
	}
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
