package lint

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/diag"
)

// A baseline is the findings a team has accepted for now, so that it can
// adopt the checklist without fixing every finding first: kb lint
// --write-baseline records today's findings, and with a baseline (kb lint
// --baseline, or site.yaml's lint.baseline for kb lint, kb build and kb
// serve) only findings it does not hold count.
//
// A finding matches a baseline entry by its rule, its file and its
// fingerprint: a hash of the rule and of the offending text (the word, the
// link, the front-matter value, the heading), not of its line, so that
// edits elsewhere in the file do not raise it again. Findings about a
// whole page (a missing field or section, an orphan) and the page-wide
// rules (readability, single-topic, screenshots) have no offending text:
// they match on rule and file. A file may have as many findings of a rule
// and fingerprint as the baseline holds; one more is new.

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// BaselineEntry is one accepted finding. Line and Message are for the
// reader of the file; matching ignores them.
type BaselineEntry struct {
	File        string `json:"file"`
	Rule        string `json:"rule"`
	Fingerprint string `json:"fingerprint"`
	Line        int    `json:"line,omitempty"`
	Message     string `json:"message,omitempty"`
}

// baselineFile is the JSON document of a baseline.
type baselineFile struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// Baseline is a read baseline file.
type Baseline struct {
	// Path is where it was read from, for messages.
	Path    string
	Entries []BaselineEntry
}

type baselineKey struct{ file, rule, fingerprint string }

// ReadBaseline reads a baseline file. Its errors name the file (and the
// line of a JSON error).
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such baseline file; record one with kb lint --write-baseline %s", path, path)
		}
		return nil, err
	}
	return ParseBaseline(path, data)
}

// ParseBaseline reads the bytes of a baseline file; path is for messages.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	var f baselineFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		line := 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		case errors.As(err, &te):
			line = 1 + bytes.Count(data[:min(int(te.Offset), len(data))], []byte("\n"))
		}
		if line > 0 {
			return nil, fmt.Errorf("%s:%d: not a kb lint baseline: %v", path, line, err)
		}
		return nil, fmt.Errorf("%s: not a kb lint baseline: %v", path, err)
	}
	if f.Version != BaselineVersion {
		return nil, fmt.Errorf("%s: baseline version %d, want %d; record it again with kb lint --write-baseline %s", path, f.Version, BaselineVersion, path)
	}
	for i, e := range f.Findings {
		if e.File == "" || e.Rule == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: finding %d lacks its file, rule or fingerprint", path, i+1)
		}
	}
	return &Baseline{Path: path, Entries: f.Findings}, nil
}

// NewBaseline makes a baseline of findings (site-relative paths).
func NewBaseline(findings []Finding) *Baseline {
	b := &Baseline{}
	for _, f := range findings {
		b.Entries = append(b.Entries, BaselineEntry{File: f.File, Rule: f.Rule, Fingerprint: f.Fingerprint, Line: f.Line, Message: diag.OneLine(f.Message)})
	}
	return b
}

// Merge returns b's entries of the files keep accepts (those not checked
// again) with the entries of other: how kb lint --write-baseline PATH
// updates the entries of some files only.
func (b *Baseline) Merge(other *Baseline, keep func(file string) bool) *Baseline {
	out := &Baseline{Path: b.Path}
	for _, e := range b.Entries {
		if keep(e.File) {
			out.Entries = append(out.Entries, e)
		}
	}
	out.Entries = append(out.Entries, other.Entries...)
	return out
}

// Write writes the baseline as JSON, its entries sorted by file, line,
// rule and fingerprint, so that it diffs well under version control.
func (b *Baseline) Write(w io.Writer) error {
	entries := slices.Clone(b.Entries)
	slices.SortStableFunc(entries, func(x, y BaselineEntry) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.Fingerprint, y.Fingerprint))
	})
	if entries == nil {
		entries = []BaselineEntry{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(baselineFile{Version: BaselineVersion, Tool: "kb lint", Findings: entries})
}

// apply splits findings into new ones and those the baseline holds, and
// counts the entries of the checked files no finding matched (fixed since).
func (b *Baseline) apply(findings []Finding, checked []string) (fresh, baselined []Finding, fixed int) {
	left := map[baselineKey]int{}
	for _, e := range b.Entries {
		left[baselineKey{e.File, e.Rule, e.Fingerprint}]++
	}
	for _, f := range findings {
		k := baselineKey{f.File, f.Rule, f.Fingerprint}
		if left[k] > 0 {
			left[k]--
			baselined = append(baselined, f)
		} else {
			fresh = append(fresh, f)
		}
	}
	isChecked := map[string]bool{}
	for _, f := range checked {
		isChecked[f] = true
	}
	for k, n := range left {
		if isChecked[k.file] {
			fixed += n
		}
	}
	return fresh, baselined, fixed
}

// siteBaseline reads site.yaml's lint.baseline, relative to the site
// folder; nil when it is not set.
func siteBaseline(cfg *config.Config) (*Baseline, error) {
	if cfg == nil || cfg.Lint.Baseline == "" {
		return nil, nil
	}
	p := cfg.Lint.Baseline
	if !filepath.IsAbs(p) {
		p = filepath.Join(cfg.Dir, filepath.FromSlash(p))
	}
	b, err := ReadBaseline(p)
	if err != nil {
		return nil, cfg.Errorf("lint.baseline", "lint.baseline: %v", err)
	}
	b.Path = cfg.Lint.Baseline
	return b, nil
}

// fingerprint identifies a finding within its file: its rule and the
// offending text, with runs of white space as one space.
func fingerprint(rule, text string) string {
	sum := sha256.Sum256([]byte(rule + "\x00" + strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:8])
}

// pageWide are the rules whose findings are about the page as a whole
// even when they point at a place in it (the hardest paragraph, the ninth
// section, the first list): their fingerprints leave the text out.
var pageWide = map[string]bool{RuleReadability: true, RuleSingleTopic: true, RuleScreenshots: true}

// columns returns the text of a line from column from to column to (1-based,
// in code points, to exclusive; 0 means the end of the line).
func columns(line string, from, to int) string {
	if from < 1 {
		from = 1
	}
	i, col := 0, 1
	for col < from && i < len(line) {
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
		col++
	}
	start := i
	if to <= 0 {
		return line[start:]
	}
	for col < to && i < len(line) {
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
		col++
	}
	return line[start:i]
}
