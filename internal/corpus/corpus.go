// Package corpus generates large, realistic help-center sites for
// benchmarks and scale tests: deterministic for a seed, every content type,
// front matter with dates, tags, prerequisites and related links, bodies
// with headings, numbered steps, screenshots, tables, code blocks, callouts
// and internal links that all resolve. The prose uses short sentences of
// common words, so a generated site lints clean: the only findings are the
// ones Options.Plant asks for, and Generate reports how many it planted.
package corpus

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configure a generated site.
type Options struct {
	// Pages is the number of content pages.
	Pages int
	// Seed makes the output deterministic.
	Seed int64
	// Plant adds one lint finding (a jargon word, a warning) to every
	// Plant-th article; 0 plants none.
	Plant int
	// Products is the number of products releases are spread over (default 1).
	Products int
}

// Stats describes a generated site.
type Stats struct {
	Pages, Articles, FAQs, Troubleshooting, Releases int
	Bytes                                            int64
	// Planted is the number of lint warnings planted.
	Planted int
}

// Share of each type among the pages.
const (
	shareFAQ     = 10 // percent
	shareTrouble = 20
	shareRelease = 5
)

var words = strings.Fields(`account team project file folder share link page list view board task note
comment member guest owner admin plan bill invoice card payment price seat trial export import sync app phone
desktop web browser email password code key token sign setting menu button tab panel window field box
search filter sort tag label name title date time day week month report chart table row column copy move
save open close start stop turn check send get make find show keep add remove change update clear reset
quick easy safe new old main next last first small large full free paid right left top bottom`)

var verbs = strings.Fields(`open select choose enter type check save copy add remove turn find go pick set clear`)

var uiLabels = []string{"Settings", "Billing", "Security", "Members", "Integrations", "Export", "Projects", "Files", "Account settings", "Notifications"}

var tagSet = strings.Fields(`account security billing projects files integrations desktop mobile api admin sso notifications`)

type page struct {
	section, slug, title, typ string
	headings                  []string // h2 texts
	questions                 []string // FAQ questions
}

func (p *page) url() string { return "/" + p.section + "/" + p.slug + "/" }

type gen struct {
	r     *rand.Rand
	opts  Options
	pages []*page
	stats Stats
}

// Generate writes a site with opts.Pages pages into dir (which must not
// exist or be empty): site.yaml, content/ and static/images/.
func Generate(dir string, opts Options) (*Stats, error) {
	if opts.Pages < 4 {
		return nil, fmt.Errorf("corpus: need at least 4 pages, got %d", opts.Pages)
	}
	if opts.Products <= 0 {
		opts.Products = 1
	}
	g := &gen{r: rand.New(rand.NewSource(opts.Seed)), opts: opts}
	g.plan()
	if err := g.write(dir); err != nil {
		return nil, err
	}
	return &g.stats, nil
}

func (g *gen) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[g.r.Intn(len(words))]
	}
	return strings.Join(w, " ")
}

// sentence is 6–12 common words, capitalised, with a full stop.
func (g *gen) sentence() string {
	s := g.words(6 + g.r.Intn(7))
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// paragraph is about 2n sentences: page sizes then average ~4.4 KB of
// Markdown with front matter, 44 MB for 10,000 pages (65 MB on disk, as du
// counts it with 4 KB blocks: the corpus of the performance targets).
func (g *gen) paragraph(n int) string {
	n = 2*n - 1
	s := make([]string, n)
	for i := range s {
		s[i] = g.sentence()
	}
	return strings.Join(s, " ")
}

func titleCase(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func (g *gen) plan() {
	n := g.opts.Pages
	nFAQ := max(1, n*shareFAQ/100)
	nTrouble := max(1, n*shareTrouble/100)
	nRelease := max(1, n*shareRelease/100)
	nArticle := n - nFAQ - nTrouble - nRelease
	used := map[string]bool{}
	mk := func(section, typ string, i int) *page {
		var title string
		for {
			title = titleCase(g.words(3+g.r.Intn(3))) + fmt.Sprintf(" %d", i+1)
			if !used[title] {
				used[title] = true
				break
			}
		}
		p := &page{section: section, typ: typ, slug: fmt.Sprintf("%s-%d", strings.ReplaceAll(strings.ToLower(strings.Fields(title)[0]), " ", "-"), i+1), title: title}
		return p
	}
	for i := 0; i < nArticle; i++ {
		p := mk("articles", "article", i)
		p.title = titleCase(verbs[g.r.Intn(len(verbs))]) + " " + p.title[:1] + p.title[1:]
		p.headings = []string{"Steps", "Options", "Troubleshooting"}
		g.pages = append(g.pages, p)
	}
	for i := 0; i < nFAQ; i++ {
		p := mk("faq", "faq", i)
		p.title += " questions"
		for q := 0; q < 4; q++ {
			p.questions = append(p.questions, fmt.Sprintf("How do I %s the %s %d?", verbs[g.r.Intn(len(verbs))], words[g.r.Intn(len(words))], q+1))
		}
		g.pages = append(g.pages, p)
	}
	for i := 0; i < nTrouble; i++ {
		p := mk("troubleshooting", "troubleshooting", i)
		p.title = fmt.Sprintf("Error E%04d: %s", i+1, strings.ToLower(p.title[:1])+p.title[1:])
		p.headings = []string{"Symptoms", "Cause", "Resolution", "If the problem continues"}
		g.pages = append(g.pages, p)
	}
	for i := 0; i < nRelease; i++ {
		p := mk("releases", "release", i)
		p.slug = fmt.Sprintf("%d-%d-0", 1+i/20, i%20)
		p.title = fmt.Sprintf("Release %d.%d.0: %s", 1+i/20, i%20, strings.ToLower(p.title))
		g.pages = append(g.pages, p)
	}
	g.stats.Articles, g.stats.FAQs, g.stats.Troubleshooting, g.stats.Releases = nArticle, nFAQ, nTrouble, nRelease
	g.stats.Pages = n
}

// of returns a random page of a type.
func (g *gen) of(typ string) *page {
	for {
		p := g.pages[g.r.Intn(len(g.pages))]
		if p.typ == typ {
			return p
		}
	}
}

func (g *gen) link(typ string) (string, string) {
	p := g.of(typ)
	if typ == "faq" {
		q := p.questions[g.r.Intn(len(p.questions))]
		return q, p.url() + "#" + slug(q)
	}
	return p.title, p.url()
}

// slug mirrors markdown.Slug for the generated headings (letters, digits, spaces).
func slug(s string) string {
	var b strings.Builder
	for _, f := range strings.Fields(strings.ToLower(s)) {
		f = strings.Trim(f, "?:.,")
		if f == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(f)
	}
	return b.String()
}

var base = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func (g *gen) date() string {
	return base.AddDate(0, 0, g.r.Intn(300)).Format("2006-01-02")
}

func (g *gen) frontMatter(b *strings.Builder, p *page) {
	fmt.Fprintf(b, "---\ntitle: %q\ndescription: %q\nupdated: %s\n", p.title, g.sentence(), g.date())
	fmt.Fprintf(b, "tags: [%s, %s]\nproduct: %s\n", tagSet[g.r.Intn(len(tagSet))], tagSet[g.r.Intn(len(tagSet))], g.product(p))
	if p.typ == "article" || p.typ == "troubleshooting" {
		fmt.Fprintf(b, "prerequisites:\n  - %s\n  - %s\n", g.sentence(), g.sentence())
	}
	if p.typ != "release" {
		_, a := g.link("article")
		_, f := g.link("faq")
		fmt.Fprintf(b, "related:\n  - %s\n  - %s\n", a, f)
	}
}

func (g *gen) product(p *page) string {
	if g.opts.Products == 1 {
		return "Acme"
	}
	return fmt.Sprintf("Acme %d", 1+int(p.slug[0])%g.opts.Products)
}

func (g *gen) body(b *strings.Builder, p *page, idx int) {
	switch p.typ {
	case "article":
		b.WriteString(g.paragraph(3) + "\n\n## Steps\n\n")
		steps := 4 + g.r.Intn(4)
		for s := 1; s <= steps; s++ {
			fmt.Fprintf(b, "%d. %s **%s**. %s\n", s, titleCase(verbs[g.r.Intn(len(verbs))]), uiLabels[g.r.Intn(len(uiLabels))], g.sentence())
			if s == 2 {
				fmt.Fprintf(b, "\n   ![The %s page with the button to %s](/images/shot-%d.svg)\n\n", strings.ToLower(uiLabels[g.r.Intn(len(uiLabels))]), verbs[g.r.Intn(len(verbs))], g.r.Intn(8))
			}
		}
		t, u := g.link("article")
		fmt.Fprintf(b, "\n> [!TIP]\n> %s See [%s](%s).\n\n", g.sentence(), t, u)
		b.WriteString("## Before you change settings\n\n" + g.paragraph(6) + "\n\n" + g.paragraph(5) + "\n\n")
		b.WriteString("## Options\n\n" + g.paragraph(6) + "\n\n| Option | What it does |\n|---|---|\n")
		for r := 0; r < 3; r++ {
			fmt.Fprintf(b, "| %s | %s |\n", titleCase(g.words(2)), g.sentence())
		}
		b.WriteString("\n## Examples\n\n" + g.paragraph(6) + "\n\n- " + g.sentence() + "\n- " + g.sentence() + "\n- " + g.sentence() + "\n\n" + g.paragraph(5) + "\n")
		if idx%3 == 0 {
			fmt.Fprintf(b, "\n```bash\ncurl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/v1/%s\n```\n", strings.Fields(g.words(1))[0])
		}
		if g.opts.Plant > 0 && idx%g.opts.Plant == 0 {
			b.WriteString("\nYou can utilize this page to learn more.\n")
			g.stats.Planted++
		}
		t, u = g.link("troubleshooting")
		fmt.Fprintf(b, "\n## Troubleshooting\n\n%s If it still fails, see [%s](%s).\n\n%s\n", g.paragraph(4), t, u, g.paragraph(4))
	case "faq":
		b.WriteString(g.sentence() + "\n")
		for _, q := range p.questions {
			t, u := g.link("article")
			fmt.Fprintf(b, "\n## %s\n\n%s See [%s](%s).\n\n%s\n", q, g.paragraph(4), t, u, g.paragraph(4))
		}
	case "troubleshooting":
		fmt.Fprintf(b, "%s\n\n## Symptoms\n\nYou see `E%s`. %s\n\n## Cause\n\n%s\n\n%s\n\n## Resolution\n\n", g.sentence(), p.slug, g.paragraph(3), g.paragraph(6), g.paragraph(6))
		for s := 1; s <= 6; s++ {
			fmt.Fprintf(b, "%d. %s\n", s, g.sentence())
		}
		t, u := g.link("article")
		fmt.Fprintf(b, "\n## If the problem continues\n\n%s Read [%s](%s).\n\n%s\n", g.paragraph(5), t, u, g.paragraph(5))
	case "release":
		b.WriteString(g.paragraph(8) + "\n\n" + g.paragraph(8) + "\n")
	}
}

func (g *gen) releaseFields(b *strings.Builder, p *page, i int) {
	fmt.Fprintf(b, "version: \"%d.%d.0\"\ndate: %s\nfeatures:\n", 1+i/20, i%20, base.AddDate(0, 0, i%300).Format("2006-01-02"))
	for f := 0; f < 3; f++ {
		_, a := g.link("article")
		_, q := g.link("faq")
		fmt.Fprintf(b, "  - title: %q\n    summary: %q\n    docs: [%s, %s]\n", titleCase(g.words(3)), g.sentence(), a, q)
	}
	fmt.Fprintf(b, "fixes:\n  - title: %q\n    ticket: ACME-%d\n", g.sentence(), 1000+i)
	_, t := g.link("troubleshooting")
	fmt.Fprintf(b, "known_issues:\n  - title: %q\n    workaround: %q\n    fix_expected: \"%d.%d.1\"\n    docs: [%s]\n", g.sentence(), g.sentence(), 1+i/20, i%20, t)
}

func (g *gen) write(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "static", "images"), 0o755); err != nil {
		return err
	}
	cfg := "title: Acme Help Center\nbase_url: https://help.acme.example/\nsupport_url: https://acme.example/support\n" +
		"support:\n  liaison: Alex Doe\n  email: help@acme.example\n  channels: [the support inbox]\n" +
		"lint:\n  jargon: {utilize: use, leverage: use}\n  stale_after_days: 100000\n"
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	for i := 0; i < 8; i++ {
		svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450"><rect width="800" height="450" fill="#f6f8fa"/><text x="40" y="60" font-size="24">Screen %d</text></svg>`, i)
		if err := os.WriteFile(filepath.Join(dir, "static", "images", fmt.Sprintf("shot-%d.svg", i)), []byte(svg), 0o644); err != nil {
			return err
		}
	}
	counts := map[string]int{}
	for _, p := range g.pages {
		var b strings.Builder
		i := counts[p.typ]
		counts[p.typ]++
		g.frontMatter(&b, p)
		if p.typ == "release" {
			g.releaseFields(&b, p, i)
		}
		b.WriteString("---\n")
		g.body(&b, p, i)
		path := filepath.Join(dir, "content", p.section, p.slug+".md")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return err
		}
		g.stats.Bytes += int64(b.Len())
	}
	return nil
}
