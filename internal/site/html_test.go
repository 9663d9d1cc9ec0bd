package site

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	kb "github.com/octoacme/kb"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The theme's budget (notes/theme.md, principle 4).
const (
	cssBudget = 30 * 1024
	jsBudget  = 15 * 1024
)

// buildSampleHTML builds the sample site (the repository root) into a
// temporary folder and returns the folder and its HTML pages, slash-separated
// and sorted.
func buildSampleHTML(t *testing.T) (string, []string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Options{Dir: root, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatalf("build of the sample site failed:\n%v", err)
	}
	var pages []string
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("the build wrote no HTML pages")
	}
	sort.Strings(pages)
	return out, pages
}

// vnuJar finds the Nu HTML Checker: $VNU_JAR, else the copy .ci/run installs.
// Without it (or without java) the test is skipped, except in CI (KB_CI set),
// where it fails.
func vnuJar(t *testing.T) string {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("KB_CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	jar := os.Getenv("VNU_JAR")
	if jar == "" {
		jar = filepath.Join("..", "..", ".ci", "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	}
	if _, err := os.Stat(jar); err != nil {
		missing("vnu.jar not found: run .ci/run, or npm install vnu-jar")
	}
	if _, err := exec.LookPath("java"); err != nil {
		missing("java not found: the Nu HTML Checker (vnu.jar) needs Java 11 or later")
	}
	return jar
}

// vnuReport is the part of the checker's --format json output the test reads.
type vnuReport struct {
	Messages []struct {
		Type      string `json:"type"`
		SubType   string `json:"subType"`
		URL       string `json:"url"`
		LastLine  int    `json:"lastLine"`
		FirstCol  int    `json:"firstColumn"`
		LastCol   int    `json:"lastColumn"`
		Message   string `json:"message"`
		Extract   string `json:"extract"`
		HiliteLen int    `json:"hiliteLength"`
	} `json:"messages"`
}

// servedSampleHTML writes the pages kb serve serves that differ from the
// build's (the feedback form posts to kb serve itself) into out/served/,
// and returns their paths under out.
func servedSampleHTML(t *testing.T, out string) []string {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	u, err := (&Session{Dir: root, Theme: kb.Theme, FeedbackEndpoint: "/api/feedback"}).Full(context.Background())
	if err != nil || len(u.Problems) > 0 {
		t.Fatalf("the sample site as kb serve renders it: %v %v", err, u.Problems)
	}
	var pages []string
	for name, data := range u.Files {
		if !strings.HasSuffix(name, ".html") || !bytes.Contains(data, []byte(`action="/api/feedback"`)) {
			continue
		}
		p := filepath.Join(out, "served", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, "served/"+name)
	}
	if len(pages) == 0 {
		t.Fatal("no page kb serve renders has the feedback form")
	}
	sort.Strings(pages)
	return pages
}

// TestHTMLValid runs the Nu HTML Checker on every page of the built sample
// site, and on the pages as kb serve renders them, and fails on any error,
// naming the file, line and message.
func TestHTMLValid(t *testing.T) {
	jar := vnuJar(t)
	out, pages := buildSampleHTML(t)
	pages = append(pages, servedSampleHTML(t, out)...)
	args := []string{"-jar", jar, "--errors-only", "--format", "json", "--stdout"}
	for _, p := range pages {
		args = append(args, filepath.Join(out, filepath.FromSlash(p)))
	}
	cmd := exec.Command("java", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exits 1 when it reports errors; the report says which
	var rep vnuReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("vnu: %v (%v)\nstdout: %s\nstderr: %s", err, runErr, stdout.Bytes(), stderr.Bytes())
	}
	errs := 0
	for _, m := range rep.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		errs++
		file := m.URL
		if u, err := url.Parse(m.URL); err == nil && u.Scheme == "file" {
			if rel, err := filepath.Rel(out, filepath.FromSlash(u.Path)); err == nil {
				file = filepath.ToSlash(rel)
			}
		}
		loc := file
		if m.LastLine > 0 {
			loc += ":" + strconv.Itoa(m.LastLine)
			if m.FirstCol > 0 {
				loc += ":" + strconv.Itoa(m.FirstCol)
			}
		}
		msg := m.Message
		if ex := strings.TrimSpace(m.Extract); ex != "" {
			msg += fmt.Sprintf("\n\t\t%q", ex)
		}
		t.Errorf("%s: %s", loc, msg)
	}
	if errs == 0 && runErr != nil {
		t.Fatalf("vnu failed without reporting an error: %v\n%s", runErr, stderr.Bytes())
	}
	if errs > 0 {
		t.Logf("%d HTML errors in %d pages; check one with: java -jar %s --errors-only FILE", errs, len(pages), jar)
	}
}

// TestThemeBudget keeps the default theme within its budget: one stylesheet
// under 30 KB and under 15 KB of script.
func TestThemeBudget(t *testing.T) {
	for _, c := range []struct {
		file  string
		limit int
	}{
		{"static/css/kb.css", cssBudget},
		{"static/js/kb.js", jsBudget},
	} {
		data, err := fs.ReadFile(kb.Theme, c.file)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) >= c.limit {
			t.Errorf("%s is %d bytes; the budget is under %d", c.file, len(data), c.limit)
		}
	}
}

// TestAccessibilityMusts checks on every built page what notes/theme.md §3.1
// requires and a parser can see: <html lang>, a title, a zoomable viewport,
// exactly one <h1>, heading levels that never skip, one <main id="main">, a
// skip link to #main as the first focusable element, a distinct aria-label
// on every <nav>, alt on every <img>, no positive tabindex, no duplicate ids.
func TestAccessibilityMusts(t *testing.T) {
	out, pages := buildSampleHTML(t)
	checked := 0
	for _, p := range pages {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if isRedirect(doc) {
			continue // an alias page: a meta refresh to the real one
		}
		checked++
		for _, problem := range a11yProblems(doc) {
			t.Errorf("%s: %s", p, problem)
		}
	}
	if checked == 0 {
		t.Fatal("no pages checked")
	}
}

// TestAccessibilityChecks makes sure the checks above catch what they claim to.
func TestAccessibilityChecks(t *testing.T) {
	bad := `<!doctype html><html><head><title>x</title>
<meta name="viewport" content="width=device-width, user-scalable=no"></head><body>
<a href="/">Home</a><a class="skip-link" href="#main">Skip</a>
<nav><a href="/a">A</a></nav><nav aria-label="Main"></nav><nav aria-label="Main"></nav>
<main id="content"><h1>One</h1><h1>Two</h1><h4 id="x">Deep</h4><p id="x" tabindex="2">p</p><img src="a.png"></main>
<main id="main"></main></body></html>`
	doc, err := html.Parse(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(a11yProblems(doc), "\n")
	for _, want := range []string{
		"<html> has no lang", "disables zoom", "2 <h1> elements", "skips from h1 to h4", "2 <main> elements",
		`<main> has id "content"`, "first focusable element is <a", "a <nav> has no aria-label",
		`2 <nav> elements share aria-label "Main"`, "has no alt", "tabindex=2", `id "x" is used 2 times`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems miss %q; got:\n%s", want, got)
		}
	}
}

func isRedirect(doc *html.Node) bool {
	found := false
	walkElements(doc, func(n *html.Node) {
		if n.DataAtom == atom.Meta && strings.EqualFold(getAttr(n, "http-equiv"), "refresh") {
			found = true
		}
	})
	return found
}

// a11yProblems lists what a page gets wrong of the checkable musts.
func a11yProblems(doc *html.Node) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var (
		h1s, mains, lastLevel int
		title                 string
		firstFocusable        *html.Node
		navLabels             = map[string]int{}
		ids                   = map[string]int{}
	)
	walkElements(doc, func(n *html.Node) {
		if id, ok := lookupAttr(n, "id"); ok {
			ids[id]++
		}
		if ti, ok := lookupAttr(n, "tabindex"); ok {
			if v, err := strconv.Atoi(strings.TrimSpace(ti)); err == nil && v > 0 {
				add("<%s> has tabindex=%d: no positive tabindex", n.Data, v)
			}
		}
		if firstFocusable == nil && focusable(n) {
			firstFocusable = n
		}
		switch n.DataAtom {
		case atom.Html:
			if strings.TrimSpace(getAttr(n, "lang")) == "" {
				add("<html> has no lang")
			}
		case atom.Title:
			title = strings.TrimSpace(textOf(n))
		case atom.Meta:
			if getAttr(n, "name") == "viewport" {
				v := strings.ReplaceAll(strings.ToLower(getAttr(n, "content")), " ", "")
				if strings.Contains(v, "user-scalable=no") || strings.Contains(v, "user-scalable=0") || strings.Contains(v, "maximum-scale=1,") || strings.HasSuffix(v, "maximum-scale=1") {
					add("the viewport meta disables zoom: %q", getAttr(n, "content"))
				}
			}
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			level := int(n.Data[1] - '0')
			if level == 1 {
				h1s++
			}
			if lastLevel > 0 && level > lastLevel+1 {
				add("heading level skips from h%d to h%d at %q", lastLevel, level, strings.TrimSpace(textOf(n)))
			}
			lastLevel = level
		case atom.Main:
			mains++
			if getAttr(n, "id") != "main" {
				add(`<main> has id %q, want "main"`, getAttr(n, "id"))
			}
		case atom.Nav:
			label := strings.TrimSpace(getAttr(n, "aria-label"))
			if label == "" {
				add("a <nav> has no aria-label")
			} else {
				navLabels[label]++
			}
		case atom.Img:
			if _, ok := lookupAttr(n, "alt"); !ok {
				add("<img src=%q> has no alt", getAttr(n, "src"))
			}
		}
	})
	if title == "" {
		add("no <title>")
	}
	if h1s != 1 {
		add("%d <h1> elements, want exactly 1", h1s)
	}
	if mains != 1 {
		add("%d <main> elements, want exactly 1", mains)
	}
	switch {
	case firstFocusable == nil:
		add("no focusable element: want a skip link to #main first")
	case firstFocusable.DataAtom != atom.A || getAttr(firstFocusable, "href") != "#main":
		add("the first focusable element is <%s %s>, want the skip link <a href=\"#main\">", firstFocusable.Data, attrString(firstFocusable))
	}
	for _, label := range sortedCounts(navLabels) {
		add("%d <nav> elements share aria-label %q", navLabels[label], label)
	}
	for _, id := range sortedCounts(ids) {
		add("id %q is used %d times", id, ids[id])
	}
	return problems
}

// sortedCounts returns the keys counted more than once, sorted.
func sortedCounts(m map[string]int) []string {
	var out []string
	for k, n := range m {
		if n > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// focusable reports whether keyboard focus can land on n by Tab.
func focusable(n *html.Node) bool {
	if _, ok := lookupAttr(n, "disabled"); ok {
		return false
	}
	if ti, ok := lookupAttr(n, "tabindex"); ok {
		if v, err := strconv.Atoi(strings.TrimSpace(ti)); err == nil {
			return v >= 0
		}
	}
	switch n.DataAtom {
	case atom.A, atom.Area:
		_, ok := lookupAttr(n, "href")
		return ok
	case atom.Button, atom.Select, atom.Textarea, atom.Iframe, atom.Summary:
		return true
	case atom.Input:
		return !strings.EqualFold(getAttr(n, "type"), "hidden")
	}
	return false
}

func walkElements(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkElements(c, f)
	}
}

func lookupAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func getAttr(n *html.Node, key string) string {
	v, _ := lookupAttr(n, key)
	return v
}

func attrString(n *html.Node) string {
	var b strings.Builder
	for i, a := range n.Attr {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%q", a.Key, a.Val)
	}
	return b.String()
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
