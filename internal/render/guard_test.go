package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/markdown"
	"github.com/octoacme/kb/internal/model"
)

// guardSite is a site of an article and a release, rendered with the
// default theme and the given layouts over it, and a template time limit.
func guardSite(t *testing.T, layouts map[string]string, timeout time.Duration) *Renderer {
	t.Helper()
	conv := markdown.New(markdown.Options{})
	files := map[string]string{
		"content/articles/a.md": "---\ntitle: An article\nupdated: 2026-11-01\n---\n## Steps\n\n1. Go.\n",
		"content/releases/1-0.md": "---\ntitle: Version 1.0\nversion: \"1.0\"\ndate: 2026-11-01\n" +
			"features: [{title: New, docs: [/articles/a/]}]\n---\nText.\n",
	}
	var pages []*content.Page
	for name, src := range files {
		p, errs := content.Parse(name, []byte(src), content.Options{Markdown: conv})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		pages = append(pages, p)
	}
	cfg := config.Default()
	cfg.BaseURL = "https://help.example.com/"
	cfg.Limits.TemplateTimeout = config.Duration(timeout)
	site := fstest.MapFS{}
	for name, src := range layouts {
		site["layouts/"+name] = &fstest.MapFile{Data: []byte(src)}
	}
	r, err := New(model.New(cfg, pages), NewTheme(site, kb.Theme))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// job returns the job that writes path.
func job(t *testing.T, r *Renderer, path string) Job {
	t.Helper()
	for _, j := range r.Jobs() {
		if j.Path == path {
			return j
		}
	}
	t.Fatalf("no job writes %s", path)
	return Job{}
}

// loops are layouts that would run for hours or forever, each with the
// line of the loop the time runs out in (0: any).
var loops = []struct {
	name, file, src string
	line            int
}{
	{"empty nested ranges", "article.html", "{{define \"main\"}}\n{{range 1000000000}}{{range 1000000000}}{{end}}{{end}}\n{{end}}", 2},
	{"writing loop", "article.html", "{{define \"main\"}}\n\n{{range 1000000000}}<p title=\"{{$.Title}}\">{{$.Title}}</p><script>var x = {{$.Title}};</script>{{end}}\n{{end}}", 3},
	{"loop in an else branch", "article.html", "{{define \"main\"}}{{if .Tag}}{{else}}{{with .Page}}\n{{range $i := 1000000000}}{{end}}{{end}}{{end}}{{end}}", 2},
	{"loop assigning a variable", "article.html", "{{define \"main\"}}{{$s := \"\"}}\n{{range 1000000000}}{{$s = printf \"%.10s\" $s}}{{end}}{{$s}}{{end}}", 2},
	// no loop at all: a template that calls itself twice, 2^60 times
	{"recursion", "article.html", "{{define \"main\"}}{{template \"f\" 0}}{{end}}\n{{define \"f\"}}{{if lt . 60}}{{template \"f\" (add . 1)}}{{template \"f\" (add . 1)}}{{end}}{{end}}", 2},
	{"loop in a partial", "partials/toc.html", "\n\n\n{{range 1000000000}}{{end}}", 4},
	// no loop, no recursion: 50 templates each calling the next twice
	{"chain of templates", "article.html", chain(50), 0},
}

// chain is a layout of n templates, each calling the next twice.
func chain(n int) string {
	var b strings.Builder
	b.WriteString(`{{define "main"}}{{template "t0" .}}{{end}}`)
	for i := range n {
		fmt.Fprintf(&b, "\n{{define \"t%d\"}}{{template \"t%d\" .}}{{template \"t%d\" .}}{{end}}", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "\n{{define \"t%d\"}}<b>{{.Title}}</b>{{end}}", n)
	return b.String()
}

// TestTemplateTimeout: a layout that loops stops after
// limits.template_timeout, with an error naming the layout, the line of
// the loop, the page and the limit.
func TestTemplateTimeout(t *testing.T) {
	for _, tc := range loops {
		t.Run(tc.name, func(t *testing.T) {
			r := guardSite(t, map[string]string{tc.file: tc.src}, 250*time.Millisecond)
			var b bytes.Buffer
			start := time.Now()
			err := job(t, r, "articles/a/index.html").Render(context.Background(), &b)
			elapsed := time.Since(start)
			var re *diag.Diagnostic
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *diag.Diagnostic", err)
			}
			want := "rendering /articles/a/ took longer than 250ms (limits.template_timeout); look for a loop in the template"
			if re.File != "layouts/"+tc.file || tc.line > 0 && re.Line != tc.line || re.Line == 0 || !strings.HasPrefix(re.Message, want) {
				t.Errorf("err = %v, want layouts/%s:%d: %s…", err, tc.file, tc.line, want)
			}
			// Without the limit the loop runs for hours; 10 s is for a
			// loaded machine under -race.
			if elapsed > 10*time.Second {
				t.Errorf("stopped after %v, want about 250ms", elapsed)
			}
		})
	}
}

// TestTemplateTimeoutFeed: the release notes a feed entry carries are
// rendered under the same limit.
func TestTemplateTimeoutFeed(t *testing.T) {
	r := guardSite(t, map[string]string{"partials/release-notes.html": "{{range 1000000000}}{{end}}"}, 250*time.Millisecond)
	var rel *content.Page
	for _, p := range r.Site.Pages {
		if p.Type == content.Release {
			rel = p
		}
	}
	_, err := r.ContentHTML(context.Background(), rel)
	want := "layouts/partials/release-notes.html:1: rendering the feed entry of content/releases/1-0.md took longer than 250ms (limits.template_timeout)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v, want %s…", err, want)
	}
}

// TestRunJobsCancel: cancelling the context stops a layout in its loop
// and the jobs not started; RunJobs returns the context's error.
func TestRunJobsCancel(t *testing.T) {
	for _, tc := range loops {
		t.Run(tc.name, func(t *testing.T) {
			r := guardSite(t, map[string]string{tc.file: tc.src}, time.Hour)
			// Every job renders the looping page.
			var started atomic.Int32
			page := job(t, r, "articles/a/index.html")
			jobs := make([]Job, 1000)
			for i := range jobs {
				jobs[i] = Job{Path: page.Path, Render: func(ctx context.Context, w io.Writer) error {
					started.Add(1)
					return page.Render(ctx, w)
				}}
			}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			start := time.Now()
			err := RunJobs(ctx, jobs, &discard{})
			// Uncancelled, the jobs run for hours; 10 s is for a loaded
			// machine under -race.
			if elapsed := time.Since(start); elapsed > 10*time.Second {
				t.Errorf("RunJobs returned %v after the cancel", elapsed-200*time.Millisecond)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
			if n := int(started.Load()); n >= len(jobs) {
				t.Errorf("%d of %d jobs started after the cancel", n, len(jobs))
			}
		})
	}
}

// TestRunJobsFirstError: the first error stops the jobs not started.
func TestRunJobsFirstError(t *testing.T) {
	var started atomic.Int32
	jobs := make([]Job, 10000)
	for i := range jobs {
		jobs[i] = Job{Path: "x", Render: func(ctx context.Context, w io.Writer) error {
			started.Add(1)
			if i == 0 {
				return errors.New("broken")
			}
			time.Sleep(time.Millisecond)
			return nil
		}}
	}
	if err := RunJobs(context.Background(), jobs, &discard{}); err == nil || err.Error() != "broken" {
		t.Fatalf("err = %v, want broken", err)
	}
	// Each job takes 1 ms: 1,000 is a second of the other workers going on
	// while a loaded machine keeps the failed one from cancelling; without
	// the stop all 10,000 start.
	if n := started.Load(); n > 1000 {
		t.Errorf("%d jobs started after the first failed", n)
	}
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// TestTicksPrintNothing: the ticks New adds to every template change
// nothing in what it writes, in every context html/template escapes for
// (text, attributes, URLs, script, style), nor for a range with an else,
// break and continue, nor in a template called from several contexts.
func TestTicksPrintNothing(t *testing.T) {
	src := `{{define "item"}}<b>{{.}}</b>{{end}}` +
		`{{range $i, $x := .}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 3}}{{break}}{{end}}` +
		`<a href="/x?q={{$x}}" title="{{$x}}" onclick="f({{$x}})" style="color: {{$x}}">{{template "item" $x}}</a>` +
		`<script>var a = [{{range $}}{{.}},{{end}}];</script><style>p { content: "{{$x}}" }</style>{{end}}` +
		`{{range 3}}{{.}}{{else}}none{{end}}{{range .}}{{else}}none{{end}}` +
		`<p title="{{range .}}{{.}} {{end}}">{{range 0}}{{else}}{{template "item" "z"}}{{end}}</p>`
	data := []string{"<a&b>", `"q"`, "javascript:x", "d"}
	plain := template.Must(template.New("t").Parse(src))
	ticked := template.Must(template.New("t").Funcs(template.FuncMap{tickFunc: func() (string, error) { return "", nil }}).Parse(src))
	tickTemplates(ticked)
	var want, got bytes.Buffer
	if err := plain.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if err := ticked.Execute(&got, data); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("with ticks:\n%s\nwithout:\n%s", got.String(), want.String())
	}
	if n := strings.Count(ticked.Tree.Root.String(), tickVar+" := "+tickFunc); n != 7 {
		t.Errorf("%d ticks in %s, want 7 (the template, and its 6 range bodies)", n, ticked.Tree.Root)
	}
}
