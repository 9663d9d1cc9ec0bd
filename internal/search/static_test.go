package search

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/octoacme/kb/internal/config"
)

// dirWriter writes files under a folder.
type dirWriter string

func (d dirWriter) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// exportIndex exports ix's static index into a new folder and returns it.
func exportIndex(t testing.TB, ix *Index) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := Export(context.Background(), ix.Path(), dirWriter(dir)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// canonical orders hits by score, treating scores within 1e-9 of each
// other (relative) as ties broken by id, and returns the first n ids.
func canonical(hits []scored, n int) []string {
	hs := append([]scored(nil), hits...)
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Score > hs[j].Score })
	// group near-equal scores, then sort each group by id
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && closeScores(hs[j-1].Score, hs[j].Score) {
			j++
		}
		sort.Slice(hs[i:j], func(a, b int) bool { return hs[i+a].ID < hs[i+b].ID })
		i = j
	}
	var out []string
	for i := 0; i < len(hs) && i < n; i++ {
		out = append(out, hs[i].ID)
	}
	return out
}

func closeScores(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// compareResponses checks the top-10 ids (ties within 1e-9 by id), scores
// within 1e-9, totals, facets and corrections of two responses.
func compareResponses(t *testing.T, name string, want, got *Response) {
	t.Helper()
	hits := func(r *Response) []scored {
		var out []scored
		for _, h := range r.Hits {
			out = append(out, scored{h.ID, h.Score})
		}
		return out
	}
	w, g := canonical(hits(want), 10), canonical(hits(got), 10)
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s: top 10 (-want +got):\n%s", name, diff)
		return
	}
	score := map[string]float64{}
	for _, h := range got.Hits {
		score[h.ID] = h.Score
	}
	for _, h := range want.Hits {
		if s, ok := score[h.ID]; ok && !closeScores(s, h.Score) {
			t.Errorf("%s: %s scores %v, want %v", name, h.ID, s, h.Score)
		}
	}
	if want.Total != got.Total || want.Corrected != got.Corrected {
		t.Errorf("%s: total %d corrected %q, want %d %q", name, got.Total, got.Corrected, want.Total, want.Corrected)
	}
	if diff := cmp.Diff(want.Facets, got.Facets); diff != "" {
		t.Errorf("%s: facets (-want +got):\n%s", name, diff)
	}
}

// TestStaticMatchesBleve runs the test requests through the Go API and
// through the Go port of the static client over the exported files.
func TestStaticMatchesBleve(t *testing.T) {
	ix := sampleIndex(t)
	st, err := OpenStatic(os.DirFS(exportIndex(t, ix)))
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range testRequests(t) {
		req.Limit = MaxLimit
		name := fmt.Sprintf("%q type=%s product=%s prefix=%v", req.Q, req.Type, req.Product, req.Prefix)
		want := search(t, ix, req)
		got, err := st.Search(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareResponses(t, name, want, got)
		for i := range min(len(want.Hits), len(got.Hits)) {
			if want.Hits[i].ID == got.Hits[i].ID && want.Hits[i].Snippet != got.Hits[i].Snippet {
				t.Errorf("%s: %s snippet %q, want %q", name, got.Hits[i].ID, got.Hits[i].Snippet, want.Hits[i].Snippet)
			}
		}
	}
}

// TestStaticEmptySite exports an index without documents: the Go port and
// the client answer with no hits.
func TestStaticEmptySite(t *testing.T) {
	ix := buildIndex(t, nil, config.Default(), Settings{})
	site := exportIndex(t, ix)
	st, err := OpenStatic(os.DirFS(site))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := st.Search(context.Background(), Request{Q: "anything at all", Prefix: true}); err != nil || len(r.Hits) != 0 || r.Total != 0 {
		t.Errorf("Go port: %v %+v", err, r)
	}
	var js nodeResults
	runNode(t, map[string]any{"site": site, "requests": []map[string]any{{"q": "anything"}, {"q": "pasword", "prefix": true}}}, &js)
	for i, r := range js.Results {
		if r.Unavailable || r.Error != "" || len(r.Hits) != 0 {
			t.Errorf("client, request %d: %+v", i, r)
		}
	}
}
