package site

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// dirOutput writes files under a folder.
type dirOutput struct {
	root  string
	files atomic.Int64
	bytes atomic.Int64
}

func (o *dirOutput) WriteFile(name string, data []byte) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("refusing to write %q outside the output folder", name)
	}
	p := filepath.Join(o.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	o.files.Add(1)
	o.bytes.Add(int64(len(data)))
	return nil
}

// stage is a temporary folder beside the output that replaces it on success,
// so that a failed build leaves the previous site untouched.
type stage struct {
	out, tmp string
}

func newStage(out string) (*stage, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, err
	}
	return &stage{out: out, tmp: tmp}, nil
}

// commit swaps the staged folder in for the output.
func (s *stage) commit() error {
	old := ""
	if _, err := os.Stat(s.out); err == nil {
		old = filepath.Join(filepath.Dir(s.out), "."+filepath.Base(s.out)+".old-"+randomSuffix())
		if err := os.Rename(s.out, old); err != nil {
			return fmt.Errorf("cannot replace %s: %w", s.out, err)
		}
	}
	if err := os.Rename(s.tmp, s.out); err != nil {
		if old != "" {
			_ = os.Rename(old, s.out) // put the previous site back
		}
		return fmt.Errorf("cannot move the new site into %s: %w", s.out, err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// abort removes the staged folder.
func (s *stage) abort() { _ = os.RemoveAll(s.tmp) }

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkOutDir refuses output folders whose replacement would destroy the site.
func checkOutDir(siteDir, out string) error {
	absSite, err := filepath.Abs(siteDir)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if absOut == absSite {
		return fmt.Errorf("--out %s is the site folder itself; kb replaces the output folder on every build, so choose a folder of its own, like public", out)
	}
	if rel, err := filepath.Rel(absOut, absSite); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("--out %s contains the site folder; kb replaces the output folder on every build, so choose a folder of its own, like public", out)
	}
	if rel, err := filepath.Rel(absSite, absOut); err == nil && filepath.IsLocal(rel) {
		switch strings.SplitN(filepath.ToSlash(rel), "/", 2)[0] {
		case "content", "layouts", "static", ".kb":
			return fmt.Errorf("--out %s is inside the site's own %s folder; choose a folder of its own, like public", out, strings.SplitN(filepath.ToSlash(rel), "/", 2)[0])
		}
	}
	for _, name := range []string{"site.yaml", "content", "go.mod"} {
		if _, err := os.Stat(filepath.Join(absOut, name)); err == nil {
			return fmt.Errorf("--out %s holds %s, so it does not look like kb output; kb replaces the output folder on every build, so choose an empty folder or a new name", out, name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
