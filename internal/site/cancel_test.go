package site

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
)

// loopingLayout would render each article for hours.
const loopingLayout = "{{define \"main\"}}\n{{range 1000000000}}{{range 1000000000}}{{end}}{{end}}\n{{end}}\n"

// cancelAfter is a context cancelled after d.
func cancelAfter(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(d, cancel)
	t.Cleanup(cancel)
	return ctx
}

// TestBuildStopsWhenCancelled: cancelling a build whose layout loops stops
// it at once, with the context's error; the previous output stays as it
// was and no staging folder is left beside it.
func TestBuildStopsWhenCancelled(t *testing.T) {
	dir := copySample(t)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, filepath.Dir(out))
	writeTree(t, dir, map[string]string{"layouts/article.html": loopingLayout, "site.yaml": "title: T\nlimits:\n  template_timeout: 1h\n"})
	start := time.Now()
	_, err := Build(cancelAfter(t, 300*time.Millisecond), Options{Dir: dir, Out: out, Theme: kb.Theme})
	// Uncancelled, the layout renders for an hour (its limit); loading and
	// linting are not interrupted, and under -race on a loaded machine
	// they alone can take seconds.
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("Build returned after %v, cancelled 300ms after it began", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var ie *InputError
	if errors.As(err, &ie) {
		t.Errorf("a cancelled build is an input error: %v", err)
	}
	if after := snapshot(t, filepath.Dir(out)); !maps.Equal(before, after) {
		t.Errorf("the cancelled build changed the output's folder:\nbefore %v\nafter  %v", before, after)
	}
}

// TestBuildTemplateTimeout: a layout that loops past
// limits.template_timeout stops the build with an input error naming the
// layout, the line of the loop and the page.
func TestBuildTemplateTimeout(t *testing.T) {
	dir := copySample(t)
	writeTree(t, dir, map[string]string{"layouts/article.html": loopingLayout, "site.yaml": "title: T\nlimits:\n  template_timeout: 500ms\n"})
	start := time.Now()
	_, err := Build(context.Background(), Options{Dir: dir, Out: filepath.Join(t.TempDir(), "public"), Theme: kb.Theme})
	// Without the limit the layout renders for hours; 30 s is for a loaded
	// machine under -race.
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("Build took %v", elapsed)
	}
	var ie *InputError
	if !errors.As(err, &ie) || len(ie.Problems) != 1 {
		t.Fatalf("err = %v, want one input error", err)
	}
	msg := ie.Problems[0].Error()
	if !strings.HasPrefix(msg, "layouts/article.html:2: rendering /articles/") ||
		!strings.Contains(msg, "/ took longer than 500ms (limits.template_timeout); look for a loop in the template") {
		t.Errorf("error %q", msg)
	}
}

// TestSessionStopsWhenCancelled: stopping kb serve stops its build, the
// first one and a rebuild after a layout changed, with the context's
// error; the session keeps serving its last good site.
func TestSessionStopsWhenCancelled(t *testing.T) {
	dir := copySample(t)
	writeTree(t, dir, map[string]string{"site.yaml": "title: T\nlimits:\n  template_timeout: 1h\n"})
	s := &Session{Dir: dir, Theme: kb.Theme}
	good, err := s.Full(context.Background())
	if err != nil || len(good.Problems) > 0 {
		t.Fatal(err, good.Problems)
	}
	writeTree(t, dir, map[string]string{"layouts/article.html": loopingLayout})
	for name, f := range map[string]func(context.Context) (*Update, error){
		"Apply": func(ctx context.Context) (*Update, error) { return s.Apply(ctx, []string{"layouts/article.html"}) },
		"Full":  s.Full,
	} {
		start := time.Now()
		u, err := f(cancelAfter(t, 300*time.Millisecond))
		if elapsed := time.Since(start); elapsed > 20*time.Second { // as in TestBuildStopsWhenCancelled
			t.Errorf("%s returned after %v, cancelled 300ms after it began", name, elapsed)
		}
		if u != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("%s = %v, %v; want context.Canceled", name, u, err)
		}
	}
	_, site, _ := s.Snapshot()
	if site != good.Site {
		t.Errorf("the session lost its last good site")
	}
}

// TestStoppedBuildRecycled: a stopped build keeps what it wrote as the
// spare output folder (one rename, where removing thousands of files made
// Ctrl+C slow), and the next build, which writes into it, publishes
// exactly what a build into a new folder does.
func TestStoppedBuildRecycled(t *testing.T) {
	dir := copySample(t)
	writeTree(t, dir, map[string]string{"site.yaml": "title: T\nlimits:\n  template_timeout: 1h\n"})
	out := filepath.Join(t.TempDir(), "public")
	writeTree(t, dir, map[string]string{"layouts/article.html": loopingLayout})
	if _, err := Build(cancelAfter(t, 300*time.Millisecond), Options{Dir: dir, Out: out, Theme: kb.Theme}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	spare := filepath.Join(dir, ".kb", "build", "spare")
	if st, err := os.Stat(spare); err != nil || !st.IsDir() {
		t.Fatalf("no spare folder after the stopped build: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.tmp-*")); len(m) > 0 {
		t.Errorf("staging folders left: %v", m)
	}
	os.Remove(filepath.Join(dir, "layouts", "article.html"))
	if _, err := Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Options{Dir: copySiteInputs(t, dir), Out: fresh, Theme: kb.Theme}); err != nil {
		t.Fatal(err)
	}
	if got, want := readTree(t, out), readTree(t, fresh); !maps.Equal(got, want) {
		t.Errorf("the build into the recycled folder differs from a fresh one: %d files, want %d", len(got), len(want))
	}
}

// copySiteInputs copies a site folder without its .kb/.
func copySiteInputs(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	copyCorpus(t, dir, to)
	os.RemoveAll(filepath.Join(to, ".kb"))
	return to
}
