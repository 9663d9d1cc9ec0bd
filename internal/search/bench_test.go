package search

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/markdown"
)

// The benchmarks run on a generated site of KB_BENCH_PAGES pages (default
// 10,000), only with -bench:
//
//	go test ./internal/search -run '^$' -bench . -benchtime 1x
//
// BenchmarkIndex reports the index build time beside the time goldmark
// takes to render the same pages in the same run, and the index size on
// disk beside the Markdown size, split into stored text and the rest
// (postings, dictionaries, norms). BenchmarkQuery reports p50 and p99
// latency over a fixed query mix through the Go API (no HTTP).

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
	dir      string
	mdBytes  int64
	pages    []*content.Page
	cfg      *config.Config
	renderNs time.Duration
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

// loadBench generates and loads the benchmark site once per process, and
// times goldmark rendering every page body.
func loadBench(b *testing.B) *benchSite {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kb-search-bench-")
		if err != nil {
			benchErr = err
			return
		}
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
		s.pages = cs.Pages
		start := time.Now()
		for _, p := range s.pages {
			if _, err := conv.Convert(p.Body(), p.URL); err != nil {
				benchErr = err
				return
			}
		}
		s.renderNs = time.Since(start)
		bench = s
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func BenchmarkIndex(b *testing.B) {
	s := loadBench(b)
	b.ReportAllocs()
	var st *Staged
	var elapsed time.Duration
	runs := 0
	for b.Loop() {
		if st != nil {
			st.Abort()
		}
		start := time.Now()
		var err error
		st, err = Stage(context.Background(), s.pages, s.cfg, filepath.Join(s.dir, ".kb", "search.bleve"), Settings{})
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		runs++
	}
	b.StopTimer()
	defer st.Abort()
	// The same index without stored fields: the difference is stored text.
	lean, err := Stage(context.Background(), s.pages, s.cfg, filepath.Join(s.dir, ".kb", "lean.bleve"), Settings{noStore: true})
	if err != nil {
		b.Fatal(err)
	}
	defer lean.Abort()
	build := elapsed / time.Duration(runs)
	b.ReportMetric(float64(len(s.pages)), "pages")
	b.ReportMetric(float64(st.Stats.Docs), "docs")
	b.ReportMetric(build.Seconds(), "index-s")
	b.ReportMetric(s.renderNs.Seconds(), "goldmark-s")
	b.ReportMetric(build.Seconds()/s.renderNs.Seconds(), "index/goldmark")
	b.ReportMetric(float64(s.mdBytes)/1e6, "markdown-MB")
	b.ReportMetric(float64(st.Stats.Bytes)/1e6, "index-MB")
	b.ReportMetric(float64(st.Stats.Bytes)/float64(s.mdBytes), "index/markdown")
	b.ReportMetric(float64(st.Stats.Bytes-lean.Stats.Bytes)/1e6, "stored-MB")
	b.ReportMetric(float64(lean.Stats.Bytes)/1e6, "postings-MB")
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

func BenchmarkQuery(b *testing.B) {
	s := loadBench(b)
	path := filepath.Join(s.dir, ".kb", "query.bleve")
	if _, err := os.Stat(path); err != nil {
		if _, err := Build(context.Background(), s.pages, s.cfg, path); err != nil {
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
	var times []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, q := range qs {
			start := time.Now()
			if _, err := ix.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(qs)), "queries/op")
}
