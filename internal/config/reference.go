package config

import (
	"fmt"
	"regexp"
	"strings"
)

// Key documents one key of site.yaml. Keys is the one list of them: the
// README's site.yaml table is made from it (TestReadmeReference), kb init
// writes it as the commented site.yaml of a new site (Template), and a test
// holds it to the Config type and to Default, so that the docs, the
// template and the code cannot drift apart.
type Key struct {
	// Path is the dotted key ("lint.max_grade"); <name> stands for a
	// name the site chooses ("sections.<name>.title").
	Path string
	// Default is the value kb uses when the key is left out, as site.yaml
	// writes it; "" when there is none to write.
	Default string
	// Note stands in the README's default column when there is no
	// Default to write ("folder name").
	Note string
	// Example is a value the template shows, commented out, for a key
	// without a Default.
	Example string
	// Doc says what the key does, in Markdown.
	Doc string
}

// Keys are site.yaml's keys, in the order the README and the template
// give them. Keys sharing a parent are together.
var Keys = []Key{
	{Path: "title", Default: "Help Center", Doc: "site name, in every page's title"},
	{Path: "description", Example: "Answers to your questions about OctoAcme.", Doc: "home page and fallback meta description"},
	{Path: "base_url", Example: "https://help.example.com/", Doc: "absolute URL of the site, e.g. `https://help.example.com/`; used for canonical links, the sitemap and feeds; its path (`/help/`) is prefixed to site links"},
	{Path: "language", Default: "en", Doc: "`<html lang>`"},
	{Path: "support_url", Example: "https://example.com/support", Doc: "the \"Contact support\" link; also where \"Was this article helpful?\" links when no feedback endpoint is set"},
	{Path: "timezone", Note: "UTC", Example: "Europe/Paris", Doc: "the IANA time zone (`Europe/Paris`, `America/New_York`) of `publish_date`, `expiry_date` and release dates written without an offset, and of \"today\" for lint ([Scheduled content](#scheduled-content))"},
	{Path: "copyright", Example: "© 2026 Example Inc.", Doc: "footer line"},
	{Path: "sections.<name>.title", Note: "\"How-to guides\", \"FAQs\", \"Troubleshooting\", \"Release notes\" for `articles`, `faq`, `troubleshooting`, `releases`; else the folder name", Example: "How-to guides", Doc: "a section's display name (`<name>` is its folder under `content/`)"},
	{Path: "sections.<name>.description", Example: "Step-by-step guides.", Doc: "a section's intro text"},
	{Path: "sections.<name>.weight", Default: "0", Doc: "a section's place in lists: lower weights first"},
	{Path: "markdown.html", Default: "sanitize", Doc: "raw HTML in Markdown: `sanitize` (keep what an allowlist allows), `escape` (show it as text) or `unsafe` (pass it through)"},
	{Path: "markdown.unsafe", Default: "false", Doc: "`true` is the older spelling of `markdown.html: unsafe`"},
	{Path: "markdown.embeds", Example: "[www.youtube-nocookie.com]", Doc: "hosts whose iframes sanitized HTML keeps, over https (`[www.youtube-nocookie.com]`); kb serve's CSP `frame-src` allows them"},
	{Path: "feedback.endpoint", Note: "kb serve's `/api/feedback`", Example: "https://example.com/kb-feedback", Doc: "URL (or path on the site's host) the \"Was this article helpful?\" form posts to (`page`: the site path, `helpful=yes/no`, optional `reason`, `comment`); unset in a site kb build writes, the answer links to `support_url`"},
	{Path: "feedback.allowed_origins", Example: "[https://help.example.com]", Doc: "origins (`https://help.example.com`) of sites hosted elsewhere whose pages may post answers to this kb serve; by default only its own pages may ([docs/feedback.md](docs/feedback.md))"},
	{Path: "search.index", Default: ".kb/search.bleve", Doc: "where the search index is written, relative to the site folder"},
	{Path: "search.log", Default: ".kb/search-log.jsonl", Doc: "the zero-result log of kb versions before the database: kb serve and kb report move it into the database once"},
	{Path: "search.synonyms", Example: "[[sign in, log in], \"bill => invoice, payment\"]", Doc: "list of `[a, b, c]` (two-way) or `\"a => b, c\"` (one-way); a site's entry for a word replaces the built-in one"},
	{Path: "search.builtin_synonyms", Note: "`true`", Example: "false", Doc: "kb's built-in support synonyms (iphone → ios, sign in / log in …: [docs/search.md](docs/search.md#synonyms))"},
	{Path: "feeds.limit", Default: "50", Doc: "items per feed"},
	{Path: "lint.stale_after_days", Default: "365", Doc: "`updated` older than this is a warning"},
	{Path: "lint.max_grade", Default: "9", Doc: "highest Flesch–Kincaid grade for prose"},
	{Path: "lint.jargon", Example: "{utilize: use, leverage: use}", Doc: "list of terms, or map of term → plainer word"},
	{Path: "lint.rules", Example: "{jargon: error, screenshots: off}", Doc: "per-rule levels: `{jargon: error, screenshots: off}`"},
	{Path: "lint.baseline", Example: "lint-baseline.json", Doc: "file of accepted findings (`kb lint --write-baseline`), relative to the site folder: kb lint, build and serve fail only on new ones"},
	{Path: "lint.related_links.body_links", Default: "1", Doc: "links to other pages in the text that satisfy `related-links` without `related:` (`0`: only `related:` counts)"},
	{Path: "lint.prerequisites.when", Default: "steps", Doc: "which guides state prerequisites: those with numbered `steps`, or `always`"},
	{Path: "lint.prerequisites.headings", Default: "[" + strings.Join(DefaultPrerequisiteHeadings, ", ") + "]", Doc: "what a prerequisites section's heading contains (any case)"},
	{Path: "lint.troubleshooting.when", Default: "steps", Doc: "which how-to guides have a troubleshooting section: those with numbered `steps`, or `always`"},
	{Path: "lint.troubleshooting.headings", Default: "[" + strings.Join(DefaultTroubleshootingHeadings, ", ") + "]", Doc: "what a how-to guide's troubleshooting heading contains (any case)"},
	{Path: "ready.window_days", Default: "30", Doc: "docs count as updated for a release this many days before it"},
	{Path: "support.liaison", Example: "Sam Lee", Doc: "who signs kb brief's briefings"},
	{Path: "support.email", Example: "support@example.com", Doc: "the support address kb announce gives customers"},
	{Path: "support.channels", Example: "[\"#support\", the support inbox]", Doc: "the channels the support team watches on release day (kb brief)"},
	{Path: "limits.max_file_bytes", Default: "8388608", Doc: "a content file larger than this stops the build"},
	{Path: "limits.template_timeout", Default: "10s", Doc: "the longest one page's layout may take to render (a duration: `30s`, `2m`); a layout that loops stops the build, naming the layout, the line and the page"},
	{Path: "database.url", Note: "`.kb/kb.db`", Example: "postgres://kb@db.example.com/kb", Doc: "the feedback and search database: `postgres://user@host/db` (no password: use `PGPASSWORD` or `~/.pgpass`) or an SQLite file, relative to the site folder"},
	{Path: "report.tickets.columns", Example: "{created: Opened at}", Doc: "for kb report `--tickets`: the CSV header of a ticket field (`id`, `created`, `resolved`, `status`, `category`, `priority`, `escalated`, `satisfaction`, `tags`) when kb does not recognise it"},
	{Path: "report.tickets.date_order", Note: "guessed", Example: "day-first", Doc: "`day-first` or `month-first`, for ticket dates like `03/04/2026`"},
	{Path: "params", Example: "{company: Example Inc.}", Doc: "free-form values for your templates (`.Site.Config.Params`)"},
}

// ReferenceTable is the README's site.yaml table, made from Keys.
func ReferenceTable() string {
	var b strings.Builder
	b.WriteString("| key | default | meaning |\n|---|---|---|\n")
	for _, k := range Keys {
		def := k.Note
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		if def != "" {
			def += " "
		}
		fmt.Fprintf(&b, "| `%s` | %s| %s |\n", k.Path, def, k.Doc)
	}
	return b.String()
}

// Section is one section kb init sets in the template.
type StarterSection struct {
	Name, Title, Description string
	Weight                   int
}

// Template is the site.yaml of a new site (kb init): title and sections
// set, every other key of Keys commented out with its default (or, for a
// key without one, an example) and what it does. Deleting the # in front
// of a key's line (and of its parents') sets it.
func Template(title string, sections []StarterSection) []byte {
	var b strings.Builder
	b.WriteString(`# site.yaml: the configuration of this help center.
#
# Every key is optional. The keys commented out show what kb uses when the
# key is left out (or, for a key kb has no value for, an example): delete
# the "#" in front of a key, and of the keys it sits under, to set it.
# kb refuses keys it does not know, naming the line, so a typo never goes
# unnoticed. The reference is the README's "site.yaml reference".

`)
	var open []string // the parents of the last key written
	for _, k := range Keys {
		parts := strings.Split(k.Path, ".")
		set := k.Path == "title"
		if parts[0] == "sections" {
			if k.Path == "sections.<name>.title" {
				writeSections(&b, sections)
				open = nil
			}
			continue
		}
		// Parent lines not yet open.
		common := 0
		for common < len(open) && common < len(parts)-1 && open[common] == parts[common] {
			common++
		}
		if common == 0 && !strings.HasSuffix(b.String(), "\n\n") {
			b.WriteString("\n") // a blank line between top-level keys
		}
		for i := common; i < len(parts)-1; i++ {
			fmt.Fprintf(&b, "#%s%s:\n", strings.Repeat("  ", i), parts[i])
		}
		open = parts[:len(parts)-1]
		indent := strings.Repeat("  ", len(parts)-1)
		lead := "#" + indent + "# "
		if len(parts) == 1 {
			lead = "# "
		}
		doc := plainDoc(k.Doc)
		if k.Default == "" && k.Note != "" {
			doc += " (default: " + strings.Trim(k.Note, "`") + ")"
		} else if k.Default == "" {
			doc += " (no default; the value shown is an example)"
		}
		for _, l := range wrap(doc, 76-len(lead)) {
			b.WriteString(lead + l + "\n")
		}
		v := k.Default
		if v == "" {
			v = k.Example
		}
		switch {
		case set:
			fmt.Fprintf(&b, "%s: %s\n", parts[0], yamlScalar(title))
		default:
			fmt.Fprintf(&b, "#%s%s: %s\n", indent, parts[len(parts)-1], v)
		}
	}
	return []byte(b.String())
}

func writeSections(b *strings.Builder, sections []StarterSection) {
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	var doc []string
	for _, k := range Keys {
		if strings.HasPrefix(k.Path, "sections.") {
			d := k.Path + ": " + plainDoc(k.Doc)
			if k.Note != "" {
				d += " (default: " + strings.Trim(k.Note, "`") + ")"
			} else if k.Default != "" {
				d += " (default: " + k.Default + ")"
			}
			doc = append(doc, d)
		}
	}
	for _, d := range doc {
		for i, l := range wrap(d, 74) {
			if i > 0 {
				l = "  " + l
			}
			b.WriteString("# " + l + "\n")
		}
	}
	if len(sections) == 0 {
		b.WriteString("#sections:\n#  articles:\n#    title: How-to guides\n")
		return
	}
	b.WriteString("sections:\n")
	for _, s := range sections {
		fmt.Fprintf(b, "  %s:\n    title: %s\n", s.Name, yamlScalar(s.Title))
		if s.Description != "" {
			fmt.Fprintf(b, "    description: %s\n", yamlScalar(s.Description))
		}
		fmt.Fprintf(b, "    weight: %d\n", s.Weight)
	}
}

var mdLink = regexp.MustCompile(`\[([^\]]+)\]\([^)]+\)`)

// plainDoc is a Markdown doc as a YAML comment shows it.
func plainDoc(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	return strings.ReplaceAll(s, "`", "")
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// yamlScalar quotes text that YAML would not read back as itself.
func yamlScalar(s string) string {
	if s == "" || strings.ContainsAny(s, ":#[]{}&*!|>'\"%@`,?\\") || s != strings.TrimSpace(s) ||
		strings.HasPrefix(s, "-") {
		return fmt.Sprintf("%q", s)
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "null", "~", "on", "off":
		return fmt.Sprintf("%q", s)
	}
	return s
}
