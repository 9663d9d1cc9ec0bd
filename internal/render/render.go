// Package render turns the site model (a *model.Site) into files: HTML pages through html/template
// layouts, and the sitemap, robots.txt, 404 page, alias redirects and static
// files beside them.
//
// Layouts are found by name in the theme (the site's layouts/ over the
// embedded default): baseof.html is the page shell and defines the blocks
// "main"; partials/*.html are shared pieces; every page picks one layout:
//
//	home.html          /
//	section.html       /<section>/ (and /<section>/page/N/)
//	releases.html      /releases/ (falls back to section.html)
//	article.html, faq.html, troubleshooting.html, release.html
//	                   a content page, by its type
//	tags.html, tag.html      /tags/ and /tags/<tag>/
//	known-issues.html  /known-issues/
//	search.html        /search/
//	404.html           /404.html
//
// A template sees a *Data: .Site (the *model.Site), .Page (the *content.Page of a
// content page), .Kind, .Title, .URL and the lists its kind needs. CSS and
// JavaScript under static/ are published under content-hashed names (use
// {{asset "/css/kb.css"}}); other static files keep their paths. Output
// goes through an Output, so the build writes to disk and the preview
// server to memory; every file is deterministic.
//
// A template called with the page's data whose output can depend only on
// .Site, .Kind, .Section and .Tag (the header and the footer of the
// default theme) is rendered once for each of their values and its bytes
// reused, for any theme: the layouts are analysed, not annotated
// (cache.go).
//
// Rendering stops when its context is done, and one file's layout stops
// after limits.template_timeout, with a *diag.Diagnostic naming the layout, the
// line it was running and the page: even inside a loop that writes
// nothing (guard.go).
package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"iter"
	"maps"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/diag"
	"github.com/octoacme/kb/internal/model"
)

// Output receives the files of a build. WriteFile is called from several
// goroutines at once, and may keep data.
type Output interface {
	WriteFile(name string, data []byte) error
}

// Transient is an Output that is done with data when WriteFile returns
// (it writes the bytes to disk): RunJobs gives it its render buffer
// instead of a copy.
type Transient interface {
	Output
	Transient()
}

// Renderer renders one site model with one Theme.
type Renderer struct {
	Site   *model.Site
	theme  *Theme
	tmpls  map[string]*template.Template
	assets map[string]string // "/css/kb.css" → "/css/kb.0123abcd.css"
	static map[string][]byte // fingerprinted files by output path
	pool   executors         // see guard.go
	parts  parts             // the parts of pages rendered once (cache.go)
}

// layouts every theme must provide.
var kinds = []string{"home", "section", "releases", "article", "faq", "troubleshooting", "release",
	"tags", "tag", "known-issues", "search", "404"}

// New parses the theme's templates for a site.
func New(site *model.Site, theme *Theme) (*Renderer, error) {
	r := &Renderer{Site: site, theme: theme, tmpls: map[string]*template.Template{},
		assets: map[string]string{}, static: map[string][]byte{}}
	if err := r.fingerprint(); err != nil {
		return nil, err
	}
	base := template.New("baseof.html").Funcs(r.funcs())
	src, err := fs.ReadFile(theme.Layouts, "baseof.html")
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, layoutError(theme, "baseof.html", err)
		}
		return nil, diag.At(theme.LayoutDir+"/baseof.html", 0, "missing layout: every theme needs baseof.html, the page shell")
	}
	if _, err := base.Parse(string(src)); err != nil {
		return nil, r.templateError(err)
	}
	// partials/*.html, as fs.Glob would find them but for hidden files
	// (an editor's lock file), and without Glob's silence about a folder
	// that cannot be read
	entries, err := fs.ReadDir(theme.Layouts, "partials")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, layoutError(theme, "partials", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".html") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := "partials/" + e.Name()
		src, err := fs.ReadFile(theme.Layouts, p)
		if err != nil {
			return nil, layoutError(theme, p, err)
		}
		if _, err := base.New(p).Parse(string(src)); err != nil {
			return nil, r.templateError(err)
		}
	}
	for _, k := range kinds {
		name := k + ".html"
		src, err := fs.ReadFile(theme.Layouts, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, layoutError(theme, name, err)
		}
		if err != nil {
			if k == "releases" {
				continue // section.html serves
			}
			return nil, diag.At(theme.LayoutDir+"/"+name, 0, "missing layout: add %s to layouts/ (or remove the override that hides the default)", name)
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(string(src)); err != nil {
			return nil, r.templateError(err)
		}
		tickTemplates(t)
		r.tmpls[k] = t
	}
	if r.tmpls["releases"] == nil {
		r.tmpls["releases"] = r.tmpls["section"]
	}
	return r, nil
}

// layoutError says why a layout that is there cannot be read.
func layoutError(theme *Theme, name string, err error) error {
	return fileError(theme.LayoutDir+"/"+name, err)
}

// tmplErrRE reads the layout and line out of an html/template error: the
// standard library gives parse and execution errors as text only.
var tmplErrRE = regexp.MustCompile(`^(?:html/)?template: ([^:]+):(\d+)(?::\d+)?: (.*)$`)

// templateError names the layout file and line of a template error.
func (r *Renderer) templateError(err error) error {
	msg := err.Error()
	if m := tmplErrRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		return &diag.Diagnostic{File: r.theme.LayoutDir + "/" + m[1], Line: line, Level: diag.Error, Message: m[3]}
	}
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "html/"), "template: ")
	return &diag.Diagnostic{File: r.theme.LayoutDir, Level: diag.Error, Message: msg}
}

// fingerprint hashes the theme's CSS and JavaScript.
func (r *Renderer) fingerprint() error {
	files, err := r.theme.staticFiles()
	if err != nil {
		return err
	}
	for _, f := range files {
		if !isFingerprinted(f) {
			continue
		}
		data, err := fs.ReadFile(r.theme.Static, f)
		if err != nil {
			return fileError("static/"+f, err)
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(f)
		out := strings.TrimSuffix(f, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		r.assets["/"+f] = "/" + out
		r.static[out] = data
	}
	return nil
}

// Asset returns the published URL path of a static file.
func (r *Renderer) Asset(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if a, ok := r.assets[p]; ok {
		return a
	}
	return p
}

// Job renders one output file.
type Job struct {
	Path string // slash path in the output: "articles/x/index.html"
	// Render writes the file to w. A layout stops when ctx is done or
	// after limits.template_timeout.
	Render func(ctx context.Context, w io.Writer) error
	// Page is the content page the file shows, if any.
	Page *content.Page
}

// Jobs lists every file of the site but the static ones, in a fixed order.
func (r *Renderer) Jobs() []Job { return r.jobs(nil) }

// JobsFor lists the jobs of the given output paths, in the order of Jobs;
// paths the site does not produce are left out.
func (r *Renderer) JobsFor(paths map[string]bool) []Job { return r.jobs(paths) }

// jobs lists the jobs of the paths want holds, or of every path. A job's
// data is computed when it renders: an incremental rebuild lists every
// job but renders few.
func (r *Renderer) jobs(want map[string]bool) []Job {
	s := r.Site
	var jobs []Job
	add := func(p string, page *content.Page, f func(ctx context.Context, w io.Writer) error) {
		if want == nil || want[p] {
			jobs = append(jobs, Job{Path: p, Page: page, Render: f})
		}
	}
	// The pages wanted, by URL: a few wanted among 10,000 pages are found
	// without making each page's path.
	var wantURL map[string]bool
	if want != nil {
		wantURL = map[string]bool{}
		for p := range want {
			if u, ok := strings.CutSuffix(p, "index.html"); ok {
				wantURL["/"+u] = true
			}
		}
	}
	html := func(kind string, d func() *Data) func(context.Context, io.Writer) error {
		return func(ctx context.Context, w io.Writer) error { return r.execute(ctx, w, kind, d()) }
	}
	add("index.html", nil, html("home", r.homeData))
	for _, p := range s.Pages {
		if wantURL != nil && !wantURL[p.URL] {
			continue
		}
		add(strings.TrimPrefix(p.URL, "/")+"index.html", p, func(ctx context.Context, w io.Writer) error {
			return r.execute(ctx, w, string(p.Type), r.pageData(p))
		})
	}
	for _, sec := range s.Sections {
		kind := "section"
		if sec.Name == "releases" {
			kind = "releases"
		}
		pages := model.ListPages(len(sec.Pages))
		for n := 1; n <= pages; n++ {
			url := model.ListURL(sec.URL, n)
			add(strings.TrimPrefix(url, "/")+"index.html", nil, html(kind, func() *Data { return r.sectionData(sec, n, pages) }))
		}
	}
	add("tags/index.html", nil, html("tags", func() *Data { return r.listData("tags", "Tags", "/tags/") }))
	for _, t := range s.Tags {
		add(strings.TrimPrefix(t.URL, "/")+"index.html", nil, html("tag", func() *Data {
			d := r.listData("tag", "Pages tagged “"+t.Name+"”", t.URL)
			d.Tag = t
			d.Crumbs = []Crumb{{Title: "Home", URL: "/"}, {Title: "Tags", URL: "/tags/"}, {Title: t.Name, URL: t.URL}}
			return d
		}))
	}
	add("known-issues/index.html", nil, html("known-issues", func() *Data { return r.listData("known-issues", "Known issues", "/known-issues/") }))
	add("search/index.html", nil, html("search", func() *Data { return r.listData("search", "Search", "/search/") }))
	add("404.html", nil, html("404", func() *Data {
		d := r.listData("404", "Page not found", "/404.html")
		d.Crumbs = nil
		return d
	}))
	add("sitemap.xml", nil, func(_ context.Context, w io.Writer) error { return r.sitemap(w) })
	add("robots.txt", nil, func(_ context.Context, w io.Writer) error { return r.robots(w) })
	for _, p := range s.Pages {
		for _, a := range p.Aliases {
			a := strings.Trim(a, "/")
			if a == "" {
				continue
			}
			add(a+"/index.html", nil, func(_ context.Context, w io.Writer) error { return r.alias(w, p) })
		}
	}
	return jobs
}

// StaticFiles lists the static files to publish: output path → theme path
// (or "" for fingerprinted files held in memory).
func (r *Renderer) StaticFiles() (map[string]string, error) {
	files, err := r.theme.staticFiles()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range files {
		if isFingerprinted(f) {
			continue
		}
		out[f] = f
	}
	for p := range r.static {
		out[p] = ""
	}
	return out, nil
}

// WriteStatic copies the static files to out, until ctx is done.
func (r *Renderer) WriteStatic(ctx context.Context, out Output) error {
	files, err := r.StaticFiles()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		data := r.static[n]
		if src := files[n]; src != "" {
			if data, err = fs.ReadFile(r.theme.Static, src); err != nil {
				return fileError("static/"+src, err)
			}
		}
		if err := out.WriteFile(n, data); err != nil {
			return err
		}
	}
	return nil
}

// Owners lists every file the site writes besides the feeds, with who
// writes it: a page's content file, "the site" for lists and alias
// redirects (in the order of Jobs), then static/<file> for static files
// (sorted). Package feed refuses a feed whose path one of them takes.
func (r *Renderer) Owners() (iter.Seq2[string, string], error) {
	static, err := r.StaticFiles()
	if err != nil {
		return nil, err
	}
	return func(yield func(path, by string) bool) {
		for _, j := range r.Jobs() {
			by := "the site"
			if j.Page != nil {
				by = j.Page.File
			}
			if !yield(j.Path, by) {
				return
			}
		}
		for _, p := range slices.Sorted(maps.Keys(static)) {
			src := static[p]
			if src == "" {
				src = p
			}
			if !yield(p, "static/"+src) {
				return
			}
		}
	}, nil
}

// RenderAll writes every file of the site to out, pages in parallel,
// until ctx is done.
func (r *Renderer) RenderAll(ctx context.Context, out Output) error {
	if err := r.WriteStatic(ctx, out); err != nil {
		return err
	}
	jobs := r.Jobs()
	if err := r.CheckPaths(jobs); err != nil {
		return err
	}
	return RunJobs(ctx, jobs, out)
}

// CheckPaths refuses a site whose files collide: two files at one path, or
// a file where another needs a folder (an alias /sitemap.xml/ beside the
// sitemap, a page under a static file's name). It names the page whose
// slug or alias made the collision.
func (r *Renderer) CheckPaths(jobs []Job) error {
	aliasOf := map[string][]string{} // alias job path → the pages with that alias, in job order
	for _, p := range r.Site.Pages {
		for _, a := range p.Aliases {
			if a = strings.Trim(a, "/"); a != "" {
				aliasOf[a+"/index.html"] = append(aliasOf[a+"/index.html"], p.File)
			}
		}
	}
	by := map[string]string{} // output path → who writes it
	static, err := r.StaticFiles()
	if err != nil {
		return err
	}
	for p, src := range static {
		by[p] = "static/" + src
		if src == "" {
			by[p] = "the theme"
		}
	}
	for _, f := range r.Site.Feeds {
		for _, u := range []string{f.RSS, f.Atom, f.JSON} {
			by[strings.TrimPrefix(u, "/")] = "the feeds"
		}
	}
	for _, j := range jobs {
		w := "the site"
		if j.Page != nil {
			w = j.Page.File
		} else if fs := aliasOf[j.Path]; len(fs) > 0 {
			w, aliasOf[j.Path] = fs[0], fs[1:]
		}
		if prev, dup := by[j.Path]; dup {
			return diag.At(w, 0, "would write /%s, which %s also writes; change the slug or alias", j.Path, prev)
		}
		by[j.Path] = w
	}
	paths := make([]string, 0, len(by))
	for p := range by {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
			if w, ok := by[d]; ok {
				return diag.At(by[p], 0, "would write /%s inside /%s, which %s writes as a file; change the slug or alias", p, d, w)
			}
		}
	}
	return nil
}

// RunJobs renders jobs in parallel and writes them. The first error stops
// the others (it is returned), as does ctx being done (ctx.Err() is
// returned): a job that has not started is not started, and a layout
// executing stops at its next loop iteration or template call.
func RunJobs(ctx context.Context, jobs []Job, out Output) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs error
		next = make(chan Job)
	)
	_, transient := out.(Transient)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for j := range next {
				buf.Reset()
				err := j.Render(ctx, &buf)
				if err == nil {
					data := buf.Bytes()
					if !transient {
						data = append([]byte(nil), data...)
					}
					err = out.WriteFile(j.Path, data)
				}
				if err != nil && ctx.Err() == nil {
					mu.Lock()
					if errs == nil {
						errs = err
					}
					mu.Unlock()
					cancel()
				}
			}
		}()
	}
send:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break send
		}
	}
	close(next)
	wg.Wait()
	if errs != nil {
		return errs
	}
	return context.Cause(ctx)
}

func (r *Renderer) execute(ctx context.Context, w io.Writer, kind string, d *Data) error {
	note := ""
	if d.Page != nil {
		note = "rendering " + d.Page.File
	}
	return r.run(ctx, w, kind, "baseof.html", d, "rendering "+d.URL, note)
}
