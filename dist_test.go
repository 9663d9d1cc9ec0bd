package kb

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// These tests build kb the ways it reaches people — as the Dockerfile and
// .ci/release build it, with go install from the module proxy, and with
// go build in a checkout — and run the binaries. Each build takes from
// seconds (compiled packages cached) to minutes (cold), so -short skips
// them.

// needTools skips a test that builds binaries under -short, or when a
// tool it needs is missing; under KB_CI a missing tool fails it.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds kb binaries (-short)")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("KB_CI") != "" {
				t.Fatalf("KB_CI is set but %s is missing: %v", tool, err)
			}
			t.Skipf("%s is missing: %v", tool, err)
		}
	}
}

// command runs name with args in dir, with extra environment variables,
// and returns its standard output; it fails the test on an error.
func command(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestStaticBinary builds kb as the Dockerfile does and checks that the
// binary is static (distroless/static and scratch have no C library),
// knows its version, and builds a site with its embedded theme from any
// folder.
func TestStaticBinary(t *testing.T) {
	needTools(t, "go")
	bin := filepath.Join(t.TempDir(), "kb")
	command(t, ".", []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -X main.version=v9.8.7 -X main.commit=0123456789abcdef0123 -X main.date=2026-11-27T10:30:00Z",
		"-o", bin, "./cmd/kb")

	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("kb is dynamically linked (it has an ELF interpreter); CGO_ENABLED=0 should make it static")
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("kb needs shared libraries %v; CGO_ENABLED=0 should make it static", libs)
		}
		f.Close()
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if wd, _ := os.Getwd(); bytes.Contains(data, []byte(wd)) {
		t.Errorf("the binary holds the checkout's path %s; -trimpath should leave it out", wd)
	}

	if got, want := command(t, ".", nil, bin, "version"), "kb v9.8.7 (commit 0123456789ab, 2026-11-27T10:30:00Z)\n"; got != want {
		t.Errorf("kb version: got %q, want %q", got, want)
	}

	// The sample site without its theme files (layouts/, static/css,
	// static/js): the binary's embedded theme renders it.
	site := t.TempDir()
	for _, p := range []string{"site.yaml", "content", "static/images"} {
		copyTree(t, p, filepath.Join(site, p))
	}
	command(t, site, nil, bin, "build", "--quiet")
	home, err := os.ReadFile(filepath.Join(site, "public", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>", `rel="stylesheet"`, "/articles/"} {
		if !bytes.Contains(home, []byte(want)) {
			t.Errorf("public/index.html lacks %s:\n%.500s", want, home)
		}
	}
	if css, _ := filepath.Glob(filepath.Join(site, "public", "css", "*.css")); len(css) == 0 {
		t.Error("kb build wrote no CSS from the embedded theme")
	}
}

// TestVersionFromCheckout builds kb with go build in this checkout and
// checks that kb version names the commit Go recorded.
func TestVersionFromCheckout(t *testing.T) {
	needTools(t, "go", "git")
	head := strings.TrimSpace(command(t, ".", nil, "git", "rev-parse", "HEAD"))
	gitDir := strings.TrimSpace(command(t, ".", nil, "git", "rev-parse", "--path-format=absolute", "--git-dir"))
	common := strings.TrimSpace(command(t, ".", nil, "git", "rev-parse", "--path-format=absolute", "--git-common-dir"))
	if gitDir != common {
		t.Skip("a linked git worktree: Go records no VCS information there (golang.org/issue/58218); run in a clone")
	}
	when, err := time.Parse(time.RFC3339, strings.TrimSpace(command(t, ".", nil, "git", "log", "-1", "--format=%cI")))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "kb")
	// -buildvcs=true: GOFLAGS may turn it off (it does on the CI machine).
	command(t, ".", nil, "go", "build", "-buildvcs=true", "-o", bin, "./cmd/kb")
	got := command(t, ".", nil, bin, "version")
	want := "(commit " + head[:12]
	if !strings.HasPrefix(got, "kb v") || !strings.Contains(got, want) || !strings.Contains(got, when.UTC().Format(time.RFC3339)) {
		t.Errorf("kb version of a build in the checkout: %q, want kb v… %s…, %s)", got, want, when.UTC().Format(time.RFC3339))
	}
}

// TestGoInstall installs kb as README.md says, with go install
// github.com/octoacme/kb/cmd/kb@VERSION, from a module proxy in a folder
// that serves this checkout (the files git would commit) as v1.99.0, and
// checks that kb version prints v1.99.0. It also proves that the module
// zip the real proxy makes of kb is valid: a file name a module zip
// cannot hold would break go install for everyone.
func TestGoInstall(t *testing.T) {
	needTools(t, "go", "git")
	gobin := t.TempDir()
	env := append(moduleProxyEnv(t, "v1.99.0"), "GOBIN="+gobin)
	command(t, t.TempDir(), env, "go", "install", "github.com/octoacme/kb/cmd/kb@v1.99.0")
	if got, want := command(t, ".", nil, filepath.Join(gobin, "kb"), "version"), "kb v1.99.0\n"; got != want {
		t.Errorf("kb version after go install …@v1.99.0: got %q, want %q", got, want)
	}
}

// moduleProxyEnv makes a module proxy in a folder that serves the work
// tree's files that git would commit as github.com/octoacme/kb@version,
// and returns the environment for go install from it. Dependencies come
// from the module cache's download folder, which is a module proxy too;
// kb goes into an empty module cache.
func moduleProxyEnv(t *testing.T, version string) []string {
	t.Helper()
	mod := module.Version{Path: "github.com/octoacme/kb", Version: version}
	proxy := t.TempDir()
	dir := filepath.Join(proxy, "github.com", "octoacme", "kb", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var files []modzip.File
	for _, p := range strings.Split(command(t, ".", nil, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"), "\x00") {
		if p == "" {
			continue
		}
		if _, err := os.Lstat(p); err == nil { // not deleted in the work tree
			files = append(files, dirFile(p))
		}
	}
	zf, err := os.Create(filepath.Join(dir, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.Create(zf, mod, files); err != nil {
		t.Fatalf("the module zip of kb cannot be made, so go install would fail: %v", err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": "2026-11-27T10:30:00Z"})
	for name, data := range map[string][]byte{"list": []byte(version + "\n"), version + ".mod": gomod, version + ".info": info} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := strings.TrimSpace(command(t, ".", nil, "go", "env", "GOMODCACHE"))
	return []string{
		"GOPROXY=" + fileURL(proxy) + "," + fileURL(filepath.Join(cache, "cache", "download")),
		"GOSUMDB=off", "GOMODCACHE=" + t.TempDir(), "GOWORK=off",
		// As the Dockerfile and releases build, so that the compiled
		// dependencies of TestStaticBinary are reused.
		"CGO_ENABLED=0", "GOFLAGS=-trimpath -modcacherw",
	}
}

// dirFile is a file of the work tree for golang.org/x/mod/zip.
type dirFile string

func (f dirFile) Path() string                 { return filepath.ToSlash(string(f)) }
func (f dirFile) Lstat() (fs.FileInfo, error)  { return os.Lstat(string(f)) }
func (f dirFile) Open() (io.ReadCloser, error) { return os.Open(string(f)) }

// fileURL is a GOPROXY entry for a folder (whose path must hold no comma).
func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// TestRelease runs .ci/release for this platform and checks its archive,
// SHA256SUMS and the binary's kb version. (.ci/run runs it for all six
// platforms.)
func TestRelease(t *testing.T) {
	needTools(t, "go", "git", "bash", "zip", "sha256sum", "tar", "gzip")
	if runtime.GOOS != "linux" {
		t.Skip(".ci/release uses GNU tar and coreutils: it runs on Linux")
	}
	dist := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	command(t, ".", []string{"DIST=" + dist, "TARGETS=" + target}, "bash", ".ci/release", "--allow-dirty", "v9.9.9-rc.1")

	name := "kb_9.9.9-rc.1_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	archive, err := os.ReadFile(filepath.Join(dist, name))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(archive)
	if got, want := string(sums), hex.EncodeToString(sum[:])+"  "+name+"\n"; got != want {
		t.Errorf("SHA256SUMS:\n%s\nwant\n%s", got, want)
	}

	// The archive: kb, LICENSE, NOTICE and README.md, owned by nobody in
	// particular, with the commit's time.
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	bin := filepath.Join(t.TempDir(), "kb")
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" {
			t.Errorf("%s in %s is owned by %d/%d %q, want 0/0 and no name", h.Name, name, h.Uid, h.Gid, h.Uname)
		}
		if h.Name == "kb" {
			if h.Mode&0o111 == 0 {
				t.Errorf("kb in %s is not executable: %o", name, h.Mode)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(bin, data, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	slices.Sort(names)
	if got, want := strings.Join(names, " "), "LICENSE NOTICE README.md kb"; got != want {
		t.Errorf("%s holds %s, want %s", name, got, want)
	}
	head := strings.TrimSpace(command(t, ".", nil, "git", "rev-parse", "HEAD"))
	if got := command(t, ".", nil, bin, "version"); !strings.HasPrefix(got, "kb v9.9.9-rc.1 (commit "+head[:12]) {
		t.Errorf("kb version of the release binary: %q, want kb v9.9.9-rc.1 (commit %s…", got, head[:12])
	}
}

// copyTree copies a file or folder.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
