package themetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/browsertest"
)

// minScore is the Lighthouse score every category must reach (0 to 1).
const minScore = 0.95

// lighthousePages are the pages issue 18 names: home, article, search
// (with results) and a release.
var lighthousePages = []string{"/", "/articles/create-an-api-token/", "/search/?q=password", "/releases/3-7-0/"}

// lighthouseRun is what testdata/lighthouse.mjs is given, and answers.
type lighthouseRun struct {
	URL        string             `json:"url"`
	View       string             `json:"view"`
	Dark       bool               `json:"dark,omitempty"`
	Desktop    bool               `json:"desktop,omitempty"`
	Categories []string           `json:"categories,omitempty"`
	Scores     map[string]float64 `json:"scores,omitempty"`
	Failing    []string           `json:"failing,omitempty"`
	Error      string             `json:"error,omitempty"`
	MS         int                `json:"ms,omitempty"`
}

// TestLighthouse runs Lighthouse (npm, in Debian's Chromium) on the four
// pages in the four views and wants every category at 0.95 or more: in the
// light scheme performance, accessibility, best practices and SEO; in the
// dark scheme (the system's, through Chromium's --force-dark-mode) the three
// a colour can change, as performance is the same files and markup. Mobile
// is Lighthouse's default (a 412 px phone, throttled), desktop its desktop
// preset. Skipped without Lighthouse, node or Chromium, unless KB_CI is set.
func TestLighthouse(t *testing.T) {
	browserSkip(t)
	dir := npmTool(t, "KB_LIGHTHOUSE", "lighthouse")
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatal("node not found: Lighthouse needs Node.js")
		}
		t.Skip("node not found: Lighthouse needs Node.js")
	}
	if _, err := os.Stat(browsertest.Path); err != nil {
		if os.Getenv("KB_CI") != "" {
			t.Fatalf("%s is missing: %v", browsertest.Path, err)
		}
		t.Skipf("%s is not installed", browsertest.Path)
	}
	base := serveSample(t)
	var runs []lighthouseRun
	for _, v := range views {
		cats := []string{"performance", "accessibility", "best-practices", "seo"}
		if v.Dark {
			cats = cats[1:]
		}
		for _, p := range lighthousePages {
			runs = append(runs, lighthouseRun{URL: base + p, View: v.Name, Dark: v.Dark, Desktop: !v.Mobile, Categories: cats})
		}
	}
	arg, err := json.Marshal(runs)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "lighthouse.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, dir, string(arg))
	cmd.Env = append(os.Environ(), "CHROME_PATH="+browsertest.Path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("lighthouse.mjs: %v\n%s", err, stderr.Bytes())
	}
	t.Logf("%d Lighthouse runs in %v", len(runs), time.Since(start).Round(time.Second))
	got := 0
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r lighthouseRun
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || got >= len(runs) {
			t.Fatalf("lighthouse.mjs printed %q: %v", sc.Bytes(), err)
		}
		want := runs[got]
		got++
		page := strings.TrimPrefix(r.URL, base)
		if r.URL != want.URL || r.View != want.View {
			t.Fatalf("lighthouse.mjs answered for %s %s, want %s %s", r.URL, r.View, want.URL, want.View)
		}
		if r.Error != "" {
			t.Errorf("%s %s: %s", page, r.View, r.Error)
			continue
		}
		for _, c := range want.Categories {
			if s, ok := r.Scores[c]; !ok || s < minScore {
				t.Errorf("%s %s: %s %.2f, want %.2f or more; audits that lost points:\n\t%s", page, r.View, c, s, minScore, strings.Join(r.Failing, "\n\t"))
			}
		}
	}
	if got != len(runs) {
		t.Errorf("lighthouse.mjs reported %d runs of %d\n%s", got, len(runs), stderr.Bytes())
	}
}
