package kb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// kb's GitHub Action (action.yml) and the workflows that use it cannot run
// here, so TestActionYAML checks them as GitHub would read them (strictly:
// a misspelt key is an error) and TestActionRuns runs the action's steps
// the way the runner does: each run step's script with bash --noprofile
// --norc -eo pipefail, its env evaluated, $GITHUB_PATH and $GITHUB_OUTPUT
// carried from step to step; the steps that use other actions are skipped
// (setup-go) or checked (upload-sarif gets a SARIF file).

type actionFile struct {
	Name        string
	Description string
	Author      string
	Branding    struct{ Icon, Color string }
	Inputs      map[string]struct {
		Description string
		Required    bool
		Default     string
	}
	Outputs map[string]struct{ Description, Value string }
	Runs    struct {
		Using string
		Steps []step
	}
}

type step struct {
	ID               string
	Name             string
	If               string
	Uses             string
	Run              string
	Shell            string
	WorkingDirectory string `yaml:"working-directory"`
	Env              map[string]string
	With             map[string]string
}

type workflowFile struct {
	Name        string
	On          yaml.Node `yaml:"on"`
	Permissions map[string]string
	Jobs        map[string]struct {
		RunsOn      string `yaml:"runs-on"`
		Permissions map[string]string
		Steps       []step
	}
}

// decodeStrict decodes a YAML file, refusing keys the struct lacks.
func decodeStrict(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// contextRefs returns the context references (inputs.x, steps.id.outputs.y,
// github.token) in an expression.
var contextRef = regexp.MustCompile(`\b(inputs|steps|github|runner|env|secrets|matrix|needs|job)((?:\.[A-Za-z0-9_-]+)+)`)

// checkSteps checks the steps of an action or a job; inputs are the
// action's (nil for a workflow job).
func checkSteps(t *testing.T, where string, steps []step, inputs map[string]bool) {
	t.Helper()
	ids := map[string]bool{}
	for i, s := range steps {
		at := fmt.Sprintf("%s: step %d (%s)", where, i+1, s.Name)
		if (s.Uses == "") == (s.Run == "") {
			t.Errorf("%s: want exactly one of uses and run", at)
		}
		if s.Uses != "" {
			if _, ref, ok := strings.Cut(s.Uses, "@"); !ok || !regexp.MustCompile(`^v\d`).MatchString(ref) {
				t.Errorf("%s: uses %q: pin a version tag (@v1)", at, s.Uses)
			}
			if s.Shell != "" || len(s.Env) > 0 && inputs != nil {
				t.Errorf("%s: shell or env on a uses step", at)
			}
		}
		if s.Run != "" {
			if inputs != nil && s.Shell == "" {
				t.Errorf("%s: a run step of a composite action needs shell", at)
			}
			// Values reach scripts through env: pasted into the script, an
			// input or a tag name could inject commands.
			if expr.MatchString(s.Run) {
				t.Errorf("%s: ${{ … }} in run; pass the value through env", at)
			}
		}
		var texts []string
		texts = append(texts, s.If, s.WorkingDirectory)
		for _, m := range []map[string]string{s.Env, s.With} {
			for _, v := range m {
				texts = append(texts, v)
			}
		}
		for _, text := range texts {
			for _, ref := range contextRef.FindAllStringSubmatch(text, -1) {
				parts := strings.Split(strings.TrimPrefix(ref[2], "."), ".")
				switch ref[1] {
				case "inputs":
					if inputs == nil || !inputs[parts[0]] {
						t.Errorf("%s: %s names no input of the action", at, ref[0])
					}
				case "steps":
					if !ids[parts[0]] {
						t.Errorf("%s: %s names no earlier step", at, ref[0])
					}
				}
			}
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
	}
}

func TestActionYAML(t *testing.T) {
	var a actionFile
	decodeStrict(t, "action.yml", &a)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: want name, description and composite steps: %+v", a)
	}
	inputs := map[string]bool{}
	for name, in := range a.Inputs {
		inputs[name] = true
		if in.Description == "" {
			t.Errorf("action.yml: input %s has no description", name)
		}
	}
	for _, want := range []string{"version", "site", "args", "sarif"} {
		if !inputs[want] {
			t.Errorf("action.yml: no input %s", want)
		}
	}
	checkSteps(t, "action.yml", a.Runs.Steps, inputs)
	stepIDs := map[string]bool{}
	for _, s := range a.Runs.Steps {
		stepIDs[s.ID] = true
	}
	for name, out := range a.Outputs {
		for _, ref := range contextRef.FindAllStringSubmatch(out.Value, -1) {
			if id, _, _ := strings.Cut(strings.TrimPrefix(ref[2], "."), "."); ref[1] != "steps" || !stepIDs[id] {
				t.Errorf("action.yml: output %s: %s names no step", name, ref[0])
			}
		}
	}

	// The workflows: docs/github-actions-lint.yml uses the action with its
	// inputs, and asks for the permission a SARIF upload needs.
	var uses int
	for _, name := range []string{"docs/github-actions-lint.yml", ".github/workflows/release.yml"} {
		var wf workflowFile
		decodeStrict(t, name, &wf)
		if wf.Name == "" || wf.On.Kind == 0 || len(wf.Jobs) == 0 {
			t.Errorf("%s: want name, on and jobs", name)
		}
		for job, j := range wf.Jobs {
			checkSteps(t, name+": job "+job, j.Steps, nil)
			for _, s := range j.Steps {
				if !strings.HasPrefix(s.Uses, "octoacme/kb@") {
					continue
				}
				uses++
				for k := range s.With {
					if !inputs[k] {
						t.Errorf("%s: job %s: octoacme/kb has no input %q", name, job, k)
					}
				}
				if s.With["sarif"] == "true" && j.Permissions["security-events"] != "write" {
					t.Errorf("%s: job %s uploads SARIF without permissions: security-events: write", name, job)
				}
			}
		}
	}
	if uses < 2 {
		t.Errorf("docs/github-actions-lint.yml uses octoacme/kb in %d steps, want both jobs", uses)
	}
}

// runner runs a composite action's steps as the GitHub Actions runner does.
type runner struct {
	t         *testing.T
	action    actionFile
	inputs    map[string]string
	workspace string   // the repository checkout, where steps run
	env       []string // the job's environment, besides the test's
	temp      string   // RUNNER_TEMP
	path      []string // from $GITHUB_PATH, newest first
	outputs   map[string]map[string]string
	uploaded  map[string]string // upload-sarif's with
	stdout    bytes.Buffer
}

// eval evaluates the expressions the action uses: context references,
// 'strings' and ==.
func (r *runner) eval(e string) string {
	e = strings.TrimSpace(e)
	if l, rhs, ok := strings.Cut(e, "=="); ok {
		if r.eval(l) == r.eval(rhs) {
			return "true"
		}
		return "false"
	}
	if strings.HasPrefix(e, "'") && strings.HasSuffix(e, "'") {
		return strings.Trim(e, "'")
	}
	parts := strings.Split(e, ".")
	switch {
	case len(parts) == 2 && parts[0] == "inputs":
		if v, ok := r.inputs[parts[1]]; ok {
			return v
		}
		return r.action.Inputs[parts[1]].Default
	case e == "github.action_path":
		wd, _ := os.Getwd()
		return wd
	case e == "runner.temp":
		return r.temp
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		return r.outputs[parts[1]][parts[3]]
	}
	r.t.Fatalf("action.yml: the test's runner cannot evaluate %q; teach it", e)
	return ""
}

// expand replaces ${{ … }} in s.
func (r *runner) expand(s string) string {
	return expr.ReplaceAllStringFunc(s, func(m string) string { return r.eval(expr.FindStringSubmatch(m)[1]) })
}

// run runs the steps, stopping at the first that fails, and returns its
// name and status ("" and 0 when all pass).
func (r *runner) run() (failed string, status int) {
	t := r.t
	r.outputs = map[string]map[string]string{}
	for i, s := range r.action.Runs.Steps {
		if s.If != "" && r.eval(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s.If), "${{"), "}}")) != "true" {
			continue
		}
		switch {
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			continue // Go is here already
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			r.uploaded = map[string]string{}
			for k, v := range s.With {
				r.uploaded[k] = r.expand(v)
			}
			continue
		case s.Uses != "":
			t.Fatalf("action.yml: the test's runner does not know %s", s.Uses)
		}
		if s.Shell != "bash" {
			t.Fatalf("action.yml: step %q: the test's runner runs bash steps only", s.Name)
		}
		dir := filepath.Join(r.temp, fmt.Sprintf("step%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		script, output, ghPath := filepath.Join(dir, "script.sh"), filepath.Join(dir, "output"), filepath.Join(dir, "path")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{output, ghPath} {
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		env := append(append(os.Environ(), r.env...),
			"PATH="+strings.Join(append(slices.Clone(r.path), os.Getenv("PATH")), string(os.PathListSeparator)),
			"RUNNER_TEMP="+r.temp, "GITHUB_WORKSPACE="+r.workspace, "GITHUB_ACTIONS=true",
			"GITHUB_OUTPUT="+output, "GITHUB_PATH="+ghPath, "GITHUB_STEP_SUMMARY="+filepath.Join(r.temp, "summary.md"))
		for k, v := range s.Env {
			env = append(env, k+"="+r.expand(v))
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.workspace
		if s.WorkingDirectory != "" {
			cmd.Dir = filepath.Join(r.workspace, r.expand(s.WorkingDirectory))
		}
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &r.stdout, &stderr
		err := cmd.Run()
		if stderr.Len() > 0 {
			t.Logf("step %q stderr:\n%s", s.Name, stderr.String())
		}
		if s.ID != "" {
			r.outputs[s.ID] = map[string]string{}
			data, _ := os.ReadFile(output)
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if k, v, ok := strings.Cut(line, "="); ok {
					r.outputs[s.ID][k] = v
				}
			}
		}
		data, _ := os.ReadFile(ghPath)
		for _, p := range strings.Fields(string(data)) {
			r.path = append([]string{p}, r.path...)
		}
		if err != nil {
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			return s.Name, code
		}
	}
	return "", 0
}

// TestActionRuns runs action.yml twice: with the defaults but sarif on,
// against a site with lint errors (kb built from the action's source,
// SARIF written and handed to upload-sarif, annotations printed, the job
// failed with status 1); and with version: v1.99.0 (go install from a
// module proxy in a folder, as TestGoInstall) against a clean site.
func TestActionRuns(t *testing.T) {
	needTools(t, "go", "bash", "git")
	var a actionFile
	decodeStrict(t, "action.yml", &a)

	// The repository being checked: the sample site in docs/, plus one
	// page that breaks the checklist.
	workspace := t.TempDir()
	for _, p := range []string{"site.yaml", "content", "static/images"} {
		copyTree(t, p, filepath.Join(workspace, "docs", p))
	}

	t.Run("source build with SARIF on lint errors", func(t *testing.T) {
		bad := filepath.Join(workspace, "docs", "content", "articles", "zz-unfinished.md")
		if err := os.WriteFile(bad, []byte("---\ntitle: Unfinished\n---\n\nSee [this](/articles/nowhere/).\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(bad)
		r := &runner{t: t, action: a, workspace: workspace, temp: t.TempDir(),
			inputs: map[string]string{"site": "docs", "sarif": "true"}}
		failed, status := r.run()
		if failed != "kb lint" || status != 1 {
			t.Fatalf("the action failed at step %q with status %d, want kb lint with 1; output:\n%s", failed, status, r.stdout.String())
		}
		out := r.stdout.String()
		if !regexp.MustCompile(`(?m)^kb (devel|v\S+)`).MatchString(out) {
			t.Errorf("the install step did not print kb version; output:\n%s", out)
		}
		if !strings.Contains(out, "::error file=docs/content/articles/zz-unfinished.md,line=") {
			t.Errorf("no annotation at the repository-relative path of the page; output:\n%s", out)
		}
		if r.uploaded == nil || r.uploaded["category"] != "kb-lint" {
			t.Fatalf("upload-sarif got %v", r.uploaded)
		}
		data, err := os.ReadFile(r.uploaded["sarif_file"])
		if err != nil {
			t.Fatalf("upload-sarif's sarif_file: %v", err)
		}
		var log struct {
			Version string
			Runs    []struct {
				Results []struct {
					RuleID    string
					Locations []struct {
						PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					}
				}
			}
		}
		if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
			t.Fatalf("the SARIF log: %v %.300s", err, data)
		}
		if uri := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, "docs/content/") {
			t.Errorf("SARIF result at %q, want a repository-relative docs/content/… path", uri)
		}
	})

	t.Run("go install of a version on a clean site", func(t *testing.T) {
		r := &runner{t: t, action: a, workspace: workspace, temp: t.TempDir(),
			inputs: map[string]string{"site": "docs", "version": "v1.99.0", "args": "--max-warnings 1000"},
			env:    moduleProxyEnv(t, "v1.99.0")}
		if failed, status := r.run(); failed != "" {
			t.Fatalf("the action failed at step %q with status %d; output:\n%s", failed, status, r.stdout.String())
		}
		if r.uploaded != nil {
			t.Error("SARIF was uploaded with sarif: false")
		}
		if out := r.stdout.String(); !strings.Contains(out, "kb v1.99.0\n") || strings.Contains(out, "::error") {
			t.Errorf("want kb v1.99.0 installed and no errors; output:\n%s", out)
		}
	})
}
