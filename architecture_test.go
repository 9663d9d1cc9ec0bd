package kb

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The import rules of docs/architecture.md. TestArchitecture reads every
// package of the module (its non-test files) and fails naming the rule a
// package breaks.

const modulePath = "github.com/octoacme/kb"

// importRule is one rule: what a package may not depend on, or the only
// module packages it may import directly.
type importRule struct {
	pkg  string // "internal/model"
	why  string
	deny []string // packages pkg must not depend on, directly or not
	only []string // when set, the only module packages pkg may import directly
}

var importRules = []importRule{
	{pkg: "internal/diag", why: "the diagnostic type is a leaf every package can use",
		only: []string{}},
	{pkg: "internal/suggest", why: "\"did you mean\" is a leaf every package can use",
		only: []string{}},
	{pkg: "internal/model", why: "the site model reads config, content and markdown only: render turns it into files, search indexes it",
		only: []string{"internal/config", "internal/content", "internal/markdown", "internal/diag"},
		deny: []string{"internal/render", "internal/search", "internal/lint", "internal/feed", "internal/site"}},
	{pkg: "internal/lint", why: "lint is a checker: it reads the model, never the output side",
		deny: []string{"internal/render", "internal/feed", "internal/search", "internal/site"}},
	{pkg: "internal/feed", why: "feed writes the feeds the model plans, through its own Writer, never the renderer",
		deny: []string{"internal/render", "internal/lint", "internal/search", "internal/site"}},
	{pkg: "internal/release", why: "the readiness checks read the model and lint's findings, never the renderer",
		deny: []string{"internal/render", "internal/search", "internal/site"}},
	{pkg: "internal/report", why: "kb report reads the model and the feedback store, never the renderer",
		deny: []string{"internal/render", "internal/search", "internal/site"}},
	{pkg: "internal/render", why: "render only turns the model into files",
		deny: []string{"internal/lint", "internal/feed", "internal/search", "internal/site", "internal/server"}},
	{pkg: "internal/search", why: "search indexes pages; it knows nothing of how the site is built or served",
		deny: []string{"internal/model", "internal/render", "internal/lint", "internal/site", "internal/server", "internal/search/api"}},
	{pkg: "internal/site", why: "the pipeline drives the steps; serving is the server's",
		deny: []string{"internal/server", "internal/search/api", "internal/report", "internal/importer"}},
	{pkg: "cmd/kb", why: "the CLI is flags and wiring over the command-level packages",
		only: []string{"", "internal/site", "internal/server", "internal/release", "internal/config", "internal/importer", "internal/report", "internal/suggest"}},
}

func TestArchitecture(t *testing.T) {
	graph := moduleImports(t)
	for _, r := range importRules {
		if _, ok := graph[r.pkg]; !ok {
			t.Errorf("rule for %s: no such package", r.pkg)
			continue
		}
		if r.only != nil {
			for _, imp := range graph[r.pkg] {
				if !slices.Contains(r.only, imp) {
					t.Errorf("%s imports %s, which breaks the rule %q (it may import only %s)", r.pkg, name(imp), r.why, names(r.only))
				}
			}
		}
		deps := dependencies(graph, r.pkg)
		for _, d := range r.deny {
			if via, ok := deps[d]; ok {
				t.Errorf("%s depends on %s (through %s), which breaks the rule %q", r.pkg, d, name(via), r.why)
			}
		}
	}
}

// TestOneSite: the site model is the only exported type named Site.
func TestOneSite(t *testing.T) {
	var sites []string
	walkGo(t, true, func(file string, f *ast.File) {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Name == "Site" {
					sites = append(sites, file)
				}
			}
		}
	})
	if !slices.Equal(sites, []string{"internal/model/site.go"}) {
		t.Errorf("types named Site in %v; the only one is the site model's (internal/model/site.go): name the others by what they hold", sites)
	}
}

// moduleImports maps each package of the module (by path from the module
// root: "internal/site", "" for the root) to the module packages its
// non-test files import, sorted.
func moduleImports(t *testing.T) map[string][]string {
	graph := map[string][]string{}
	walkGo(t, false, func(file string, f *ast.File) {
		pkg := path.Dir(file)
		if pkg == "." {
			pkg = ""
		}
		list := graph[pkg]
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == modulePath || strings.HasPrefix(p, modulePath+"/") {
				p = strings.TrimPrefix(strings.TrimPrefix(p, modulePath), "/")
				if !slices.Contains(list, p) {
					list = append(list, p)
				}
			}
		}
		sort.Strings(list)
		graph[pkg] = list
	})
	return graph
}

// dependencies returns every module package pkg depends on, directly or
// not, each with the package pkg imports it through.
func dependencies(graph map[string][]string, pkg string) map[string]string {
	via := map[string]string{}
	var visit func(p, first string)
	visit = func(p, first string) {
		for _, d := range graph[p] {
			if _, seen := via[d]; seen {
				continue
			}
			f := first
			if f == "" {
				f = d
			}
			via[d] = f
			visit(d, f)
		}
	}
	visit(pkg, "")
	return via
}

// walkGo parses every Go file of the module (test files too when tests is
// set), leaving out testdata and hidden folders; file is its slash path
// from the module root.
func walkGo(t *testing.T, tests bool, do func(file string, f *ast.File)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || !tests && strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		do(filepath.ToSlash(p), f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func name(pkg string) string {
	if pkg == "" {
		return "the root package kb"
	}
	return pkg
}

func names(pkgs []string) string {
	if len(pkgs) == 0 {
		return "no package of the module"
	}
	out := make([]string, len(pkgs))
	for i, p := range pkgs {
		out[i] = name(p)
	}
	return strings.Join(out, ", ")
}
