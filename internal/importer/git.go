package importer

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitDates returns a function giving the date of the last commit that
// touched a file of src (`git log -1 --format=%cs -- FILE`), or "" when
// git is not installed, src is not in a git work tree, or the file was
// never committed.
func gitDates(src string) func(string) string {
	none := func(string) string { return "" }
	git, err := exec.LookPath("git")
	if err != nil {
		return none
	}
	if out, err := run(src, git, "rev-parse", "--is-inside-work-tree"); err != nil || strings.TrimSpace(out) != "true" {
		return none
	}
	return func(file string) string {
		out, err := run(src, git, "log", "-1", "--format=%cs", "--", filepath.FromSlash(file))
		if err != nil {
			return ""
		}
		d := strings.TrimSpace(out)
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return ""
		}
		return d
	}
}

func run(dir, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return string(out), err
}
