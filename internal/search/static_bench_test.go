package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	kbtheme "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/browsertest"
	"github.com/octoacme/kb/internal/corpus"
	"github.com/octoacme/kb/internal/search"
	"github.com/octoacme/kb/internal/site"
)

// BenchmarkStatic measures kb's static search index beside Pagefind on the
// same built site, a generated help center of KB_BENCH_PAGES pages
// (default 10,000; internal/corpus, as `kb-corpus -pages N -seed 1`). Only
// with -bench:
//
//	go test ./internal/search -run '^$' -bench Static -benchtime 1x -timeout 60m
//
// It reports, for kb: the build time with the export and the export alone
// (the export's share of the build), the static index size, the bytes a
// browser downloads for the first query (the client script and the search
// UI script included) and for each later query (median and worst), and
// the bytes typing a query letter by letter downloads (search as you
// type: every prefix, completions of the last word; the client and the
// manifest already loaded); the client's time per query under Node with the files in memory (a new
// client for every query, so nothing is decoded in advance), median and
// worst, with the engine warm (wall and CPU time) and cold (a visit's first
// searches, compiling the client as they go); for Pagefind (the npm package's binary, indexing the built HTML;
// KB_PAGEFIND names a binary, "off" skips it): the indexing time and peak
// memory, the index size, and the same download figures. Both are measured
// in headless Chromium against a server that gzips what a static host
// gzips (files kb or Pagefind already compressed are sent as they are),
// with the same queries, each fetching the data of its top 10 results.
func BenchmarkStatic(b *testing.B) {
	b.ReportAllocs()
	pages := 10000
	if n, err := strconv.Atoi(os.Getenv("KB_BENCH_PAGES")); err == nil && n > 0 {
		pages = n
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "site")
	if _, err := corpus.Generate(src, corpus.Options{Pages: pages, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	ctx := context.Background()

	// kb build, twice (the second without its cache), and the export alone.
	build := time.Duration(math.MaxInt64)
	var res *site.Result
	for range 2 {
		os.RemoveAll(filepath.Join(src, ".kb", "build"))
		start := time.Now()
		r, err := site.Build(ctx, site.Options{Dir: src, Out: out, Theme: kbtheme.Theme})
		if err != nil {
			b.Fatal(err)
		}
		build, res = min(build, time.Since(start)), r
	}
	export := time.Duration(math.MaxInt64)
	for range 2 {
		tmp := filepath.Join(dir, "export")
		os.RemoveAll(tmp)
		start := time.Now()
		if _, err := search.Export(ctx, res.Search.Path, diskWriter(tmp)); err != nil {
			b.Fatal(err)
		}
		export = min(export, time.Since(start))
	}
	kbSize, kbFiles := treeSize(b, filepath.Join(out, search.StaticDir))
	b.ReportMetric(float64(res.Pages), "pages")
	b.ReportMetric(build.Seconds(), "kb-build-s")
	b.ReportMetric(export.Seconds(), "kb-export-s")
	b.ReportMetric(100*export.Seconds()/(build-export).Seconds(), "kb-export-%")
	b.ReportMetric(float64(kbSize)/1e6, "kb-index-MB")
	b.ReportMetric(float64(kbFiles), "kb-files")

	// Pagefind on the same output.
	pagefind := pagefindBinary(b, dir)
	if pagefind != "" {
		start := time.Now()
		cmd := exec.Command(pagefind, "--site", out, "--quiet")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pagefind: %v\n%s", err, msg)
		}
		b.ReportMetric(time.Since(start).Seconds(), "pf-index-s")
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			b.ReportMetric(float64(ru.Maxrss)/1024, "pf-peak-MB")
		}
		size, files := treeSize(b, filepath.Join(out, "pagefind"))
		b.ReportMetric(float64(size)/1e6, "pf-index-MB")
		b.ReportMetric(float64(files), "pf-files")
	}

	// Downloads, in Chromium, through a compressing server.
	srv := newHostServer(out)
	defer srv.Close()
	br := browsertest.New(b, 20*time.Minute)
	if err := chromedp.Do(br.Ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		b.Fatal(err)
	}
	ui := themeGzipSize(b, out, "search")
	first, later := downloads(b, br, srv, kbSearchJS(b, out), staticQueries, "kb")
	typed := typing(b, br, srv, kbTypeJS, staticQueries[:4])
	b.ReportMetric(median(typed)/1024, "kb-typed-KB")
	b.ReportMetric(float64(first+ui)/1024, "kb-first-KB")
	b.ReportMetric(median(later)/1024, "kb-later-KB")
	b.ReportMetric(maxOf(later)/1024, "kb-later-max-KB")
	if pagefind != "" {
		first, later := downloads(b, br, srv, pagefindJS, staticQueries, "pf")
		b.ReportMetric(float64(first)/1024, "pf-first-KB")
		b.ReportMetric(median(later)/1024, "pf-later-KB")
		b.ReportMetric(maxOf(later)/1024, "pf-later-max-KB")
	}
	br.CheckNoExceptions(b)

	// The client's time per query under Node, files in memory.
	var js struct {
		Micros     []float64 `json:"micros"`
		CPUMicros  []float64 `json:"cpuMicros"`
		ColdMicros []float64 `json:"coldMicros"`
	}
	runNodeBench(b, out, staticQueries, &js)
	b.ReportMetric(median(js.Micros)/1000, "kb-node-ms")
	b.ReportMetric(maxOf(js.Micros)/1000, "kb-node-max-ms")
	b.ReportMetric(median(js.CPUMicros)/1000, "kb-node-cpu-ms")
	b.ReportMetric(maxOf(js.CPUMicros)/1000, "kb-node-cpu-max-ms")
	b.ReportMetric(median(js.ColdMicros)/1000, "kb-node-cold-ms")
	b.ReportMetric(maxOf(js.ColdMicros)/1000, "kb-node-cold-max-ms")
}

// staticQueries is the query mix: the first is the first query of a visit.
var staticQueries = []string{
	"reset password", "export data", "invoice", "sync fails", "share folder link", "delete account",
	"billing plan", "how do I open the invoice", "pasword", "guest access", "email notification settings",
	"two factor", "upload large file", "change payment card", "api token", "mobile app",
}

type diskWriter string

func (d diskWriter) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func treeSize(b *testing.B, dir string) (int64, int) {
	var size int64
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return size, files
}

// pagefindBinary finds Pagefind: KB_PAGEFIND, else `npm install pagefind`.
func pagefindBinary(b *testing.B, dir string) string {
	switch p := os.Getenv("KB_PAGEFIND"); p {
	case "off":
		return ""
	case "":
	default:
		return p
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		b.Log("npm is missing: Pagefind skipped")
		return ""
	}
	pf := filepath.Join(dir, "pagefind-npm")
	os.MkdirAll(pf, 0o755)
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--prefix", pf, "pagefind")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Logf("npm install pagefind: %v\n%s", err, msg)
		return ""
	}
	return filepath.Join(pf, "node_modules", ".bin", "pagefind")
}

// hostServer serves a folder like a static host: files that are not
// compressed already go out gzip-compressed. It counts the bytes it sends.
type hostServer struct {
	*httptest.Server
	mu    sync.Mutex
	sent  int64
	files []string
}

func newHostServer(dir string) *hostServer {
	s := &hostServer{}
	fsrv := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fsrv.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if rec.Code == http.StatusOK && len(body) > 0 && !(len(body) > 1 && body[0] == 0x1f && body[1] == 0x8b) &&
			strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body = gzipBytes(body)
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Del("Content-Length")
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(rec.Code)
		w.Write(body)
		s.mu.Lock()
		s.sent += int64(len(body))
		s.files = append(s.files, r.URL.Path)
		s.mu.Unlock()
	}))
	return s
}

func gzipBytes(data []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func (s *hostServer) take() (int64, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, f := s.sent, s.files
	s.sent, s.files = 0, nil
	return n, f
}

// themeGzipSize is the gzip-compressed size of the theme's script name.
func themeGzipSize(b *testing.B, out, name string) int64 {
	matches, _ := filepath.Glob(filepath.Join(out, "js", name+".*.js"))
	if len(matches) != 1 {
		b.Fatalf("js/%s.*.js: %v", name, matches)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		b.Fatal(err)
	}
	return int64(len(gzipBytes(data)))
}

// kbSearchJS is the script that runs a query with kb's client; %s is the
// query, as a JSON string. It loads the client on the first call.
func kbSearchJS(b *testing.B, out string) string {
	matches, _ := filepath.Glob(filepath.Join(out, "js", "search-index.*.js"))
	if len(matches) != 1 {
		b.Fatalf("the client script is not in the output: %v", matches)
	}
	src := "/js/" + filepath.Base(matches[0])
	kbSearchJSCached = `(async function (q) {
		if (!window.kbSearchIndex) {
			await new Promise(function (ok, fail) {
				var s = document.createElement("script");
				s.src = "` + src + `"; s.onload = ok; s.onerror = fail;
				document.head.appendChild(s);
			});
		}
		if (!window.__kb) window.__kb = kbSearchIndex.open(location.origin + "/kb-search/manifest.json");
		var t0 = performance.now();
		var r = await window.__kb.search({q: q, limit: 10});
		if (!r.hits) throw new Error("no answer: " + JSON.stringify(r));
		return performance.now() - t0;
	})(%s)`
	return kbSearchJSCached
}

// kbTypeJS runs what the search box sends while a query is typed: every
// prefix of it, an unfinished last word, 6 results, no facets.
const kbTypeJS = `(async function (q) {
	for (var i = 1; i <= q.length; i++) {
		if (q[i - 1] === " ") continue;
		var r = await window.__kb.search({q: q.slice(0, i), prefix: true, limit: 6, facets: false});
		if (!r.hits && !r.error) throw new Error("no answer");
	}
	return 0;
})(%s)`

// typing types each query letter by letter in a new page whose client is
// loaded, and returns the bytes each query's keystrokes downloaded.
func typing(b *testing.B, br *browsertest.Browser, srv *hostServer, script string, queries []string) []float64 {
	b.Helper()
	var out []float64
	for _, q := range queries {
		if err := chromedp.Do(br.Ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			b.Fatal(err)
		}
		// load the client and its manifest and document table first
		if _, err := chromedp.Run(br.Ctx, chromedp.Evaluate[float64](fmt.Sprintf(kbSearchJSCached, `""`), chromedp.EvalAwaitPromise)); err != nil {
			b.Fatal(err)
		}
		srv.take()
		qs, _ := json.Marshal(q)
		if _, err := chromedp.Run(br.Ctx, chromedp.Evaluate[float64](fmt.Sprintf(script, qs), chromedp.EvalAwaitPromise)); err != nil {
			b.Fatalf("typing %q: %v", q, err)
		}
		n, _ := srv.take()
		out = append(out, float64(n))
	}
	return out
}

// kbSearchJSCached is kbSearchJS once the client script is known.
var kbSearchJSCached string

// pagefindJS runs a query with Pagefind's API, loading the data of its
// top 10 results (what a results list shows).
const pagefindJS = `(async function (q) {
	if (!window.__pf) window.__pf = await import("/pagefind/pagefind.js");
	var t0 = performance.now();
	var s = await window.__pf.search(q);
	await Promise.all(s.results.slice(0, 10).map(function (r) { return r.data(); }));
	return performance.now() - t0;
})(%s)`

// downloads runs the queries in the page with script and returns the bytes
// sent for the first and for each later one; it reports the median time of
// the later ones in the browser (files from localhost) as prefix-browser-ms.
func downloads(b *testing.B, br *browsertest.Browser, srv *hostServer, script string, queries []string, prefix string) (int64, []float64) {
	b.Helper()
	if err := chromedp.Do(br.Ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		b.Fatal(err)
	}
	srv.take()
	var first int64
	var later, ms []float64
	for i, q := range queries {
		qs, _ := json.Marshal(q)
		t, err := chromedp.Run(br.Ctx, chromedp.Evaluate[float64](fmt.Sprintf(script, qs), chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatalf("%q: %v", q, err)
		}
		n, _ := srv.take()
		if i == 0 {
			first = n
		} else {
			later = append(later, float64(n))
			ms = append(ms, t)
		}
	}
	b.ReportMetric(median(ms), prefix+"-browser-ms")
	return first, later
}

// runNodeBench times the client under Node: driver.js with job.bench.
func runNodeBench(b *testing.B, out string, queries []string, res any) {
	node, err := exec.LookPath("node")
	if err != nil {
		b.Skip("node is not installed")
	}
	var reqs []map[string]any
	for _, q := range queries {
		reqs = append(reqs, map[string]any{"q": q, "limit": 10})
	}
	job, _ := json.Marshal(map[string]any{"site": out, "requests": reqs, "bench": true})
	jobFile := filepath.Join(b.TempDir(), "job.json")
	os.WriteFile(jobFile, job, 0o644)
	cmd := exec.Command(node, "testdata/node/driver.js", "../../static/js/search-index.js", jobFile)
	data, err := cmd.Output()
	if err != nil {
		b.Fatalf("node: %v", err)
	}
	if err := json.Unmarshal(data, res); err != nil {
		b.Fatal(err)
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
