package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// evalCase is one labelled query of testdata/eval.json: want is the id of
// the page (or FAQ question) that must come first or in the top 3.
type evalCase struct {
	Q    string `json:"q"`
	Want string `json:"want"`
	Kind string `json:"kind"`
}

// evalResult summarises a run of the evaluation set.
type evalResult struct {
	Top1, Top3, MRR float64
	Misses          []string
}

func loadEval(t testing.TB) []evalCase {
	t.Helper()
	data, err := os.ReadFile("testdata/eval.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func runEval(t testing.TB, ix *Index, cases []evalCase) evalResult {
	t.Helper()
	var r evalResult
	for _, c := range cases {
		resp, err := ix.Search(context.Background(), Request{Q: c.Q, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", c.Q, err)
		}
		rank := 0
		var got []string
		for i, h := range resp.Hits {
			if h.ID == c.Want && rank == 0 {
				rank = i + 1
			}
			if i < 3 {
				got = append(got, h.ID)
			}
		}
		if rank == 1 {
			r.Top1++
		}
		if rank >= 1 && rank <= 3 {
			r.Top3++
		} else {
			r.Misses = append(r.Misses, fmt.Sprintf("%-8s %q: want %s at rank ≤3, got rank %d; top 3 %v", c.Kind, c.Q, c.Want, rank, got))
		}
		if rank > 0 {
			r.MRR += 1 / float64(rank)
		}
	}
	n := float64(len(cases))
	r.Top1, r.Top3, r.MRR = r.Top1/n, r.Top3/n, r.MRR/n
	return r
}

// TestEval fails when fewer than 90% of the evaluation queries have their
// page in the top 3 with kb's default analysis. It prints the figures of
// every stemmer and scoring model too: the evidence for the defaults.
func TestEval(t *testing.T) {
	pages, cfg := loadSample(t)
	cases := loadEval(t)
	if len(cases) < 40 {
		t.Fatalf("the evaluation set has %d queries, want at least 40", len(cases))
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-8s %-7s %6s %6s %6s\n", "stemmer", "scoring", "top1", "top3", "MRR")
	var def evalResult
	for _, s := range Stemmers {
		for _, scoring := range []string{"tf-idf", "bm25"} {
			if testing.Short() && (s != DefaultStemmer || scoring != ScoringModel) {
				continue
			}
			ix := buildIndex(t, pages, cfg, Settings{Stemmer: s, Scoring: scoring})
			r := runEval(t, ix, cases)
			name := scoring
			fmt.Fprintf(&table, "%-8s %-7s %5.1f%% %5.1f%% %6.3f\n", s, name, 100*r.Top1, 100*r.Top3, r.MRR)
			if s == DefaultStemmer && scoring == ScoringModel {
				def = r
			}
		}
	}
	t.Logf("%d queries; default: stemmer %s, scoring %q\n%s", len(cases), DefaultStemmer, ScoringModel, table.String())
	for _, m := range def.Misses {
		t.Logf("miss: %s", m)
	}
	t.Logf("default: top-3 %.1f%%, MRR %.3f", 100*def.Top3, def.MRR)
	if def.Top3 < 0.9 {
		t.Errorf("top-3 share %.1f%% is below 90%%", 100*def.Top3)
	}
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
			if h.ID == c.Want {
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
