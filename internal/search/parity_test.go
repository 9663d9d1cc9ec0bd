package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/octoacme/kb/internal/config"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/corpus"
	"github.com/octoacme/kb/internal/markdown"
)

// The parity tests: every query runs through bleve (the Go API), through
// the Go port of the static client (StaticIndex) and through the real
// JavaScript client (static/js/search-index.js) under Node, on the sample
// site and on a generated 2,000-page site. The top 10 ids must be the same
// (scores within 1e-9 relative are ties, broken by id), scores within 1e-9,
// and totals, facet counts and corrections equal. The Go port and the
// client must agree exactly, snippets included.

const clientJS = "../../static/js/search-index.js"

// runNode runs the test driver with a job and decodes its answer into out.
func runNode(t testing.TB, job, out any) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("KB_CI is set but node is missing: %v", err)
		}
		t.Skip("node is not installed")
	}
	data, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	jobFile := filepath.Join(t.TempDir(), "job.json")
	if err := os.WriteFile(jobFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, "testdata/node/driver.js", clientJS, jobFile)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("node's answer: %v", err)
	}
}

// nodeResults is the driver's answer to search requests.
type nodeResults struct {
	Results []struct {
		Response
		Error       string `json:"error"`
		Unavailable bool   `json:"unavailable"`
		Why         string `json:"why"`
	} `json:"results"`
	Micros []float64  `json:"micros"`
	Loaded [][]string `json:"loaded"`
}

// parity runs reqs through bleve, the Go port and the JavaScript client.
func parity(t *testing.T, ix *Index, site string, reqs []Request) {
	st, err := OpenStatic(os.DirFS(site))
	if err != nil {
		t.Fatal(err)
	}
	jsReqs := make([]map[string]any, len(reqs))
	for i, r := range reqs {
		jsReqs[i] = map[string]any{"q": r.Q, "type": r.Type, "product": r.Product, "limit": r.Limit, "prefix": r.Prefix, "facets": !r.NoFacets}
	}
	var js nodeResults
	runNode(t, map[string]any{"site": site, "requests": jsReqs}, &js)
	if len(js.Results) != len(reqs) {
		t.Fatalf("node answered %d of %d requests", len(js.Results), len(reqs))
	}
	compared := 0
	for i, req := range reqs {
		name := fmt.Sprintf("%q type=%s product=%s prefix=%v", req.Q, req.Type, req.Product, req.Prefix)
		want, err := ix.Search(context.Background(), req)
		if err != nil {
			if _, ok := err.(*QueryError); ok && js.Results[i].Error != "" {
				continue
			}
			t.Fatalf("%s: %v", name, err)
		}
		got, err := st.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: Go port: %v", name, err)
		}
		compareResponses(t, name+" (Go port)", want, got)
		jr := js.Results[i]
		if jr.Unavailable || jr.Error != "" {
			t.Errorf("%s: client: %s%s", name, jr.Error, jr.Why)
			continue
		}
		compareResponses(t, name+" (client)", want, &jr.Response)
		// The Go port and the client walk the same tree in the same order:
		// the same hits in the same order, the same snippets.
		if len(got.Hits) != len(jr.Hits) {
			t.Errorf("%s: Go port %d hits, client %d", name, len(got.Hits), len(jr.Hits))
			continue
		}
		for k := range got.Hits {
			g, j := got.Hits[k], jr.Hits[k]
			if g.ID != j.ID || g.Snippet != j.Snippet || g.Title != j.Title || g.URL != j.URL || g.Page != j.Page || math.Abs(g.Score-j.Score) > 1e-12*math.Abs(g.Score) {
				t.Errorf("%s: hit %d: Go port %+v, client %+v", name, k, g, j)
				break
			}
		}
		if len(want.Hits) > 0 {
			compared++
		}
	}
	if compared < len(reqs)/3 {
		t.Errorf("only %d of %d requests had hits to compare", compared, len(reqs))
	}
	t.Logf("%d requests, %d with hits: bleve, the Go port and the client agree", len(reqs), compared)
}

func TestParitySample(t *testing.T) {
	ix := sampleIndex(t)
	site := exportIndex(t, ix)
	reqs := testRequests(t)
	for _, c := range loadEval(t) {
		reqs = append(reqs, typoVariants(c.Q, 1)...)
	}
	parity(t, ix, site, reqs)
}

// TestParityRealProse holds the client to the API on rclone's
// documentation (real prose, code everywhere) with its evaluation queries
// (pasted errors with identifiers among them), typed and with typos.
func TestParityRealProse(t *testing.T) {
	if testing.Short() {
		t.Skip("the real-prose parity test is skipped in -short mode")
	}
	c := evalCorpora[1]
	pages, cfg := loadSite(t, c.root)
	ix := buildIndex(t, pages, cfg, Settings{})
	site := exportIndex(t, ix)
	var reqs []Request
	for _, e := range loadEvalFile(t, c.queries) {
		reqs = append(reqs, Request{Q: e.Q}, Request{Q: e.Q, Prefix: true})
		reqs = append(reqs, typoVariants(e.Q, 2)...)
	}
	parity(t, ix, site, reqs)
}

// typoVariants returns queries like q with one typo in its longest word: a
// swap, a deletion, a doubled letter.
func typoVariants(q string, seed int64) []Request {
	words := strings.Fields(q)
	longest := 0
	for i, w := range words {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(words[longest]) {
			longest = i
		}
	}
	r := []rune(words[longest])
	if len(r) < 4 {
		return nil
	}
	rng := rand.New(rand.NewSource(seed + int64(len(q))))
	k := 1 + rng.Intn(len(r)-2)
	var out []Request
	for _, v := range [][]rune{
		append(append(append([]rune{}, r[:k]...), r[k+1], r[k]), r[k+2:]...),
		append(append([]rune{}, r[:k]...), r[k+1:]...),
		append(append([]rune{}, r[:k+1]...), r[k:]...),
	} {
		ws := append([]string(nil), words...)
		ws[longest] = string(v)
		out = append(out, Request{Q: strings.Join(ws, " ")})
	}
	return out
}

// corpusSite is the generated 2,000-page site, built once per test run.
var corpusSite struct {
	once  sync.Once
	pages []*content.Page
	cfg   *config.Config
	err   error
}

func loadCorpus(t testing.TB) ([]*content.Page, *config.Config) {
	t.Helper()
	corpusSite.once.Do(func() {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("kb-parity-corpus-%d", os.Getpid()))
		os.RemoveAll(dir)
		if _, err := corpus.Generate(dir, corpus.Options{Pages: 2000, Seed: 7, Products: 3}); err != nil {
			corpusSite.err = err
			return
		}
		defer os.RemoveAll(dir)
		cfg, err := config.Load(dir)
		if err != nil {
			corpusSite.err = err
			return
		}
		cfg.Search.Synonyms = []config.Synonym{{From: []string{"sign in", "log in"}, To: []string{"sign in", "log in"}, TwoWay: true}, {From: []string{"bill"}, To: []string{"invoice"}}}
		conv := markdown.New(markdown.Options{BasePath: cfg.BasePath()})
		cs := content.Load(os.DirFS(dir), content.Options{Markdown: conv, MaxFileBytes: cfg.Limits.MaxFileBytes})
		if len(cs.Errors) > 0 {
			corpusSite.err = cs.Errors[0]
			return
		}
		for _, p := range cs.Pages {
			if !p.Draft {
				corpusSite.pages = append(corpusSite.pages, p)
			}
		}
		corpusSite.cfg = cfg
	})
	if corpusSite.err != nil {
		t.Fatal(corpusSite.err)
	}
	return corpusSite.pages, corpusSite.cfg
}

// corpusRequests makes the query set of the generated site: its own words
// alone and in twos and threes, typo variants, unfinished words, the
// evaluation queries, and every filter.
func corpusRequests(ix *Index) []Request {
	rng := rand.New(rand.NewSource(3))
	var vocab []string
	seen := map[string]bool{}
	for _, id := range ix.text.(*textStore).ids {
		rec, _ := ix.text.record(id)
		for _, w := range strings.Fields(rec.Title) {
			w = strings.ToLower(strings.Trim(w, ".,:?"))
			if len(w) > 3 && !seen[w] && !isStop(w) {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	sort.Strings(vocab)
	pick := func() string { return vocab[rng.Intn(len(vocab))] }
	var reqs []Request
	for i := 0; i < 25; i++ {
		reqs = append(reqs, Request{Q: pick()}, Request{Q: pick() + " " + pick()}, Request{Q: pick() + " " + pick() + " " + pick()})
	}
	for i := 0; i < 25; i++ {
		reqs = append(reqs, typoVariants(pick()+" "+pick(), int64(i))...)
		w := pick()
		reqs = append(reqs, Request{Q: pick() + " " + w[:2+rng.Intn(len(w)-2)], Prefix: true})
	}
	for _, q := range []string{"how to", "error", "E0012", "release 1.4.0", "cant sign in", "bill", "how do I open the invoice"} {
		reqs = append(reqs, Request{Q: q})
	}
	types := []string{"article", "faq", "troubleshooting", "release"}
	products := []string{}
	for _, v := range ix.docs.(*docTable).values {
		if v != "" && !contains(types, v) {
			products = append(products, v)
		}
	}
	sort.Strings(products)
	n := len(reqs)
	for i := 0; i < n; i += 3 {
		r := reqs[i]
		r.Type = types[i%len(types)]
		reqs = append(reqs, r)
		if len(products) > 0 {
			r.Product = products[i%len(products)]
			reqs = append(reqs, r)
			r.Type = ""
			reqs = append(reqs, r)
		}
	}
	return reqs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestParityCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the 2,000-page parity test is skipped in -short mode")
	}
	pages, cfg := loadCorpus(t)
	ix := buildIndex(t, pages, cfg, Settings{})
	site := exportIndex(t, ix)
	parity(t, ix, site, corpusRequests(ix))
}

// analyzerFixtures are the awkward inputs of the analyzer parity test.
var analyzerFixtures = []string{
	"Can't sign in", "can’t", "won't've", "plan's upload limit", "'quoted' words'", "rock'n'roll", "O'Reilly's",
	"AUTH-401: Your email", "two-factor (2FA)", "libsecret-1.so.0", "too_many_requests/.:", "net/http: timeout", "--dry-run",
	"ÉRREUR_Ünï-Ç:ödé", "a-", "-_-", "x@y", "İ-İ", "1.2-rc", "émoji🙂-x", "e\u0301-x", "https://example.com/a_b?c=d", "e-mail re-sync x-ray", "well-known—em dash–en dash",
	"version 3.7.0 and 3.", "v2.10.1-beta.3", "1.2.3.4", "3..4", ".5", "5.", "١٢٣.٤٥٦", "٣.٧", "1,000.50",
	"Café naïve résumé Ærøskøbing", "e\u0301t\u00e9", "İstanbul ıi ǅ ǈ", "ΣΊΣΥΦΟΣ σοφός", "Straße STRASSE ẞ",
	"emoji😀here 👩‍👩‍👧 ❤️ 🇫🇷", "中文 日本語のテキスト 한국어", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "𝐛𝐨𝐥𝐝 𝔣𝔯𝔞𝔨𝔱𝔲𝔯",
	"tab\tnew\nline\r\nnbsp\u00a0zero\u200bwidth", "ctl\x00x\x1b[1m", "<script>alert(1)</script>", "a&amp;b \"q\"",
	strings.Repeat("a", 40) + " " + strings.Repeat("b", 41), "boxes axes shoes horseshoes caches headaches spies pies bus glass dresses ladies",
	"oes hoes does goes echoes toes", "analyses crises theses", "files folders invoices passwords",
}

// TestAnalyzerParity has the Go analyzer and the JavaScript one analyse
// every distinct word of the sample site and of the generated site, the
// fixtures above, and classify every code point Go's Unicode tables assign.
func TestAnalyzerParity(t *testing.T) {
	texts := append([]string(nil), analyzerFixtures...)
	seen := map[string]bool{}
	add := func(docs []doc) {
		for _, d := range docs {
			for _, s := range append([]string{d.Title, d.Headings, d.Description, d.Body, d.Errors, d.Words}, d.Tags...) {
				for _, w := range strings.Fields(s) {
					if !seen[w] {
						seen[w] = true
						texts = append(texts, w)
					}
				}
			}
			// code: whole lines, for codeWords
			for _, w := range strings.Split(d.Code, "\n") {
				if !seen[w] {
					seen[w] = true
					texts = append(texts, w)
				}
			}
		}
	}
	pages, cfg := loadSample(t)
	add(documents(pages, cfg.BasePath()))
	if !testing.Short() {
		pages, cfg = loadCorpus(t)
		add(documents(pages, cfg.BasePath()))
	}
	var cps []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		// assigned in Go's Unicode version: later versions may add letters
		if unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co) {
			cps = append(cps, r)
		}
	}
	var stop []string
	for w := range stopWords {
		stop = append(stop, w)
	}
	var js struct {
		Plain      [][]string `json:"plain"`
		Text       [][]string `json:"text"`
		Code       [][]string `json:"code"`
		Codepoints []rune     `json:"codepoints"`
	}
	runNode(t, map[string]any{"texts": texts, "stop": stop, "codepoints": cps}, &js)
	if len(js.Plain) != len(texts) || len(js.Codepoints) != len(cps) {
		t.Fatal("node answered for fewer inputs")
	}
	text := kbAnalyzer{text: true, stemmer: PluralStemmer}
	bad := 0
	for i, s := range texts {
		plain, terms, code := kbAnalyzer{}.terms(s), text.terms(s), codeWords(s)
		if !equalStrings(plain, js.Plain[i]) || !equalStrings(terms, js.Text[i]) || !equalStrings(code, js.Code[i]) {
			if bad++; bad <= 20 {
				t.Errorf("%q: Go %q %q %q, JavaScript %q %q %q", s, plain, terms, code, js.Plain[i], js.Text[i], js.Code[i])
			}
		}
	}
	for i, r := range cps {
		want := rune(-1)
		if isWordRune(r) {
			want = unicode.ToLower(r)
		}
		if js.Codepoints[i] != want && unicodeChanged[r] == "" {
			if bad++; bad <= 40 {
				t.Errorf("U+%04X %q: Go %d, JavaScript %d", r, r, want, js.Codepoints[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d differences", bad)
	}
	t.Logf("%d texts and %d code points analysed alike", len(texts), len(cps))
}

// unicodeChanged lists the code points that Unicode versions after Go's
// (15.0) classify differently; browsers and Node follow the newer ones.
var unicodeChanged = map[rune]string{
	0x1171E: "AHOM CONSONANT SIGN MEDIAL RA: Mn in Unicode 15, Mc since 16",
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClientBadInput sends the client input only JavaScript can make
// (lone surrogates, non-string values, names of Object's properties) and
// huge queries: every search must settle quickly with an answer or an
// error, never throw or hang. Then it damages the postings files, the
// dictionary and the document table: searches must fail as unavailable,
// never answer from a damaged file.
func TestClientBadInput(t *testing.T) {
	ix := sampleIndex(t)
	site := exportIndex(t, ix)
	var js struct {
		nodeResults
		Requests int `json:"requests"`
	}
	runNode(t, map[string]any{"site": site, "requests": []map[string]any{{"q": "password"}}, "hostile": true}, &js)
	if js.Requests < 20 || len(js.Results) != js.Requests {
		t.Fatalf("%d answers to %d requests", len(js.Results), js.Requests)
	}
	for i, r := range js.Results {
		if r.Unavailable {
			t.Errorf("request %d: unavailable: %s", i, r.Why)
		}
		if js.Micros[i] > 5e6 {
			t.Errorf("request %d took %.1f s", i, js.Micros[i]/1e6)
		}
		for _, h := range r.Hits {
			if strings.ContainsAny(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet), "<>") {
				t.Errorf("request %d: markup in snippet %q", i, h.Snippet)
			}
		}
	}
	for _, files := range []string{"p.", "w.", "d.", "manifest"} {
		for _, damage := range []string{"truncate", "garbage", "missing"} {
			var js nodeResults
			runNode(t, map[string]any{"site": site, "damage": damage, "damageFiles": files,
				"requests": []map[string]any{{"q": "password"}, {"q": "reset your password"}, {"q": "pasword", "prefix": true}}}, &js)
			for i, r := range js.Results {
				if !r.Unavailable {
					t.Errorf("%s %s files, request %d: answered %d hits (error %q), want unavailable", damage, files, i, len(r.Hits), r.Error)
				}
			}
		}
	}
}
