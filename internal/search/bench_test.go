package search

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/cputime"
	"github.com/octoacme/kb/internal/markdown"
)

// The benchmarks run on a generated site of KB_BENCH_PAGES pages (default
// 10,000), only with -bench:
//
//	go test ./internal/search -run '^$' -bench . -benchtime 3x
//
// BenchmarkIndex reports the index build time beside the time goldmark
// takes to render the same pages, measured alternately in the same run;
// each figure is the fastest of the iterations, since the machine is
// shared and a slow run says more about the neighbours than about kb, and
// the median of the ratios of each iteration's pair is reported too. It
// reports CPU times as well (the build uses every core; goldmark's loop
// uses one), and the index size on disk beside the Markdown size,
// split into the text store (everything hits display and snippets are cut
// from) and bleve's files (postings, dictionaries, norms, doc values, ids).
// BenchmarkQuery reports p50 and p99 latency over a fixed query mix
// through the Go API (no HTTP), queryRounds times per iteration after a
// warm-up round.

// genSite writes a deterministic help center of n pages under dir and
// returns the Markdown bytes. Its vocabulary is Zipf-distributed over the
// support words of the sample site plus 20,000 made-up product words, so
// the dictionary and posting lists look like a real site's.
func genSite(dir string, n int, seed int64) (int64, error) {
	rng := rand.New(rand.NewSource(seed))
	common := strings.Fields(`account team project file folder share link page list view board task note comment
member guest owner admin plan bill invoice card payment price seat trial export import sync app phone desktop web
browser email password code key token sign setting menu button tab panel window field box search filter sort tag
label name title date time day week month report chart table row column copy move save open close start stop turn
check send get make find show keep add remove change update clear reset quick easy safe new old main next last
first small large full free paid right left top bottom upload download install connect invite delete restore
workspace notification integration slack drive calendar mobile security factor role permission limit storage
error fails declined expired missing slow backup history version release fix issue known workaround`)
	syl := strings.Fields("ka lo mi nu pe ra si to vu xe za bo ci de fa gu hi jo ku li mo ne po qu re sa ti ur vi wo")
	var rare []string
	seen := map[string]bool{}
	for len(rare) < 20000 {
		w := ""
		for k := 2 + rng.Intn(3); k > 0; k-- {
			w += syl[rng.Intn(len(syl))]
		}
		if !seen[w] {
			seen[w] = true
			rare = append(rare, w)
		}
	}
	// Function words make half of the text; a support word ("invoice")
	// is on about one page in twelve; the rest is a long Zipf tail.
	stop := strings.Fields(`the to you your a and of in for on is it can if with this that or be an are
	from at as by not when then have use will we do more all new so only any`)
	stopZipf := rand.NewZipf(rng, 1.1, 1, uint64(len(stop)-1))
	rareZipf := rand.NewZipf(rng, 1.01, 10, uint64(len(rare)-1))
	word := func() string {
		switch r := rng.Intn(100); {
		case r < 50:
			return stop[stopZipf.Uint64()]
		case r < 54:
			return common[rng.Intn(len(common))]
		}
		return rare[rareZipf.Uint64()]
	}
	sentence := func(min, max int) string {
		k := min + rng.Intn(max-min+1)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = word()
		}
		s := strings.Join(ws, " ")
		return strings.ToUpper(s[:1]) + s[1:] + "."
	}
	sections := []struct {
		name string
		pct  int
	}{{"articles", 65}, {"faq", 10}, {"troubleshooting", 20}, {"releases", 5}}
	var total int64
	for i := 0; i < n; i++ {
		r := rng.Intn(100)
		sec := sections[0].name
		for _, s := range sections {
			if r < s.pct {
				sec = s.name
				break
			}
			r -= s.pct
		}
		var b strings.Builder
		title := strings.TrimSuffix(sentence(3, 7), ".")
		fmt.Fprintf(&b, "---\ntitle: %q\ndescription: %q\nupdated: 2026-%02d-%02d\ntags: [%s, %s]\nproduct: %s\n",
			title, sentence(8, 16), 1+rng.Intn(12), 1+rng.Intn(28), common[rng.Intn(40)], common[rng.Intn(40)],
			[]string{"Web", "Desktop", "Mobile", "API"}[rng.Intn(4)])
		if sec == "troubleshooting" {
			fmt.Fprintf(&b, "errors:\n  - \"%s-%03d: %s\"\n", strings.ToUpper(rare[rng.Intn(200)][:3]), rng.Intn(1000), strings.TrimSuffix(sentence(4, 8), "."))
		}
		if sec == "releases" {
			fmt.Fprintf(&b, "version: \"%d.%d.0\"\ndate: 2026-%02d-01\n", 1+i/100, i%100, 1+rng.Intn(12))
		}
		b.WriteString("---\n\n")
		b.WriteString(sentence(10, 20) + " " + sentence(8, 16) + "\n\n")
		for h := 0; h < 2+rng.Intn(4); h++ {
			q := ""
			if sec == "faq" {
				q = "?"
			}
			fmt.Fprintf(&b, "## %s%s\n\n", strings.TrimSuffix(sentence(3, 6), "."), q)
			for p := 0; p < 1+rng.Intn(3); p++ {
				b.WriteString(sentence(8, 18) + " " + sentence(8, 18) + " " + sentence(6, 12) + "\n\n")
			}
			if rng.Intn(3) == 0 {
				for s := 1; s <= 3; s++ {
					fmt.Fprintf(&b, "%d. Select **%s**. %s\n", s, strings.Title(word()), sentence(5, 10))
				}
				b.WriteString("\n")
			}
			if rng.Intn(5) == 0 {
				b.WriteString("```text\n" + word() + " --" + word() + "=" + strconv.Itoa(rng.Intn(99)) + "\n```\n\n")
			}
		}
		path := filepath.Join(dir, "content", sec, fmt.Sprintf("page-%05d.md", i))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return 0, err
		}
		total += int64(b.Len())
	}
	return total, nil
}

type benchSite struct {
	dir     string
	mdBytes int64
	pages   []*content.Page
	cfg     *config.Config
	conv    *markdown.Converter
}

var (
	benchOnce sync.Once
	bench     *benchSite
	benchErr  error
)

func benchPages() int {
	if n, err := strconv.Atoi(os.Getenv("KB_BENCH_PAGES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// loadBench generates and loads the benchmark site once per process.
func loadBench(b *testing.B) *benchSite {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kb-search-bench-")
		if err != nil {
			benchErr = err
			return
		}
		RemoveAfterTests(dir)
		s := &benchSite{dir: dir, cfg: config.Default()}
		s.cfg.Search.Synonyms = []config.Synonym{{From: []string{"sign in", "log in"}, To: []string{"sign in", "log in"}, TwoWay: true}, {From: []string{"bill"}, To: []string{"invoice"}}}
		if s.mdBytes, err = genSite(dir, benchPages(), 1); err != nil {
			benchErr = err
			return
		}
		conv := markdown.New(markdown.Options{})
		cs := content.Load(os.DirFS(dir), content.Options{Markdown: conv})
		if len(cs.Errors) > 0 {
			benchErr = cs.Errors[0]
			return
		}
		s.pages, s.conv = cs.Pages, conv
		bench = s
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

// render times goldmark rendering every page body, as kb build does.
func (s *benchSite) render(b *testing.B) time.Duration {
	start := time.Now()
	for _, p := range s.pages {
		if _, err := s.conv.Convert(p.Body(), p.URL); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// threadCPU is the CPU time of the calling thread so far.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

func BenchmarkIndex(b *testing.B) {
	s := loadBench(b)
	b.ReportAllocs()
	var st *Staged
	build, render := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	cpu, renderCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	var ratios []float64
	for b.Loop() {
		runtime.GC()
		startCPU := cputime.Process()
		r := s.render(b)
		render, renderCPU = min(render, r), min(renderCPU, cputime.Process()-startCPU)
		if st != nil {
			st.Abort()
		}
		runtime.GC()
		start := time.Now()
		startCPU = cputime.Process()
		var err error
		st, err = Stage(context.Background(), s.pages, s.cfg, filepath.Join(s.dir, ".kb", "search.bleve"), Settings{})
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		build, cpu = min(build, took), min(cpu, cputime.Process()-startCPU)
		ratios = append(ratios, took.Seconds()/r.Seconds())
	}
	b.StopTimer()
	defer st.Abort()
	info, err := os.Stat(filepath.Join(st.tmp, "index", textFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(s.pages)), "pages")
	b.ReportMetric(float64(st.Stats.Docs), "docs")
	b.ReportMetric(build.Seconds(), "index-s")
	b.ReportMetric(cpu.Seconds(), "index-cpu-s")
	b.ReportMetric(render.Seconds(), "goldmark-s")
	b.ReportMetric(build.Seconds()/render.Seconds(), "index/goldmark")
	sort.Float64s(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "paired-index/goldmark")
	b.ReportMetric(renderCPU.Seconds(), "goldmark-cpu-s")
	b.ReportMetric(cpu.Seconds()/renderCPU.Seconds(), "cpu-index/goldmark")
	b.ReportMetric(float64(s.mdBytes)/1e6, "markdown-MB")
	b.ReportMetric(float64(st.Stats.Bytes)/1e6, "index-MB")
	b.ReportMetric(float64(st.Stats.Bytes)/float64(s.mdBytes), "index/markdown")
	b.ReportMetric(float64(info.Size())/1e6, "text-MB")
	b.ReportMetric(float64(st.Stats.Bytes-info.Size())/1e6, "bleve-MB")
}

// benchQueries is the fixed query mix: support words, multi-word queries,
// typos, synonyms, unfinished words, an error code and filters.
func benchQueries() []Request {
	var out []Request
	for _, q := range []string{"invoice", "reset password", "cant sign in", "bill", "sync fails on desktop",
		"export data", "slack notification missing", "pasword", "invocie download", "how to",
		"upload large file", "delete workspace", "two factor", "token expired", "guest access folder"} {
		out = append(out, Request{Q: q})
	}
	for _, q := range []string{"inv", "passw", "sync de", "notif"} {
		out = append(out, Request{Q: q, Prefix: true})
	}
	out = append(out, Request{Q: "payment declined", Type: "troubleshooting"}, Request{Q: "install app", Product: "Mobile"},
		Request{Q: "change plan", Type: "faq", Product: "Web"})
	return out
}

// queryRounds is how often an iteration of BenchmarkQuery runs the mix.
const queryRounds = 20

func BenchmarkQuery(b *testing.B) { benchQuery(b, "query.bleve", Settings{}) }

// BenchmarkQueryForms is BenchmarkQuery on an index with Settings.Forms:
// what matching each word's Snowball forms costs.
func BenchmarkQueryForms(b *testing.B) { benchQuery(b, "forms.bleve", Settings{Forms: true}) }

func benchQuery(b *testing.B, name string, set Settings) {
	s := loadBench(b)
	path := filepath.Join(s.dir, ".kb", name)
	if _, err := os.Stat(path); err != nil {
		st, err := Stage(context.Background(), s.pages, s.cfg, path, set)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	qs := benchQueries()
	ctx := context.Background()
	for _, q := range qs { // warm up: page in the index, fill caches
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	// Wall time, and the CPU time of the searching thread: on a shared
	// machine a query can wait for a core, and its CPU time says what kb
	// itself costs.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var times, cpus []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for range queryRounds {
			for _, q := range qs {
				start, startCPU := time.Now(), threadCPU()
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				cpus = append(cpus, threadCPU()-startCPU)
			}
		}
	}
	b.StopTimer()
	pct := func(ts []time.Duration, p float64) float64 {
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		return float64(ts[min(len(ts)-1, int(p*float64(len(ts))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(times, 0.50), "p50-ms")
	b.ReportMetric(pct(times, 0.99), "p99-ms")
	b.ReportMetric(pct(cpus, 0.50), "p50-cpu-ms")
	b.ReportMetric(pct(cpus, 0.99), "p99-cpu-ms")
	b.ReportMetric(float64(len(qs)*queryRounds), "queries/op")
}
