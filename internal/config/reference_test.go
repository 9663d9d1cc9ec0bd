package config

import (
	"flag"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite README.md's site.yaml table from Keys")

// leafPaths lists the keys of the Config type: a struct's fields by their
// yaml tags, a map of structs as <name>, everything else a leaf.
func leafPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		path := join(prefix, tag)
		ft := f.Type
		switch {
		case reflect.PointerTo(ft).Implements(unmarshaler):
			out = append(out, path)
		case ft.Kind() == reflect.Struct:
			out = append(out, leafPaths(ft, path)...)
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
			out = append(out, leafPaths(ft.Elem(), path+".<name>")...)
		default:
			out = append(out, path)
		}
	}
	return out
}

// TestReferenceCoversConfig: Keys documents every key Config reads, and
// no other; a new field of Config fails here until it is documented.
func TestReferenceCoversConfig(t *testing.T) {
	var doc []string
	for _, k := range Keys {
		doc = append(doc, k.Path)
	}
	code := leafPaths(reflect.TypeFor[Config](), "")
	slices.Sort(doc)
	slices.Sort(code)
	if diff := cmp.Diff(code, doc); diff != "" {
		t.Errorf("config.Keys (reference.go) and the Config type differ (-Config +Keys):\n%s", diff)
	}
	for _, k := range Keys {
		if k.Default == "" && k.Example == "" {
			t.Errorf("%s: give it a Default or an Example for the template", k.Path)
		}
	}
}

// TestReferenceDefaults: each Default is what kb uses without the key:
// setting the key to it changes nothing.
func TestReferenceDefaults(t *testing.T) {
	for _, k := range Keys {
		if k.Default == "" || strings.Contains(k.Path, "<name>") {
			continue
		}
		parts := strings.Split(k.Path, ".")
		var src strings.Builder
		for i, p := range parts {
			src.WriteString(strings.Repeat("  ", i) + p + ":")
			if i < len(parts)-1 {
				src.WriteString("\n")
			}
		}
		src.WriteString(" " + k.Default + "\n")
		c, err := Parse(FileName, []byte(src.String()))
		if err != nil {
			t.Errorf("%s: %v", k.Path, err)
			continue
		}
		if diff := cmp.Diff(Default(), c, configOpts); diff != "" {
			t.Errorf("%s: %s is not the default (-default +with it):\n%s", k.Path, k.Default, diff)
		}
	}
}

// keyLine is a key commented out in the template: "#key:" or "#  key:".
var keyLine = regexp.MustCompile(`^#(  )*[a-z_]+:( |$)`)

var configOpts = cmp.Options{cmpopts.IgnoreUnexported(Config{}), cmpopts.IgnoreFields(Config{}, "File", "Dir"), cmpopts.EquateEmpty()}

// TestTemplate: kb init's site.yaml sets the title and sections and
// leaves every other key at its default; uncommenting every key line
// still gives a valid site.yaml.
func TestTemplate(t *testing.T) {
	secs := []StarterSection{{Name: "articles", Title: "How-to guides", Description: "Step by step: do one thing.", Weight: 1}, {Name: "faq", Title: "FAQs", Weight: 2}}
	src := Template("Acme: Help", secs)
	c, err := Parse(FileName, src)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	want := Default()
	want.Title = "Acme: Help"
	want.Sections = map[string]Section{"articles": {Title: "How-to guides", Description: "Step by step: do one thing.", Weight: 1}, "faq": {Title: "FAQs", Weight: 2}}
	if diff := cmp.Diff(want, c, configOpts); diff != "" {
		t.Errorf("template (-want +got):\n%s\n%s", diff, src)
	}
	for _, k := range Keys {
		leaf := k.Path[strings.LastIndex(k.Path, ".")+1:]
		if !strings.Contains(string(src), leaf+":") {
			t.Errorf("the template lacks %s", k.Path)
		}
	}
	// Every commented key line uncommented: the examples are valid too.
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if keyLine.MatchString(l) {
			l = l[1:]
		}
		lines = append(lines, l)
	}
	all := strings.Join(lines, "\n")
	if _, err := Parse(FileName, []byte(all)); err != nil {
		t.Errorf("uncommented: %v\n%s", err, all)
	}
}

// TestReadmeReference: README.md's site.yaml table is ReferenceTable;
// -update rewrites it.
func TestReadmeReference(t *testing.T) {
	const file = "../../README.md"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, "| key | default | meaning |")
	if start < 0 {
		t.Fatal("README.md has no site.yaml table")
	}
	end := strings.Index(readme[start:], "\n\n")
	if end < 0 {
		end = len(readme) - start
	}
	got, want := readme[start:start+end+1], ReferenceTable()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(file, []byte(readme[:start]+want+readme[start+end+1:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's site.yaml table is not config.Keys; run go test ./internal/config -run TestReadmeReference -update (-README +Keys):\n%s", cmp.Diff(got, want))
}
