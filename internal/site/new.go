package site

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/octoacme/kb/internal/content"
	"github.com/octoacme/kb/internal/lint"
	"github.com/octoacme/kb/internal/sitefs"
)

// What kb new needs of the pipeline: a page written into the site's
// content, from the scaffold of its type.

// NewPageOptions are a kb new run's.
type NewPageOptions struct {
	// Dir is the site folder; Theme the embedded default theme, whose
	// layouts/new/<type>.md scaffolds a type the site has none of its own for.
	Dir   string
	Theme fs.FS
	// Type is article, faq, troubleshooting or release; Title the page's.
	Type, Title string
	// Version is a release's version (required for a release); Product
	// the product the page applies to.
	Version, Product string
	// Path, when set, is the file to write under content/ instead of
	// content/<section>/<slug>.md.
	Path string
}

// scaffoldSections maps a type to the section folder new pages of it go to.
var scaffoldSections = map[string]string{
	"article": "articles", "faq": "faq", "troubleshooting": "troubleshooting", "release": "releases",
}

// NewPage is kb new: it writes a new page whose front matter and sections
// follow the documentation checklist, never over an existing file, and
// returns its path from the site folder. What the request gets wrong is a
// *UsageError.
func NewPage(opts NewPageOptions) (string, error) {
	typ, title := opts.Type, strings.TrimSpace(opts.Title)
	section, ok := scaffoldSections[typ]
	if !ok {
		return "", usage("new: unknown type %q; use article, faq, troubleshooting or release", typ)
	}
	if title == "" {
		return "", usage("new: the title is empty")
	}
	if typ == "release" {
		if opts.Version == "" {
			return "", usage("new: a release needs --version, like: kb new release \"OctoAcme 3.8\" --version 3.8.0")
		}
		if _, ok := content.ParseVersion(opts.Version); !ok {
			return "", usage("new: %q is not a version (want a version like 3.8.0)", opts.Version)
		}
	}
	slug := content.Slugify(title)
	if slug == "" {
		return "", usage("new: the title %q makes an empty slug; use letters or digits in it", title)
	}
	rel := path.Join(content.Dir, section, slug+".md")
	if opts.Path != "" {
		p := filepath.ToSlash(filepath.Clean(opts.Path))
		if !filepath.IsLocal(filepath.FromSlash(p)) || !strings.HasPrefix(p, content.Dir+"/") || !strings.HasSuffix(p, ".md") {
			return "", usage("new: --path %s must be a .md file under content/ in the site folder", opts.Path)
		}
		rel = p
	}
	if st, err := os.Stat(opts.Dir); err != nil || !st.IsDir() {
		return "", usage("new: site folder %s does not exist", opts.Dir)
	}
	tmpl, err := scaffold(opts.Dir, opts.Theme, typ)
	if err != nil {
		return "", err
	}
	today, err := lint.Today()
	if err != nil {
		today = time.Now() // a malformed SOURCE_DATE_EPOCH is lint's to report
	}
	var buf bytes.Buffer
	data := map[string]string{"Title": yamlString(title), "Slug": slug, "Date": today.Format(content.DateLayout),
		"Version": opts.Version, "Product": opts.Product}
	if err := tmpl.Execute(&buf, data); err != nil {
		return "", usage("new: layouts/new/%s.md: %v", typ, err)
	}
	page := markDraft(rel, buf.Bytes())
	target := filepath.Join(opts.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return "", usage("new: %s already exists; choose another title or edit that file", rel)
	}
	if err != nil {
		return "", err
	}
	if _, err := f.Write(page); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return rel, nil
}

// markDraft makes a new page a draft: the default scaffolds say draft:
// true, and a site's own scaffold that does not gets the line after its
// opening delimiter. A scaffold that sets draft itself (draft: false)
// keeps its choice.
func markDraft(file string, page []byte) []byte {
	p, _ := content.Parse(file, page, content.Options{})
	if p == nil || p.HasField("draft") {
		return page
	}
	line := ""
	switch {
	case bytes.HasPrefix(page, []byte("---\n")):
		line = "draft: true\n"
	case bytes.HasPrefix(page, []byte("+++\n")):
		line = "draft = true\n"
	default:
		return page // JSON front matter, or none: the scaffold's own business
	}
	return slices.Concat(page[:4], []byte(line), page[4:])
}

// scaffold finds the page template of a type: the site's layouts/new/<type>.md, else the default.
// The site's is read as the build reads layouts (package sitefs): a link to
// a file outside layouts/ is refused, not copied into the new page.
func scaffold(dir string, theme fs.FS, typ string) (*template.Template, error) {
	name := "new/" + typ + ".md"
	site, err := sitefs.Open(dir)
	var src []byte
	if err == nil {
		src, err = fs.ReadFile(site, "layouts/"+name)
	}
	if errors.Is(err, os.ErrNotExist) {
		src, err = fs.ReadFile(theme, "layouts/"+name)
	}
	var le *sitefs.LinkError
	if errors.As(err, &le) {
		return nil, usage("%v", le)
	}
	if err != nil {
		return nil, usage("new: no scaffold for %q: %v", typ, err)
	}
	t, err := template.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, usage("new: layouts/%s: %v", name, strings.TrimPrefix(err.Error(), "template: "))
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
