package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTargets: the table checks issue 20's targets and the moonshot, each
// met or not by the figures of the rounds.
func TestTargets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("env", "pages=10000\nsmall=1000\n")
	// seconds and MiB: kb 20% of Hugo + Pagefind, 5× the floor, 480 MiB.
	for name, s := range map[string][2]float64{
		"floor": {2, 10}, "kb": {10, 480}, "kb-again": {0.5, 100},
		"hugo": {25, 1600}, "pagefind": {25, 1800}, "kb-small": {1, 200},
	} {
		write(name+".1.json", fmt.Sprintf(`{"results":[{"times":[%g],"exit_codes":[0]}]}`, s[0]))
		write(name+".1.time", fmt.Sprintf("\tMaximum resident set size (kbytes): %d\n", int(s[1]*1024)))
	}
	doc := filepath.Join(dir, "doc.md")
	write("doc.md", "<!-- compare:begin tmpfs -->\n<!-- compare:end tmpfs -->\n")
	if err := run(dir, doc, "tmpfs"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{
		"| kb build ≤ 25% of Hugo build + Pagefind index | 20.0% | yes |",
		"| kb build ≤ 6× goldmark alone | 5.00× | yes |",
		"| kb build peak memory ≤ 500 MiB | 480 MiB (highest of 1 runs) | yes |",
		"| moonshot: kb build ≤ 10% of Hugo build + Pagefind index | 20.0% | **no** |",
		"| moonshot: kb build ≤ 3.5× goldmark alone | 5.00× | **no** |",
	} {
		if !strings.Contains(string(data), row) {
			t.Errorf("no row %q in\n%s", row, data)
		}
	}
}
