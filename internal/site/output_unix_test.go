//go:build unix

package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// modes checks every folder and file under out (out itself: root).
func modes(t *testing.T, step, out string, root, dir, file fs.FileMode) {
	t.Helper()
	bad := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := file
		switch {
		case p == out:
			want = root
		case d.IsDir():
			want = dir
		}
		if got := info.Mode() & (fs.ModePerm | fs.ModeSetgid); got != want && bad < 5 {
			bad++
			t.Errorf("%s: %s is %v, want %v", step, p, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOutModes: the output's folders and files get the modes the umask
// gives (0755 and 0644 under 022, 0750 and 0640 under 027), in a new
// output and in a recycled one (made under another umask, or by an
// earlier kb as 0700); an existing --out folder keeps its own mode.
func TestOutModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	edit := func(dir string, n int) {
		writeTree(t, dir, map[string]string{"content/articles/fine.md": minimalSite["content/articles/fine.md"] + "\nEdit " + string(rune('a'+n)) + ".\n"})
	}

	dir := outSite(t)
	out := filepath.Join(dir, "public")
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	modes(t, "umask 022", out, 0o755, 0o755, 0o644)
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o755 {
		t.Fatalf("public is %v", fi.Mode())
	}

	// The spare (made under 022) is recycled under 027.
	syscall.Umask(0o027)
	edit(dir, 1)
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	edit(dir, 2)
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".kb", "build", "spare")); err != nil {
		t.Fatal("no spare: the builds did not recycle")
	}
	// public/ was kb's with the marker: its mode (0755) is kept.
	modes(t, "umask 027, recycled", out, 0o755, 0o750, 0o640)

	// An earlier kb's output: 0700 throughout the spare, no marker in
	// public/; the new output gets the umask's modes.
	spare := filepath.Join(dir, ".kb", "build", "spare")
	filepath.WalkDir(spare, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return os.Chmod(p, 0o700)
		}
		return os.Chmod(p, 0o600)
	})
	os.Chmod(out, 0o700)
	os.Remove(filepath.Join(out, MarkerFile))
	syscall.Umask(0o022)
	edit(dir, 3)
	if _, err := buildTo(dir, ""); err != nil {
		t.Fatal(err)
	}
	modes(t, "umask 022, recycled from 0700", out, 0o755, 0o755, 0o644)

	// A deploy folder of its own mode and setgid bit (shared with a web
	// server's group): kept, through a first build and a recycled one.
	deploy := filepath.Join(t.TempDir(), "www")
	if err := os.Mkdir(deploy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(deploy, 0o750|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	dir2 := outSite(t)
	for n := range 3 {
		edit(dir2, n)
		if _, err := buildTo(dir2, deploy); err != nil {
			t.Fatal(err)
		}
		// Linux gives new folders in a setgid folder the bit too.
		modes(t, "deploy folder", deploy, 0o750|fs.ModeSetgid, 0o755|fs.ModeSetgid, 0o644)
	}
}
