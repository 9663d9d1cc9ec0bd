package lint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/octoacme/kb/internal/diag"
)

// Formats are the output formats of kb lint.
var Formats = []string{"text", "json", "github", "sarif"}

// ReportOptions configure Write.
type ReportOptions struct {
	// Format is text, json, github or sarif.
	Format string
	// Files is the number of files checked, for the summary.
	Files int
	// ToolVersion is kb's version, for JSON and SARIF.
	ToolVersion string
	// Levels are the levels in force, for SARIF's rule metadata; nil means the defaults.
	Levels Levels
	// Baseline names the baseline applied ("" for none); Baselined are
	// the findings it held (left out of the findings reported, but in
	// SARIF with baselineState "unchanged"), and Fixed counts its entries
	// no finding matched any more.
	Baseline  string
	Baselined []Finding
	Fixed     int
}

// Write reports findings in a format.
func Write(w io.Writer, findings []Finding, o ReportOptions) error {
	switch o.Format {
	case "", "text":
		return writeText(w, findings, o)
	case "json":
		return WriteJSON(w, findings, o)
	case "github":
		return writeGitHub(w, findings, o)
	case "sarif":
		return WriteSARIF(w, findings, o)
	}
	return fmt.Errorf("unknown format %q (want %s)", o.Format, strings.Join(Formats, ", "))
}

// summary is Summary and what the baseline held: "29 files checked: 1
// error, 0 warnings, 0 notes; 1049 findings baselined in lint-baseline.json".
func (o ReportOptions) summary(findings []Finding) string {
	s := Summary(findings, o.Files)
	if o.Baseline == "" {
		return s
	}
	s += fmt.Sprintf("; %s baselined in %s", plural(len(o.Baselined), "finding"), o.Baseline)
	if o.Fixed > 0 {
		them := "them"
		if o.Fixed == 1 {
			them = "it"
		}
		s += fmt.Sprintf("; %s of the baseline no longer found (kb lint --write-baseline %s drops %s)", plural(o.Fixed, "entry"), o.Baseline, them)
	}
	return s
}

// Summary is the one-line count of findings: "29 files checked: 1 error, 2 warnings, 0 notes".
func Summary(findings []Finding, files int) string {
	var e, w, n int
	for _, f := range findings {
		switch f.Level {
		case Error:
			e++
		case Warning:
			w++
		case Note:
			n++
		}
	}
	return fmt.Sprintf("%s checked: %s, %s, %s", plural(files, "file"), plural(e, "error"), plural(w, "warning"), plural(n, "note"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// WriteText writes one line a finding, path:line:col: level: rule: message,
// then the summary line.
func WriteText(w io.Writer, findings []Finding, files int) error {
	return writeText(w, findings, ReportOptions{Files: files})
}

func writeText(w io.Writer, findings []Finding, o ReportOptions) error {
	bw := bufio.NewWriter(w)
	for _, f := range findings {
		fmt.Fprintln(bw, f)
	}
	fmt.Fprintln(bw, o.summary(findings))
	return bw.Flush()
}

// JSONReport is the document kb lint --format json writes. Its fields are
// stable: new fields may be added, none is renamed or removed.
type JSONReport struct {
	// Version is the schema's version, 1.
	Version int    `json:"version"`
	Tool    string `json:"tool"`
	// ToolVersion is kb's version.
	ToolVersion string `json:"tool_version"`
	Files       int    `json:"files"`
	Errors      int    `json:"errors"`
	Warnings    int    `json:"warnings"`
	Notes       int    `json:"notes"`
	// Baseline is the baseline applied, if any; Baselined counts the
	// findings it held (not in Findings, nor in the counts above), and
	// BaselineFixed its entries no finding matched any more.
	Baseline      string `json:"baseline,omitempty"`
	Baselined     int    `json:"baselined"`
	BaselineFixed int    `json:"baseline_fixed"`
	// Findings are sorted by file, line and column; never null.
	Findings []Finding `json:"findings"`
}

// WriteJSON writes a JSONReport.
func WriteJSON(w io.Writer, findings []Finding, o ReportOptions) error {
	r := JSONReport{Version: 1, Tool: "kb", ToolVersion: o.ToolVersion, Files: o.Files, Findings: findings,
		Baseline: o.Baseline, Baselined: len(o.Baselined), BaselineFixed: o.Fixed}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, f := range findings {
		switch f.Level {
		case Error:
			r.Errors++
		case Warning:
			r.Warnings++
		case Note:
			r.Notes++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteGitHub writes GitHub Actions workflow commands, one a finding:
//
//	::error file=content/x.md,line=12,col=5,endColumn=14,title=jargon::Say "use" instead of "utilize"
//
// then the summary line. Columns are sent only for findings on one line
// (the runner drops them otherwise); endColumn is the last column of the
// offending text.
func WriteGitHub(w io.Writer, findings []Finding, files int) error {
	return writeGitHub(w, findings, ReportOptions{Files: files})
}

func writeGitHub(w io.Writer, findings []Finding, o ReportOptions) error {
	bw := bufio.NewWriter(w)
	for _, f := range findings {
		cmd := "notice"
		switch f.Level {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(f.File), "line=" + strconv.Itoa(f.Line)}
		if f.EndLine > f.Line {
			props = append(props, "endLine="+strconv.Itoa(f.EndLine))
		} else {
			props = append(props, "col="+strconv.Itoa(f.Col))
			if f.EndCol-1 > f.Col {
				props = append(props, "endColumn="+strconv.Itoa(f.EndCol-1))
			}
		}
		props = append(props, "title="+escapeProperty(f.Rule))
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(f.Message))
	}
	fmt.Fprintln(bw, o.summary(findings))
	return bw.Flush()
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	s = escapeData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// WriteStepSummary writes a Markdown table of every finding, for
// $GITHUB_STEP_SUMMARY (GitHub shows only ten annotations of each level
// per step), after the summary line.
func WriteStepSummary(w io.Writer, findings []Finding, o ReportOptions) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "### kb lint\n\n%s\n\n", markdownCell(o.summary(findings)))
	if len(findings) > 0 {
		fmt.Fprintln(bw, "| Level | Location | Rule | Message |")
		fmt.Fprintln(bw, "|---|---|---|---|")
		for _, f := range findings {
			fmt.Fprintf(bw, "| %s | `%s:%d:%d` | `%s` | %s |\n", f.Level, strings.ReplaceAll(f.File, "`", "'"), f.Line, f.Col, f.Rule, markdownCell(f.Message))
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}

func markdownCell(s string) string {
	s = diag.OneLine(s)
	r := strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;")
	return r.Replace(s)
}

// The SARIF 2.1.0 document, as much of it as kb writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		SemanticVersion string      `json:"semanticVersion"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string       `json:"id"`
		ShortDescription     sarifText    `json:"shortDescription"`
		FullDescription      sarifText    `json:"fullDescription"`
		Help                 sarifText    `json:"help"`
		DefaultConfiguration sarifDefault `json:"defaultConfiguration"`
	}
	sarifDefault struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		// BaselineState is "new" or "unchanged" when a baseline was applied.
		BaselineState string `json:"baselineState,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
)

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

// SARIFSchema is the schema URI of SARIF 2.1.0.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

func sarifLevel(l Level) string {
	switch l {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return "none"
}

// WriteSARIF writes a SARIF 2.1.0 log for GitHub code scanning: every
// rule's metadata and one result a finding, at repository-relative paths,
// with columns in Unicode code points.
func WriteSARIF(w io.Writer, findings []Finding, o ReportOptions) error {
	version := strings.TrimPrefix(o.ToolVersion, "v")
	if !semver.MatchString(version) {
		version = "0.0.0-dev"
	}
	driver := sarifDriver{Name: "kb lint", SemanticVersion: version}
	for _, r := range rules {
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.ID,
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Why + " (Checklist: " + r.Checklist + ".)"},
			Help:                 sarifText{r.Fix},
			DefaultConfiguration: sarifDefault{Level: sarifLevel(r.Default)},
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	seen := map[string]int{}
	// With a baseline, the findings it held are results too, after the
	// new ones, marked unchanged.
	all := append(slices.Clip(findings), o.Baselined...)
	for i, f := range all {
		state := ""
		if o.Baseline != "" {
			state = "new"
			if i >= len(findings) {
				state = "unchanged"
			}
		}
		endLine, endCol := f.EndLine, f.EndCol
		if endLine < f.Line || endLine == f.Line && endCol <= f.Col {
			endLine, endCol = f.Line, f.Col+1
		}
		// The fingerprint follows the finding's text, not its line number,
		// so code scanning keeps tracking it when lines above it move.
		sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.File + "\x00" + f.LineHash + "\x00" + f.Message))
		hash := hex.EncodeToString(sum[:8])
		seen[hash]++
		run.Results = append(run.Results, sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Level),
			Message: sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(f.File)},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Col, EndLine: endLine, EndColumn: endCol},
			}}},
			PartialFingerprints: map[string]string{"primaryLocationLineHash": hash + ":" + strconv.Itoa(seen[hash])},
			BaselineState:       state,
		})
	}
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifURI makes a path a URI reference: relative paths stay relative
// (to the repository root), absolute ones become file: URIs.
func sarifURI(p string) string {
	p = filepath.ToSlash(p)
	esc := func(s string) string {
		return strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F").Replace(s)
	}
	if strings.HasPrefix(p, "/") {
		return "file://" + esc(p)
	}
	if len(p) > 2 && p[1] == ':' && p[2] == '/' { // C:/…
		return "file:///" + esc(p)
	}
	return esc(p)
}

// WriteRules lists the rules: id, level and what each checks, with the
// checklist item it enforces below. With levels set, the level is the one
// in force, and the default is shown when it differs.
func WriteRules(w io.Writer, levels Levels) error {
	bw := bufio.NewWriter(w)
	idW, lvW := len("RULE"), len("LEVEL")
	lvs := make([]string, len(rules))
	for i, r := range rules {
		lvs[i] = r.Default.String()
		if levels != nil && levels[r.ID] != r.Default {
			lvs[i] = fmt.Sprintf("%s (default %s)", levels[r.ID], r.Default)
		}
		idW, lvW = max(idW, len(r.ID)), max(lvW, len(lvs[i]))
	}
	fmt.Fprintf(bw, "%-*s  %-*s  %s\n", idW, "RULE", lvW, "LEVEL", "WHAT IT CHECKS")
	for i, r := range rules {
		fmt.Fprintf(bw, "%-*s  %-*s  %s\n", idW, r.ID, lvW, lvs[i], r.Summary)
		fmt.Fprintf(bw, "%*s  Checklist: %s\n", idW+lvW+2, "", r.Checklist)
	}
	return bw.Flush()
}

// WriteRulesJSON lists the rules as JSON: id, level, default, checklist, summary, why, fix.
func WriteRulesJSON(w io.Writer, levels Levels) error {
	type rule struct {
		ID        string `json:"id"`
		Level     Level  `json:"level"`
		Default   Level  `json:"default"`
		Checklist string `json:"checklist"`
		Summary   string `json:"summary"`
		Why       string `json:"why"`
		Fix       string `json:"fix"`
	}
	var out []rule
	for _, r := range rules {
		lv := r.Default
		if levels != nil {
			lv = levels[r.ID]
		}
		out = append(out, rule{r.ID, lv, r.Default, r.Checklist, r.Summary, r.Why, r.Fix})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
