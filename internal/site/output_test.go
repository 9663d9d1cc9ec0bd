package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	kb "github.com/octoacme/kb"
)

// outSite writes the minimal site in a fresh folder and returns it.
func outSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	writeTree(t, dir, minimalSite)
	return dir
}

func buildTo(dir, out string) (*Result, error) {
	return Build(context.Background(), Options{Dir: dir, Out: out, Theme: kb.Theme})
}

// leftovers lists the temporary names kb makes that remain in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && (strings.Contains(e.Name(), ".tmp-") || strings.Contains(e.Name(), ".old-")) {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestOutForeignFolderRefused: a folder kb did not make is never moved
// aside or deleted, on the same file system or another; the build stops
// with an input error naming it and saying how to proceed.
func TestOutForeignFolderRefused(t *testing.T) {
	roots := []string{t.TempDir()}
	// Another file system: the replaced folder cannot go to .kb/build/spare
	// there, and used to be deleted at once.
	if shm, err := os.MkdirTemp("/dev/shm", "kb-test-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(shm) })
		roots = append(roots, shm)
	}
	for _, root := range roots {
		dir := outSite(t)
		out := filepath.Join(root, "v")
		writeTree(t, out, map[string]string{"notes.txt": "mine", "photos/cat.jpg": "meow"})
		before := snapshot(t, root)
		for range 2 { // the second build used to delete what the first moved aside
			_, err := buildTo(dir, out)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%s: want an input error, got %v", out, err)
			}
			msg := ie.Problems[0].Error()
			for _, want := range []string{"--out " + out + " ", "holds files kb did not write", MarkerFile, "choose a new or empty folder"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
		}
		if d := diffSnapshots(before, snapshot(t, root)); len(d) > 0 {
			t.Errorf("%s: a refused build changed files:\n%s", root, strings.Join(d, "\n"))
		}
		if _, err := os.Stat(filepath.Join(dir, ".kb", "build", "spare")); err == nil {
			t.Errorf("the user's folder went to the spare")
		}
	}
}

// TestOutFileRefused: an --out that is a file is left alone.
func TestOutFileRefused(t *testing.T) {
	dir := outSite(t)
	out := filepath.Join(t.TempDir(), "v")
	writeTree(t, filepath.Dir(out), map[string]string{"v": "a file"})
	_, err := buildTo(dir, out)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "--out "+out+" is a file, not a folder") {
		t.Fatalf("want an input error saying the file is not a folder, got %v", err)
	}
	if data, _ := os.ReadFile(out); string(data) != "a file" {
		t.Errorf("the file was changed: %q", data)
	}
}

// TestOutEmptyAndMarked: a new or empty folder is built into; each build
// writes the marker, recycled builds and the no-change shortcut keep it,
// and a marked folder with files added by hand is replaced.
func TestOutEmptyAndMarked(t *testing.T) {
	dir := outSite(t)
	out := filepath.Join(t.TempDir(), "v")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(out, MarkerFile)
	for i, step := range []string{"empty folder", "again (recycled)", "nothing changed", "stray file", "page edited"} {
		switch step {
		case "stray file":
			writeTree(t, out, map[string]string{"stray.html": "added by hand"})
		case "page edited":
			writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
		case "again (recycled)":
			if err := os.Remove(filepath.Join(dir, ".kb", "build", "state.json")); err != nil {
				t.Fatal(err)
			}
		}
		res, err := buildTo(dir, out)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if res.Unchanged != (step == "nothing changed") {
			t.Errorf("%s: Unchanged = %v", step, res.Unchanged)
		}
		if data, err := os.ReadFile(marker); err != nil || string(data) != markerText {
			t.Errorf("%s: marker %q, %v", step, data, err)
		}
		if _, err := os.Stat(filepath.Join(out, "stray.html")); err == nil && i >= 3 {
			t.Errorf("%s: the stray file was kept", step)
		}
		if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
			t.Errorf("%s: %v", step, err)
		}
	}
	if res, err := buildTo(dir, out); err != nil || !res.Unchanged {
		t.Errorf("last build: want nothing changed, got %v %v", res, err)
	}
}

// TestOutEarlierKB: an output an earlier kb wrote has no marker; the build
// state says kb wrote it, so it is replaced. Without that state it is
// refused like any folder.
func TestOutEarlierKB(t *testing.T) {
	dir := outSite(t)
	out := filepath.Join(dir, "public")
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(out, MarkerFile))
	writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatalf("the output of an earlier kb was refused: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, MarkerFile)); err != nil {
		t.Error(err)
	}
	os.Remove(filepath.Join(out, MarkerFile))
	os.RemoveAll(filepath.Join(dir, ".kb"))
	if _, err := buildTo(dir, ""); err == nil || !strings.Contains(err.Error(), "if the folder is the output of an older kb, delete it") {
		t.Errorf("an unmarked output without build state: want refused, got %v", err)
	}
}

// TestOutSymlink: public/ as a link to a deploy folder stays a link; the
// folder behind it gets the site. A link to nothing is refused, and so is
// a link to the site folder.
func TestOutSymlink(t *testing.T) {
	dir := outSite(t)
	deploy := filepath.Join(t.TempDir(), "www", "help")
	if err := os.MkdirAll(deploy, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "public")
	symlink(t, deploy, link)
	for _, step := range []string{"first", "edited"} {
		if step == "edited" {
			writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
		}
		res, err := buildTo(dir, "")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if res.Out != link {
			t.Errorf("%s: the summary names %s, want %s", step, res.Out, link)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%s: public is no longer a link: %v %v", step, fi.Mode(), err)
		}
		if target, _ := os.Readlink(link); target != deploy {
			t.Errorf("%s: the link leads to %s", step, target)
		}
		page, err := os.ReadFile(filepath.Join(deploy, "articles", "fine", "index.html"))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if step == "edited" && !strings.Contains(string(page), "More.") {
			t.Errorf("%s: the deploy folder has the old page", step)
		}
		if l := leftovers(t, filepath.Dir(deploy)); len(l) > 0 {
			t.Errorf("%s: left %v beside the deploy folder", step, l)
		}
	}
	if res, err := buildTo(dir, ""); err != nil || !res.Unchanged {
		t.Errorf("nothing changed: %v %v", res, err)
	}

	dangling := filepath.Join(t.TempDir(), "public")
	symlink(t, filepath.Join(t.TempDir(), "nowhere"), dangling)
	if _, err := buildTo(dir, dangling); err == nil || !strings.Contains(err.Error(), "is a symbolic link to") || !strings.Contains(err.Error(), "which does not exist") {
		t.Errorf("a link to nothing: %v", err)
	}
	toSite := filepath.Join(t.TempDir(), "public")
	symlink(t, dir, toSite)
	if _, err := buildTo(dir, toSite); err == nil || !strings.Contains(err.Error(), "site folder itself") {
		t.Errorf("a link to the site folder: %v", err)
	}
}

// TestStaleTempsRemoved: what killed builds left (staging and replaced
// folders beside the output and the index, half-written state files) is
// removed by the next build; names kb does not make are left alone.
func TestStaleTempsRemoved(t *testing.T) {
	dir := outSite(t)
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	stale := map[string]string{
		".public.tmp-123456/index.html":            "killed while staging",
		".public.tmp-9f8e7d6c/articles/x.html":     "killed while staging",
		".public.old-0a1b2c3d/index.html":          "killed while swapping",
		".kb/.search.bleve.tmp-42/index/x.zap":     "killed while indexing",
		".kb/.search.bleve.old-42/index_meta.json": "killed while swapping the index",
		".kb/build/.state-77.json":                 "half a state",
	}
	keep := map[string]string{
		".public.tmpfile":       "not kb's",
		"notes.public.tmp-1":    "not kb's",
		".kb/notes.txt":         "not kb's",
		"public2/.public.tmp-1": "not beside the output",
	}
	writeTree(t, dir, stale)
	writeTree(t, dir, keep)
	writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	for name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was left", name)
		}
	}
	for name := range keep {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed", name)
		}
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left %v", l)
	}
	if l := leftovers(t, filepath.Join(dir, ".kb")); len(l) > 0 {
		t.Errorf("left %v in .kb", l)
	}
}

// TestStaleStageBecomesSpare: a staging folder a killed build left is
// recycled when there is no spare, not deleted.
func TestStaleStageBecomesSpare(t *testing.T) {
	root := t.TempDir()
	out, spare := filepath.Join(root, "public"), filepath.Join(root, ".kb", "build", "spare")
	writeTree(t, root, map[string]string{".public.tmp-1/index.html": "a", ".public.old-2/index.html": "b"})
	removeStale(out, spare)
	if data, err := os.ReadFile(filepath.Join(spare, "index.html")); err != nil || (string(data) != "a" && string(data) != "b") {
		t.Errorf("spare: %q %v", data, err)
	}
	if l := leftovers(t, root); len(l) > 0 {
		t.Errorf("left %v", l)
	}
}

// TestBuildLocked: a build waits for the site lock, then stops with a
// BusyError naming the holder's pid, touching nothing (not even the
// stale folders: they may be the holder's).
func TestBuildLocked(t *testing.T) {
	dir := outSite(t)
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	lock, err := LockSite(context.Background(), dir, "kb build", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{".public.tmp-live/index.html": "the holder's staging folder"})
	writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
	before := snapshot(t, dir)
	start := time.Now()
	_, err = Build(context.Background(), Options{Dir: dir, Theme: kb.Theme, LockWait: 300 * time.Millisecond})
	var be *BusyError
	if !errors.As(err, &be) {
		t.Fatalf("want a BusyError, got %v", err)
	}
	if el := time.Since(start); el < 300*time.Millisecond || el > 5*time.Second {
		t.Errorf("waited %v, want about 300ms", el)
	}
	want := "another kb build (pid " + strconv.Itoa(os.Getpid()) + ") is using this site; wait for it to finish or stop it"
	if be.Error() != want {
		t.Errorf("message %q, want %q", be.Error(), want)
	}
	if d := diffSnapshots(before, snapshot(t, dir)); len(d) > 0 {
		t.Errorf("a build that did not get the lock changed files:\n%s", strings.Join(d, "\n"))
	}

	// Released while the build waits: the build goes on.
	go func() {
		time.Sleep(200 * time.Millisecond)
		lock.Unlock()
	}()
	if _, err := Build(context.Background(), Options{Dir: dir, Theme: kb.Theme, LockWait: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".public.tmp-live")); err == nil {
		t.Error("the stale staging folder was left once the lock was free")
	}
}

// TestConcurrentBuilds: builds of one site at once take turns; each
// succeeds, and the output is the last one's.
func TestConcurrentBuilds(t *testing.T) {
	dir := outSite(t)
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			_, err := Build(context.Background(), Options{Dir: dir, Theme: kb.Theme, LockWait: time.Minute, Drafts: i%2 == 0})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left %v", l)
	}
	if res, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	} else if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Error(err, res)
	}
}

// TestCommitSyncsFirst: the new site is flushed to disk before it is
// swapped in (a crash after the swap must not leave empty files), and a
// build that changes nothing syncs nothing.
func TestCommitSyncsFirst(t *testing.T) {
	dir := outSite(t)
	out := filepath.Join(dir, "public")
	var synced []string
	old := syncStaged
	t.Cleanup(func() { syncStaged = old })
	syncStaged = func(tmp string) {
		// still staged: the output is the previous one
		if _, err := os.Stat(filepath.Join(tmp, "index.html")); err != nil {
			t.Errorf("synced %s without the new site in it", tmp)
		}
		page, _ := os.ReadFile(filepath.Join(out, "articles", "fine", "index.html"))
		synced = append(synced, string(page))
		old(tmp)
	}
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nMore.\n"})
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 2 {
		t.Fatalf("synced %d times in 3 builds (one changed nothing), want 2", len(synced))
	}
	if synced[0] != "" || strings.Contains(synced[1], "More.") || !strings.Contains(synced[1], "Fine.") {
		t.Errorf("synced after the swap: the output held %q, %q", synced[0][:min(len(synced[0]), 40)], synced[1][:min(len(synced[1]), 40)])
	}
}

// sharedSiteWait is how long the tests that build the repository's
// sample site wait for its lock: other packages' tests (internal/search)
// build it at the same time, and each build takes its turn.
const sharedSiteWait = 5 * time.Minute

// TestRecycledFileInTheWay writes many pages at once under a folder of a
// recycled output where a file stands: every writer must get through, not
// only the one that removed the file (the others found nothing to remove
// and gave up with "not a directory").
func TestRecycledFileInTheWay(t *testing.T) {
	for range 20 {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, "faq"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		o := newDirOutput(root, &tree{files: map[string]bool{"faq": true}, dirs: []string{"."}})
		errs := make(chan error, 16)
		for i := range 16 {
			go func() { errs <- o.WriteFile("faq/"+strconv.Itoa(i)+"/index.html", []byte("page")) }()
		}
		for range 16 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
}
