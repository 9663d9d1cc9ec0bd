package lint

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var sample = []Finding{
	{File: "content/articles/a.md", Line: 3, Col: 5, EndLine: 3, EndCol: 15, Rule: RuleJargon, Level: Warning, Message: `Say "safe to repeat" instead of "idempotent"`, LineHash: "0123456789abcdef"},
	{File: "content/articles/a.md", Line: 1, Col: 1, EndLine: 1, EndCol: 4, Rule: RuleOrphan, Level: Note, Message: "no other page links to this page"},
	{File: "content/faq/b, c:d.md", Line: 7, Col: 2, EndLine: 9, EndCol: 1, Rule: RuleBrokenLink, Level: Error, Message: "100% broken\r\nsecond line | pipe <b>"},
}

func sorted() []Finding {
	fs := append([]Finding(nil), sample...)
	SortFindings(fs)
	return fs
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sorted(), 2); err != nil {
		t.Fatal(err)
	}
	want := `content/articles/a.md:1:1: note: orphan: no other page links to this page
content/articles/a.md:3:5: warning: jargon: Say "safe to repeat" instead of "idempotent"
content/faq/b, c:d.md:7:2: error: broken-link: 100% broken second line | pipe <b>
2 files checked: 1 error, 1 warning, 1 note
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	WriteText(&b, nil, 1)
	if b.String() != "1 file checked: 0 errors, 0 warnings, 0 notes\n" {
		t.Errorf("empty report: %q", b.String())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sorted(), ReportOptions{Files: 2, ToolVersion: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Version     int    `json:"version"`
		Tool        string `json:"tool"`
		ToolVersion string `json:"tool_version"`
		Files       int    `json:"files"`
		Errors      int    `json:"errors"`
		Warnings    int    `json:"warnings"`
		Notes       int    `json:"notes"`
		Baselined   int    `json:"baselined"`
		Fixed       int    `json:"baseline_fixed"`
		Findings    []struct {
			File        string `json:"file"`
			Line        int    `json:"line"`
			Column      int    `json:"column"`
			EndLine     int    `json:"end_line"`
			EndColumn   int    `json:"end_column"`
			Rule        string `json:"rule"`
			Level       string `json:"level"`
			Message     string `json:"message"`
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Tool != "kb" || r.ToolVersion != "1.2.3" || r.Files != 2 || r.Errors != 1 || r.Warnings != 1 || r.Notes != 1 || len(r.Findings) != 3 {
		t.Errorf("report: %+v", r)
	}
	f := r.Findings[1]
	if f.File != "content/articles/a.md" || f.Line != 3 || f.Column != 5 || f.EndLine != 3 || f.EndColumn != 15 || f.Rule != "jargon" || f.Level != "warning" || !strings.Contains(f.Message, "idempotent") {
		t.Errorf("finding: %+v", f)
	}
	b.Reset()
	WriteJSON(&b, nil, ReportOptions{})
	if !strings.Contains(b.String(), `"findings": []`) {
		t.Errorf("no findings is not an empty list: %s", b.String())
	}
}

func TestWriteGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := WriteGitHub(&b, sorted(), 2); err != nil {
		t.Fatal(err)
	}
	want := `::notice file=content/articles/a.md,line=1,col=1,endColumn=3,title=orphan::no other page links to this page
::warning file=content/articles/a.md,line=3,col=5,endColumn=14,title=jargon::Say "safe to repeat" instead of "idempotent"
::error file=content/faq/b%2C c%3Ad.md,line=7,endLine=9,title=broken-link::100%25 broken%0D%0Asecond line | pipe <b>
2 files checked: 1 error, 1 warning, 1 note
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := escapeProperty("a%b\r\nc:d,e"); got != "a%25b%0D%0Ac%3Ad%2Ce" {
		t.Errorf("escapeProperty = %q", got)
	}
	if got := escapeData("a%b\r\nc:d,e"); got != "a%25b%0D%0Ac:d,e" {
		t.Errorf("escapeData = %q", got)
	}
}

func TestWriteStepSummary(t *testing.T) {
	var b bytes.Buffer
	if err := WriteStepSummary(&b, sorted(), ReportOptions{Files: 2}); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{
		"### kb lint\n\n2 files checked: 1 error, 1 warning, 1 note\n",
		"| Level | Location | Rule | Message |\n|---|---|---|---|\n",
		"| warning | `content/articles/a.md:3:5` | `jargon` | Say \"safe to repeat\" instead of \"idempotent\" |\n",
		"| error | `content/faq/b, c:d.md:7:2` | `broken-link` | 100% broken second line \\| pipe &lt;b&gt; |\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// TestWriteSARIF checks the fields GitHub code scanning reads, as
// ../shared/notes/lint.md lists them.
func TestWriteSARIF(t *testing.T) {
	var b bytes.Buffer
	fs := sorted()
	fs = append(fs, Finding{File: "/abs/path/x y.md", Line: 2, Col: 3, EndLine: 2, EndCol: 3, Rule: RuleTitle, Level: Error, Message: "m"})
	if err := WriteSARIF(&b, fs, ReportOptions{ToolVersion: "dev"}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name            string `json:"name"`
					SemanticVersion string `json:"semanticVersion"`
					Rules           []struct {
						ID                   string `json:"id"`
						ShortDescription     struct{ Text string }
						FullDescription      struct{ Text string }
						Help                 struct{ Text string }
						DefaultConfiguration struct{ Level string }
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			ColumnKind string `json:"columnKind"`
			Results    []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(log.Schema, "sarif-2.1.0.json") || log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("header: %s %s %d runs", log.Schema, log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name == "" || d.SemanticVersion != "0.0.0-dev" || len(d.Rules) != len(Rules()) {
		t.Errorf("driver: %q %q %d rules", d.Name, d.SemanticVersion, len(d.Rules))
	}
	for i, r := range d.Rules {
		if r.ID != Rules()[i].ID || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" {
			t.Errorf("rule %d: %+v", i, r)
		}
		if lv := r.DefaultConfiguration.Level; lv != "error" && lv != "warning" && lv != "note" {
			t.Errorf("rule %s: level %q", r.ID, lv)
		}
	}
	if run.ColumnKind != "unicodeCodePoints" || len(run.Results) != 4 {
		t.Fatalf("columnKind %q, %d results", run.ColumnKind, len(run.Results))
	}
	r := run.Results[1]
	loc := r.Locations[0].PhysicalLocation
	if r.RuleID != "jargon" || r.Level != "warning" || !strings.Contains(r.Message.Text, "idempotent") ||
		loc.ArtifactLocation.URI != "content/articles/a.md" || loc.Region.StartLine != 3 || loc.Region.StartColumn != 5 ||
		loc.Region.EndLine != 3 || loc.Region.EndColumn != 15 || r.PartialFingerprints["primaryLocationLineHash"] == "" {
		t.Errorf("result: %+v", r)
	}
	if lv := run.Results[0].Level; lv != "note" {
		t.Errorf("a note is %q", lv)
	}
	if u := run.Results[3].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "file:///abs/path/x%20y.md" {
		t.Errorf("absolute uri = %q", u)
	}
	// An empty region gets one column, as SARIF wants end after start.
	if reg := run.Results[3].Locations[0].PhysicalLocation.Region; reg.EndColumn != 4 {
		t.Errorf("empty region: %+v", reg)
	}
	// Fingerprints follow the text, not the line number.
	moved := sample[0]
	moved.Line, moved.EndLine = 30, 30
	var b2 bytes.Buffer
	WriteSARIF(&b2, []Finding{moved}, ReportOptions{ToolVersion: "v1.4.0"})
	if !strings.Contains(b2.String(), r.PartialFingerprints["primaryLocationLineHash"]) || !strings.Contains(b2.String(), `"semanticVersion": "1.4.0"`) {
		t.Errorf("a moved finding changed its fingerprint, or the version is wrong:\n%s", b2.String())
	}
}

func TestWriteRules(t *testing.T) {
	var b bytes.Buffer
	levels := Levels{}
	for _, r := range Rules() {
		levels[r.ID] = r.Default
	}
	levels[RuleJargon] = Error
	if err := WriteRules(&b, levels); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, r := range Rules() {
		if !strings.Contains(s, "\n"+r.ID+" ") {
			t.Errorf("rule %s missing:\n%s", r.ID, s)
		}
	}
	if !strings.Contains(s, "error (default warning)") || !strings.Contains(s, "Checklist: Avoid jargon") {
		t.Errorf("levels or checklist items missing:\n%s", s)
	}
	b.Reset()
	if err := WriteRulesJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	var rules []map[string]string
	if err := json.Unmarshal(b.Bytes(), &rules); err != nil || len(rules) != len(Rules()) || rules[0]["id"] != "front-matter" || rules[0]["level"] != "error" {
		t.Errorf("rules JSON: %v %v", err, rules)
	}
}

func TestLevelText(t *testing.T) {
	for _, l := range []Level{Off, Note, Warning, Error} {
		b, _ := l.MarshalText()
		var back Level
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Errorf("%v round-trips to %v, %v", l, back, err)
		}
	}
	var l Level
	if err := l.UnmarshalText([]byte("loud")); err == nil {
		t.Error("accepted a bad level")
	}
}

// TestReportBaseline: text says how many findings the baseline held, JSON
// counts them, SARIF marks every result new or unchanged (and none without
// a baseline).
func TestReportBaseline(t *testing.T) {
	fs := sorted()
	o := ReportOptions{Files: 2, Baseline: "lint-baseline.json", Baselined: fs[:2], Fixed: 1}
	var b bytes.Buffer
	if err := Write(&b, fs[2:], o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "\n2 files checked: 1 error, 0 warnings, 0 notes; 2 findings baselined in lint-baseline.json; 1 entry of the baseline no longer found (kb lint --write-baseline lint-baseline.json drops it)\n") {
		t.Errorf("text:\n%s", b.String())
	}
	b.Reset()
	o.Format = "json"
	Write(&b, fs[2:], o)
	for _, w := range []string{`"baseline": "lint-baseline.json"`, `"baselined": 2`, `"baseline_fixed": 1`, `"errors": 1`, `"warnings": 0`} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("json lacks %s:\n%s", w, b.String())
		}
	}
	b.Reset()
	o.Format = "sarif"
	Write(&b, fs[2:], o)
	if strings.Count(b.String(), `"baselineState": "unchanged"`) != 2 || strings.Count(b.String(), `"baselineState": "new"`) != 1 {
		t.Errorf("sarif states:\n%s", b.String())
	}
	b.Reset()
	Write(&b, fs, ReportOptions{Format: "sarif"})
	if strings.Contains(b.String(), "baselineState") {
		t.Error("baselineState without a baseline")
	}
}
