package kb

import (
	"encoding/json"
	"fmt"
	"go/version"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"golang.org/x/mod/modfile"
)

// No Docker engine runs where the tests run, so the Dockerfile is checked
// here instead of built: parsed with BuildKit's own Dockerfile parser (what
// docker build uses), with the lint rules that BuildKit runs while parsing
// (docker build --check runs these and more), and held to what kb's image
// promises. The binary it builds is built and run by TestStaticBinary.

// checkDockerfile parses a Dockerfile and returns its problems: parse
// errors, parser and lint warnings, and every way it breaks what kb's
// image promises. goVersion is go.mod's go line: the Go image's must be
// at least that (the image does not fetch newer toolchains).
func checkDockerfile(name, goVersion string) []string {
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	f, err := os.Open(name)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		report("%s:%d: %s", name, line, w.Short)
	}
	lint := linter.New(&linter.Config{
		ExperimentalAll: true,
		Warn: func(rule, description, url, msg string, loc []parser.Range) {
			line := 0
			if len(loc) > 0 {
				line = loc[0].Start.Line
			}
			report("%s:%d: %s: %s (%s)", name, line, rule, msg, url)
		},
	})
	// BuildKit runs these rules while converting, which needs far more of
	// BuildKit than its parser: instructions in upper case
	// (ConsistentInstructionCasing), CMD and ENTRYPOINT in JSON form
	// (JSONArgsRecommended), absolute WORKDIRs (WorkdirRelativePath).
	for _, n := range res.AST.Children {
		kw, _, _ := strings.Cut(strings.TrimSpace(n.Original), " ")
		if kw != strings.ToUpper(kw) {
			report("%s:%d: %s: write instructions in upper case, like the rest", name, n.StartLine, kw)
		}
		switch strings.ToLower(n.Value) {
		case "cmd", "entrypoint":
			if !n.Attributes["json"] {
				report("%s:%d: %s in shell form: write it in JSON form, [\"...\"], so that signals reach kb", name, n.StartLine, kw)
			}
		case "workdir":
			if n.Next != nil && !strings.HasPrefix(n.Next.Value, "/") && !strings.HasPrefix(n.Next.Value, "$") {
				report("%s:%d: WORKDIR %s is relative: give an absolute path", name, n.StartLine, n.Next.Value)
			}
		}
	}
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return append(problems, fmt.Sprintf("%s: %v", name, err))
	}
	if len(stages) < 2 {
		return append(problems, fmt.Sprintf("%s has %d stage(s), want a build stage and a final one", name, len(stages)))
	}
	build, final := stages[0], stages[len(stages)-1]

	// Every variable an instruction uses is declared: an ARG of the stage
	// (or, in FROM, one before the first FROM) or an ENV. A misspelt
	// $VERSION would otherwise build a binary that says "devel".
	global := map[string]bool{"BUILDPLATFORM": true, "TARGETPLATFORM": true}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			global[kv.Key] = true
			if kv.Key == "GO_VERSION" && (kv.Value == nil || version.Compare("go"+*kv.Value, "go"+goVersion) < 0) {
				report("%s: ARG GO_VERSION=%v is older than go.mod's go %s", name, kv.ValueString(), goVersion)
			}
		}
	}
	if !global["GO_VERSION"] {
		report("%s: no ARG GO_VERSION before the first FROM (the Go image's version, at least go.mod's)", name)
	}
	for _, st := range stages {
		report := func(format string, args ...any) {
			report(name+": stage %q: "+format, append([]any{st.Name}, args...)...)
		}
		undefinedVars("FROM "+st.BaseName+" --platform="+st.Platform, global, report)
		// The Go image sets these.
		defined := map[string]bool{"PATH": true, "GOPATH": true, "GOLANG_VERSION": true}
		for _, c := range st.Commands {
			var words []string
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					defined[kv.Key] = true
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					defined[kv.Key] = true
				}
			case *instructions.RunCommand:
				words = c.CmdLine
			case *instructions.CopyCommand:
				words = append(slices.Clone(c.SourcePaths), c.DestPath)
			case *instructions.WorkdirCommand:
				words = []string{c.Path}
			case *instructions.UserCommand:
				words = []string{c.User}
			}
			for _, w := range words {
				undefinedVars(w, defined, report)
			}
		}
	}

	// The build stage: a static binary of ./cmd/kb, cross-compiled.
	var goBuild string
	for _, c := range build.Commands {
		if r, ok := c.(*instructions.RunCommand); ok && strings.Contains(strings.Join(r.CmdLine, " "), "go build") {
			goBuild = strings.Join(r.CmdLine, " ")
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", `GOOS="$TARGETOS"`, `GOARCH="$TARGETARCH"`, "-trimpath", "-s -w", "-X main.version=", "-X main.commit=", "-X main.date=", "./cmd/kb"} {
		if !strings.Contains(goBuild, want) {
			report("%s: the build stage's go build (%q) lacks %s", name, goBuild, want)
		}
	}
	out := regexp.MustCompile(`-o (\S+)`).FindStringSubmatch(goBuild)
	if out == nil {
		return append(problems, fmt.Sprintf("%s: the build stage's go build (%q) names no -o output", name, goBuild))
	}
	if build.Platform != "$BUILDPLATFORM" {
		report("%s: the build stage runs on %q, want --platform=$BUILDPLATFORM (it cross-compiles; no emulation)", name, build.Platform)
	}

	// The final stage: the binary alone on an empty or static base.
	if final.BaseName != "scratch" && !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") {
		report("%s: final stage FROM %s, want scratch or gcr.io/distroless/static", name, final.BaseName)
	}
	var (
		binary, user, workdir string
		entrypoint            *instructions.EntrypointCommand
	)
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if c.From == build.Name && slices.Contains(c.SourcePaths, out[1]) {
				binary = c.DestPath
			}
		case *instructions.UserCommand:
			user = c.User
		case *instructions.WorkdirCommand:
			workdir = c.Path
		case *instructions.EntrypointCommand:
			entrypoint = c
		case *instructions.RunCommand:
			report("%s: the final stage runs %q; its base has no shell", name, c.CmdLine)
		}
	}
	if binary == "" {
		report("%s: the final stage copies no %s from the %q stage", name, out[1], build.Name)
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		report("%s: final stage USER %q, want a numeric non-root uid (Kubernetes' runAsNonRoot checks numbers)", name, user)
	}
	if workdir != "/site" {
		report("%s: final stage WORKDIR %q, want /site (docker run -v \"$PWD:/site\")", name, workdir)
	}
	if entrypoint == nil || entrypoint.PrependShell || len(entrypoint.CmdLine) != 1 || entrypoint.CmdLine[0] != binary {
		report("%s: final stage ENTRYPOINT %+v, want [%q] in JSON form", name, entrypoint, binary)
	}
	return problems
}

// undefinedVars reports the variables word uses that are not defined.
func undefinedVars(word string, defined map[string]bool, report func(string, ...any)) {
	res, err := shell.NewLex('\\').ProcessWordWithMatches(word, shell.EnvsFromSlice(nil))
	if err != nil {
		report("%q: %v", word, err)
		return
	}
	for _, v := range slices.Sorted(maps.Keys(res.Unmatched)) {
		if !defined[v] {
			report("%q uses $%s, which no ARG or ENV before it declares", word, v)
		}
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkDockerfile("Dockerfile", mod.Go.Version) {
		t.Error(p)
	}
}

// TestDockerfileChecks makes sure the checks can fail: a Dockerfile with
// the faults they look for gets each one reported.
func TestDockerfileChecks(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "Dockerfile")
	const text = `ARG GO_VERSION=1.26.1
from golang:${GO_VERSION} AS Build
ARG VERSION
RUN go build -ldflags="-X main.version=$VERSON" -o /kb ./cmd/kb
workdir src
FROM debian:12
COPY --from=Build /kb /kb
USER nobody
ENTRYPOINT /kb
`
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(checkDockerfile(bad, "1.26.8"), "\n")
	for _, want := range []string{
		"ARG GO_VERSION=1.26.1 is older than go.mod's go 1.26.8", "FromAsCasing", "StageNameCasing", "from: write instructions in upper case", "ENTRYPOINT in shell form", "WORKDIR src is relative",
		"uses $VERSON", "lacks CGO_ENABLED=0", "lacks -trimpath", "want --platform=$BUILDPLATFORM",
		"final stage FROM debian:12", `USER "nobody"`, `WORKDIR ""`, "ENTRYPOINT",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("a Dockerfile with %q was not reported; got:\n%s", want, got)
		}
	}
}

// TestDockerignore checks that .dockerignore keeps out build output, state
// and .git, and lets in every file go build ./cmd/kb reads.
func TestDockerignore(t *testing.T) {
	f, err := os.Open(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	ignored := func(p string) bool {
		m, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, p := range []string{".git/HEAD", "public/index.html", ".kb/kb.db", "dist/SHA256SUMS", ".ci/tools/node_modules/vnu-jar/package.json", "kb"} {
		if !ignored(p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
	needed := []string{"go.mod", "go.sum"}
	cmd := exec.Command("go", "list", "-deps", "-json=Dir,Module,GoFiles,EmbedFiles", "./cmd/kb")
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	wd, _ := os.Getwd()
	dec := json.NewDecoder(strings.NewReader(string(outb)))
	for dec.More() {
		var p struct {
			Dir                 string
			Module              *struct{ Main bool }
			GoFiles, EmbedFiles []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue
		}
		rel, err := filepath.Rel(wd, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			needed = append(needed, path.Join(filepath.ToSlash(rel), f))
		}
	}
	if len(needed) < 50 {
		t.Fatalf("go list found only %d files of kb's own packages: %v", len(needed), needed)
	}
	for _, p := range needed {
		if ignored(p) {
			t.Errorf(".dockerignore keeps out %s, which go build ./cmd/kb needs", p)
		}
	}
}
