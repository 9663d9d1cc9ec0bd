package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	kb "github.com/octoacme/kb"
	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/sitefs"
)

// scaffoldSections maps a type to the section folder new pages of it go to.
var scaffoldSections = map[string]string{
	"article": "articles", "faq": "faq", "troubleshooting": "troubleshooting", "release": "releases",
}

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("new", "new TYPE \"Title\" [flags]", `
Write a new page whose front matter and sections already follow the
documentation checklist: title, description, updated (today), prerequisites,
a related-links placeholder that kb lint flags until you fill it in, and the
sections the type needs. TYPE is article, faq, troubleshooting or release.

The file goes to content/<section>/<slug>.md, the slug made from the title;
an existing file is never overwritten. A site overrides the scaffold of a
type with its own layouts/new/<type>.md (a Go text/template that sees
.Title, .Slug, .Date, .Version and .Product).`, stdout)
	dir := siteFlag(fs)
	version := fs.String("version", "", "release `version` (required for TYPE release)")
	product := fs.String("product", "", "`product` the page applies to")
	file := fs.String("path", "", "write to this `file` under content/ instead (e.g. content/articles/billing/refunds.md)")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("new: want a type and a title, like: kb new article \"Reset your password\"")
	}
	typ, title := fs.Arg(0), strings.TrimSpace(fs.Arg(1))
	section, ok := scaffoldSections[typ]
	if !ok {
		return usageError("new: unknown type %q; use article, faq, troubleshooting or release", typ)
	}
	if title == "" {
		return usageError("new: the title is empty")
	}
	if typ == "release" {
		if *version == "" {
			return usageError("new: a release needs --version, like: kb new release \"OctoAcme 3.8\" --version 3.8.0")
		}
		if _, ok := content.ParseVersion(*version); !ok {
			return usageError("new: %q is not a version (want a version like 3.8.0)", *version)
		}
	}
	slug := content.Slugify(title)
	if slug == "" {
		return usageError("new: the title %q makes an empty slug; use letters or digits in it", title)
	}
	rel := path.Join(content.Dir, section, slug+".md")
	if *file != "" {
		p := filepath.ToSlash(filepath.Clean(*file))
		if !filepath.IsLocal(filepath.FromSlash(p)) || !strings.HasPrefix(p, content.Dir+"/") || !strings.HasSuffix(p, ".md") {
			return usageError("new: --path %s must be a .md file under content/ in the site folder", *file)
		}
		rel = p
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return usageError("new: site folder %s does not exist", *dir)
	}
	tmpl, err := scaffold(*dir, typ)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	data := map[string]string{"Title": yamlString(title), "Slug": slug, "Date": today().Format(content.DateLayout),
		"Version": *version, "Product": *product}
	if err := tmpl.Execute(&buf, data); err != nil {
		return usageError("new: layouts/new/%s.md: %v", typ, err)
	}
	target := filepath.Join(*dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return usageError("new: %s already exists; choose another title or edit that file", rel)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, rel)
	return nil
}

// reorder moves flags after the positional arguments to the front, so that
// `kb new article "Title" --product X` works like `kb new --product X article "Title"`.
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && takesValue(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func takesValue(flag string) bool {
	switch strings.TrimLeft(flag, "-") {
	case "h", "help", "drafts", "quiet", "json", "explain", "list-rules", "open", "no-watch":
		return false
	}
	return true
}

// scaffold finds the page template of a type: the site's layouts/new/<type>.md, else the default.
// The site's is read as the build reads layouts (package sitefs): a link to
// a file outside layouts/ is refused, not copied into the new page.
func scaffold(dir, typ string) (*template.Template, error) {
	name := "new/" + typ + ".md"
	site, err := sitefs.Open(dir)
	var src []byte
	if err == nil {
		src, err = fs.ReadFile(site, "layouts/"+name)
	}
	if errors.Is(err, os.ErrNotExist) {
		src, err = fs.ReadFile(kb.Theme, "layouts/"+name)
	}
	var le *sitefs.LinkError
	if errors.As(err, &le) {
		return nil, usageError("%v", le)
	}
	if err != nil {
		return nil, usageError("new: no scaffold for %q: %v", typ, err)
	}
	t, err := template.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, usageError("new: layouts/%s: %v", name, strings.TrimPrefix(err.Error(), "template: "))
	}
	return t, nil
}

// yamlString quotes a title when YAML would not read it back as the same text.
func yamlString(s string) string {
	if strings.ContainsAny(s, ":#[]{}&*!|>'\"%@`,?\\") || strings.HasPrefix(s, "-") || s != strings.TrimSpace(s) {
		return strconv.Quote(s)
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "null", "~", "on", "off":
		return strconv.Quote(s)
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.Quote(s)
	}
	return s
}

// today is the current date, or the date of SOURCE_DATE_EPOCH when it is set,
// so that scripted runs are reproducible.
func today() time.Time {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now()
}
