package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// evalCase is one labelled query of an evaluation set: want is the id of
// the page (or FAQ question) that must come first or in the top 3; also
// lists other pages that answer the query as well, where a real corpus has
// them, and count as hits too.
type evalCase struct {
	Q    string   `json:"q"`
	Want string   `json:"want"`
	Also []string `json:"also,omitempty"`
	Kind string   `json:"kind"`
}

// answers reports whether the document id answers c.
func (c evalCase) answers(id string) bool {
	return id == c.Want || slices.Contains(c.Also, id)
}

// evalCorpus is a site and its evaluation set, with the floors below
// which TestEval fails. The floors are the figures measured when they were
// last set, rounded down a little: raise them with every ranking change
// that improves them (docs/search.md, "Evaluation on real prose").
type evalCorpus struct {
	name, root, queries string
	minQueries          int
	top3, mrr           float64 // floors
}

var evalCorpora = []evalCorpus{
	// The sample site, the OctoAcme help center written for kb.
	{name: "octoacme", root: sampleRoot, queries: "testdata/eval.json", minQueries: 60, top3: 0.96, mrr: 0.90},
	// rclone's user documentation, real prose not written for kb
	// (testdata/realprose/rclone/NOTICE).
	{name: "rclone", root: "testdata/realprose/rclone", queries: "testdata/realprose/rclone/eval.json", minQueries: 80, top3: 0.86, mrr: 0.80},
}

// evalOutcome is where one query's page ranked: 0 when not in the top 10.
type evalOutcome struct {
	c    evalCase
	rank int
	top3 []string
}

// evalScore summarises outcomes.
type evalScore struct {
	N               int
	Top1, Top3, MRR float64
}

func (s evalScore) String() string {
	return fmt.Sprintf("%4d %6.1f%% %6.1f%% %6.3f", s.N, 100*s.Top1, 100*s.Top3, s.MRR)
}

// loadEval loads the sample site's evaluation set.
func loadEval(t testing.TB) []evalCase {
	t.Helper()
	return loadEvalFile(t, evalCorpora[0].queries)
}

// loadEvalFile loads an evaluation set and checks that every case is complete.
func loadEvalFile(t testing.TB, path string) []evalCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for i, c := range cases {
		if strings.TrimSpace(c.Q) == "" || c.Want == "" || c.Kind == "" {
			t.Fatalf("%s: case %d (%q) needs q, want and kind", path, i, c.Q)
		}
	}
	return cases
}

// runEval runs every case against ix and records the rank of the first
// hit that answers it.
func runEval(t testing.TB, ix *Index, cases []evalCase) []evalOutcome {
	t.Helper()
	out := make([]evalOutcome, 0, len(cases))
	for _, c := range cases {
		resp, err := ix.Search(context.Background(), Request{Q: c.Q, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", c.Q, err)
		}
		o := evalOutcome{c: c}
		for i, h := range resp.Hits {
			if o.rank == 0 && c.answers(h.ID) {
				o.rank = i + 1
			}
			if i < 3 {
				o.top3 = append(o.top3, h.ID)
			}
		}
		out = append(out, o)
	}
	return out
}

// score summarises the outcomes that keep selects (all when keep is nil).
func score(outs []evalOutcome, keep func(evalOutcome) bool) evalScore {
	var s evalScore
	for _, o := range outs {
		if keep != nil && !keep(o) {
			continue
		}
		s.N++
		if o.rank == 1 {
			s.Top1++
		}
		if o.rank >= 1 && o.rank <= 3 {
			s.Top3++
		}
		if o.rank > 0 {
			s.MRR += 1 / float64(o.rank)
		}
	}
	if s.N > 0 {
		n := float64(s.N)
		s.Top1, s.Top3, s.MRR = s.Top1/n, s.Top3/n, s.MRR/n
	}
	return s
}

// byKind is the score of each kind of query, in order of first appearance.
func byKind(outs []evalOutcome) string {
	var kinds []string
	for _, o := range outs {
		if !slices.Contains(kinds, o.c.Kind) {
			kinds = append(kinds, o.c.Kind)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %4s %7s %7s %6s\n", "kind", "n", "top1", "top3", "MRR")
	for _, k := range kinds {
		fmt.Fprintf(&b, "%-12s %s\n", k, score(outs, func(o evalOutcome) bool { return o.c.Kind == k }))
	}
	fmt.Fprintf(&b, "%-12s %s\n", "all", score(outs, nil))
	return b.String()
}

// misses lists the queries whose page is not in the top 3.
func misses(outs []evalOutcome) []string {
	var m []string
	for _, o := range outs {
		if o.rank < 1 || o.rank > 3 {
			m = append(m, fmt.Sprintf("%-11s %q: want %s, got rank %d; top 3 %v", o.c.Kind, o.c.Q, o.c.Want, o.rank, o.top3))
		}
	}
	return m
}

// TestEval runs the evaluation set of every corpus with kb's default
// analysis, logs top-1, top-3 and MRR per corpus and per kind of query and
// the misses, and fails when a corpus falls below its floors. Without
// -short it also prints the figures of every stemmer and of word forms:
// the evidence for the defaults.
func TestEval(t *testing.T) {
	total := 0
	for _, corpus := range evalCorpora {
		t.Run(corpus.name, func(t *testing.T) {
			pages, cfg := loadSite(t, corpus.root)
			cases := loadEvalFile(t, corpus.queries)
			total += len(cases)
			if len(cases) < corpus.minQueries {
				t.Fatalf("%s has %d queries, want at least %d", corpus.queries, len(cases), corpus.minQueries)
			}
			var table strings.Builder
			fmt.Fprintf(&table, "%-15s %4s %7s %7s %6s\n", "analysis", "n", "top1", "top3", "MRR")
			var def []evalOutcome
			for _, v := range evalVariants() {
				isDefault := v.set == Settings{}
				if testing.Short() && !isDefault {
					continue
				}
				ix := buildIndex(t, pages, cfg, v.set)
				outs := runEval(t, ix, cases)
				fmt.Fprintf(&table, "%-15s %s\n", v.name, score(outs, nil))
				if isDefault {
					def = outs
				}
			}
			all := score(def, nil)
			t.Logf("%s: %d pages, %d queries; default: stemmer %s\n%s\nby kind (default):\n%s",
				corpus.name, len(pages), len(cases), DefaultStemmer, table.String(), byKind(def))
			for _, m := range misses(def) {
				t.Logf("miss: %s", m)
			}
			t.Logf("%s: top-1 %.1f%%, top-3 %.1f%%, MRR %.3f (floors: top-3 %.1f%%, MRR %.3f)",
				corpus.name, 100*all.Top1, 100*all.Top3, all.MRR, 100*corpus.top3, corpus.mrr)
			if all.Top3 < corpus.top3 {
				t.Errorf("%s: top-3 share %.1f%% is below the floor of %.1f%%", corpus.name, 100*all.Top3, 100*corpus.top3)
			}
			if all.MRR < corpus.mrr {
				t.Errorf("%s: MRR %.3f is below the floor of %.3f", corpus.name, all.MRR, corpus.mrr)
			}
		})
	}
	if total < 120 {
		t.Errorf("the evaluation sets have %d queries in all, want at least 120", total)
	}
}

// evalVariant is an analysis TestEval measures without -short.
type evalVariant struct {
	name string
	set  Settings
}

// evalVariants are the default (the zero Settings), every stemmer, and
// the plural stemmer's index queried with each word's Snowball forms
// below the form typed (Settings.Forms), and Snowball's index with them.
func evalVariants() []evalVariant {
	vs := []evalVariant{{"default", Settings{}}}
	for _, s := range Stemmers {
		vs = append(vs, evalVariant{string(s), Settings{Stemmer: s}})
	}
	return append(vs, evalVariant{"plural+forms", Settings{Stemmer: PluralStemmer, Forms: true}})
}

// typed returns q as a customer has typed it part of the way: its last
// word cut to 60% of its letters, or "" when that word is under 4 letters.
func typed(q string) string {
	i := strings.LastIndexByte(q, ' ') + 1
	last := []rune(q[i:])
	if len(last) < 4 {
		return ""
	}
	return q[:i] + string(last[:(len(last)*6+9)/10])
}

// TestEvalTyping runs the evaluation queries as they look while typed
// (search as you type: the last word cut to 60% and completed from the
// index) and fails when fewer than 85% have their page in the top 3.
func TestEvalTyping(t *testing.T) {
	ix := sampleIndex(t)
	var n, top3 int
	var mrr float64
	for _, c := range loadEval(t) {
		q := typed(c.Q)
		if q == "" {
			continue
		}
		n++
		r, err := ix.Search(context.Background(), Request{Q: q, Prefix: true})
		if err != nil {
			t.Fatal(err)
		}
		for k, h := range r.Hits {
			if c.answers(h.ID) {
				if k < 3 {
					top3++
				}
				mrr += 1 / float64(k+1)
				break
			}
		}
	}
	t.Logf("%d queries typed 60%% into their last word: top-3 %.1f%%, MRR %.3f", n, 100*float64(top3)/float64(n), mrr/float64(n))
	if float64(top3) < 0.85*float64(n) {
		t.Errorf("top-3 share %d/%d is below 85%%", top3, n)
	}
}
