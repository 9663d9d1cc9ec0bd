// Package config reads site.yaml, the one configuration file of a kb site.
//
// Every key is optional; Default fills in what a site leaves out. Unknown keys
// are errors (a typo in a key silently ignored is worse than a failed build),
// and every error names site.yaml and the line. The file's keys:
//
//	title, description, base_url, language, support_url, copyright
//	timezone                     the IANA time zone dates are read and compared in (default UTC)
//	sections.<name>.{title, description, weight}
//	markdown.html                raw HTML in Markdown: sanitize (default), escape or unsafe
//	markdown.unsafe              true is the older spelling of markdown.html: unsafe
//	markdown.embeds              hosts whose iframes sanitized HTML keeps
//	feedback.endpoint            POST target of "Was this article helpful?"
//	feedback.allowed_origins     origins of sites hosted elsewhere that may post feedback to kb serve
//	search.{index, log, synonyms}
//	feeds.limit                  newest items per feed
//	lint.{stale_after_days, max_grade, jargon, rules, baseline}
//	lint.related_links.body_links, lint.prerequisites.{when, headings},
//	lint.troubleshooting.headings
//	ready.window_days            docs count as updated for a release within this many days before it
//	support.{liaison, email, channels}
//	limits.max_file_bytes        a content file larger than this stops the build
//	database.url                 the feedback database: postgres://… or an SQLite file (default .kb/kb.db)
//	report.tickets.{columns, date_order}  how kb report reads a help desk's ticket export
//	limits.template_timeout      the longest one page's layout may render ("10s")
//	params                       free-form values for templates
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	_ "time/tzdata" // timezone names work without the system's zone database

	"gopkg.in/yaml.v3"

	"github.com/octoacme/kb/internal/chars"
	"github.com/octoacme/kb/internal/diag"
)

// FileName is the name of the configuration file in a site's root folder.
const FileName = "site.yaml"

// Config is a parsed site.yaml.
type Config struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	BaseURL     string `yaml:"base_url"`
	Language    string `yaml:"language"`
	SupportURL  string `yaml:"support_url"`
	Copyright   string `yaml:"copyright"`
	// Timezone is the IANA name of the site's time zone ("Europe/Paris"):
	// publish_date, expiry_date and a release's date are read in it, and
	// "today" is its date. Empty means UTC.
	Timezone string             `yaml:"timezone"`
	Sections map[string]Section `yaml:"sections"`
	Markdown Markdown           `yaml:"markdown"`
	Feedback Feedback           `yaml:"feedback"`
	Search   Search             `yaml:"search"`
	Feeds    Feeds              `yaml:"feeds"`
	Lint     Lint               `yaml:"lint"`
	Ready    Ready              `yaml:"ready"`
	Support  Support            `yaml:"support"`
	Limits   Limits             `yaml:"limits"`
	Database Database           `yaml:"database"`
	Report   Report             `yaml:"report"`
	Params   map[string]any     `yaml:"params"`

	// loc is Timezone loaded (validate); nil means UTC.
	loc *time.Location
	// lines maps a dotted key path ("lint.rules.jargon") to its line in site.yaml.
	lines map[string]int
	// File is the path the configuration was read from, for messages.
	File string `yaml:"-"`
	// Dir is the site folder Load read it from ("" for Parse), which
	// relative paths such as lint.baseline start from.
	Dir string `yaml:"-"`
}

// Section describes one content section (a folder under content/).
type Section struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Weight      int    `yaml:"weight"`
}

// Markdown holds rendering options.
type Markdown struct {
	// HTML is what raw HTML in Markdown becomes: "sanitize" (the
	// default: kept as far as an allowlist allows), "escape" (shown as
	// text) or "unsafe" (passed through). After Parse it is always set.
	HTML string `yaml:"html"`
	// Unsafe: true is the older spelling of html: unsafe.
	Unsafe bool `yaml:"unsafe"`
	// Embeds are the hosts (www.youtube-nocookie.com) whose iframes
	// sanitized raw HTML keeps; kb serve's Content-Security-Policy lets
	// them be framed.
	Embeds []string `yaml:"embeds"`
}

// Feedback configures the "Was this article helpful?" control.
type Feedback struct {
	// Endpoint is where "Was this article helpful?" posts: an absolute
	// http(s) URL, or a path on the site's host. Empty: kb serve's own
	// /api/feedback when kb serves the site; a link to support_url in a
	// site kb build writes for another host.
	Endpoint string `yaml:"endpoint"`
	// AllowedOrigins are the origins (https://help.example.com) of sites
	// hosted elsewhere whose pages may post feedback to this site's kb
	// serve; by default it takes answers from its own pages only.
	AllowedOrigins []string `yaml:"allowed_origins"`
}

// Search configures the bleve index and query analysis.
type Search struct {
	Index    string    `yaml:"index"`
	Log      string    `yaml:"log"`
	Synonyms []Synonym `yaml:"synonyms"`
	// BuiltinSynonyms turns kb's built-in support synonyms on (nil: the
	// default) or off; the site's synonyms replace built-in ones for the
	// same words.
	BuiltinSynonyms *bool `yaml:"builtin_synonyms"`
}

// Synonym is one entry of search.synonyms. A YAML list ([sign in, log in])
// is two-way: every term stands for every other. A string "bill => invoice,
// payment" is one-way: a query for "bill" also finds "invoice" and "payment".
type Synonym struct {
	From   []string
	To     []string
	TwoWay bool
}

// Feeds configures the RSS, Atom and JSON feeds.
type Feeds struct {
	Limit int `yaml:"limit"`
}

// Lint configures the documentation checks.
type Lint struct {
	StaleAfterDays int               `yaml:"stale_after_days"`
	MaxGrade       float64           `yaml:"max_grade"`
	Jargon         Jargon            `yaml:"jargon"`
	Rules          map[string]string `yaml:"rules"`
	// Baseline is a file of accepted findings (kb lint --write-baseline),
	// relative to the site folder: kb lint, kb build and kb serve fail
	// only on findings it does not hold.
	Baseline        string          `yaml:"baseline"`
	RelatedLinks    RelatedLinks    `yaml:"related_links"`
	Prerequisites   Prerequisites   `yaml:"prerequisites"`
	Troubleshooting Troubleshooting `yaml:"troubleshooting"`
}

// RelatedLinks configures the related-links rule.
type RelatedLinks struct {
	// BodyLinks is how many other pages a page's body must link to for it
	// to need no related: entries (0: only related: counts).
	BodyLinks int `yaml:"body_links"`
}

// Prerequisites configures the prerequisites rule.
type Prerequisites struct {
	// When is "steps" (how-to and troubleshooting guides with numbered
	// steps state prerequisites) or "always" (every one does).
	When string `yaml:"when"`
	// Headings are what a prerequisites section's heading contains (any case).
	Headings []string `yaml:"headings"`
}

// Troubleshooting configures the troubleshooting rule.
type Troubleshooting struct {
	// When is "steps" (how-to guides with numbered steps have a
	// troubleshooting section) or "always" (every one does).
	When string `yaml:"when"`
	// Headings are what a troubleshooting section's heading contains (any case).
	Headings []string `yaml:"headings"`
}

// The headings the prerequisites and troubleshooting rules look for by default.
var (
	DefaultPrerequisiteHeadings    = []string{"prerequisites", "requirements", "before you begin", "before you start"}
	DefaultTroubleshootingHeadings = []string{"troubleshoot", "common error", "common problem", "common issue"}
)

// Jargon is the lint.jargon list: terms to avoid, each with an optional plainer suggestion.
type Jargon []JargonTerm

// JargonTerm is one term of lint.jargon.
type JargonTerm struct {
	Term       string
	Suggestion string
}

// Ready configures kb ready.
type Ready struct {
	WindowDays int `yaml:"window_days"`
}

// Support names the people and channels of the support team.
type Support struct {
	Liaison  string   `yaml:"liaison"`
	Email    string   `yaml:"email"`
	Channels []string `yaml:"channels"`
}

// Limits bounds what one input may cost.
type Limits struct {
	MaxFileBytes int64 `yaml:"max_file_bytes"`
	// TemplateTimeout is the longest one output file's layout may take to
	// render: a loop in a layout stops the build instead of hanging it.
	TemplateTimeout Duration `yaml:"template_timeout"`
}

// Database says where the feedback and search analytics live
// (internal/feedback).
type Database struct {
	// URL is postgres://… (or postgresql://…) for PostgreSQL, else the path
	// of an SQLite file, relative to the site folder; empty means
	// .kb/kb.db. kb report --db overrides it.
	URL string `yaml:"url"`
}

// Report configures kb report.
type Report struct {
	Tickets Tickets `yaml:"tickets"`
}

// Tickets says how to read a help desk's ticket export (kb report --tickets).
type Tickets struct {
	// Columns maps a ticket field (TicketFields) to the header of its column
	// in the CSV, for headers kb does not recognise by itself.
	Columns map[string]string `yaml:"columns"`
	// DateOrder reads numeric dates with slashes (03/04/2026): "day-first" or
	// "month-first"; empty means guess from the file, or refuse when it cannot tell.
	DateOrder string `yaml:"date_order"`
}

// TicketFields are the fields kb report reads from a ticket export, the keys
// of report.tickets.columns.
var TicketFields = []string{"id", "created", "resolved", "status", "category", "priority", "escalated", "satisfaction", "tags"}

// DatabaseURL is the feedback database of a site in dir: database.url, a
// relative SQLite path taken from the site folder, or dir/.kb/kb.db.
func (c *Config) DatabaseURL(dir string) string {
	u := c.Database.URL
	switch {
	case u == "":
		return filepath.Join(dir, ".kb", "kb.db")
	case strings.Contains(u, "://") || filepath.IsAbs(u):
		return u
	}
	return filepath.Join(dir, u)
}

// IndexPath is where the site in dir keeps its search index: search.index,
// relative to the site folder unless absolute.
func (c *Config) IndexPath(dir string) string {
	return sitePath(dir, c.Search.Index, Default().Search.Index)
}

// SearchLogPath is where the site in dir logs the searches that found
// nothing: search.log, relative to the site folder unless absolute.
func (c *Config) SearchLogPath(dir string) string {
	return sitePath(dir, c.Search.Log, Default().Search.Log)
}

// sitePath is a path site.yaml gives (def when it gives none), in the
// site folder dir unless absolute.
func sitePath(dir, p, def string) string {
	if p == "" {
		p = def
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Duration is a length of time written with its unit: "10s", "1m30s".
type Duration time.Duration

// UnmarshalYAML accepts what time.ParseDuration does; a bare number is
// refused, since it would be read as nanoseconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a duration with its unit, like 10s or 2m, got %q", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

// String is the duration as site.yaml writes it ("10s").
func (d Duration) String() string { return time.Duration(d).String() }

// Default returns the configuration of a site without a site.yaml.
func Default() *Config {
	return &Config{
		Title:    "Help Center",
		Language: "en",
		Sections: map[string]Section{},
		Search:   Search{Index: ".kb/search.bleve", Log: ".kb/search-log.jsonl"},
		Markdown: Markdown{HTML: "sanitize"},
		Feeds:    Feeds{Limit: 50},
		Lint: Lint{StaleAfterDays: 365, MaxGrade: 9, Rules: map[string]string{},
			RelatedLinks:    RelatedLinks{BodyLinks: 1},
			Prerequisites:   Prerequisites{When: "steps", Headings: slices.Clone(DefaultPrerequisiteHeadings)},
			Troubleshooting: Troubleshooting{When: "steps", Headings: slices.Clone(DefaultTroubleshootingHeadings)}},
		Ready:  Ready{WindowDays: 30},
		Limits: Limits{MaxFileBytes: 8 << 20, TemplateTimeout: Duration(10 * time.Second)},
		File:   FileName,
		lines:  map[string]int{},
	}
}

// Load reads dir/site.yaml. A missing file gives the defaults.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		c := Default()
		c.Dir = dir
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := Parse(FileName, data)
	if c != nil {
		c.Dir = dir
	}
	return c, err
}

// Parse parses the bytes of a site.yaml; name is used in messages.
func Parse(name string, data []byte) (*Config, error) {
	c := Default()
	c.File = name
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, data, err)
	}
	if len(root.Content) == 0 {
		return c, nil // empty file
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return c, nil // only comments or "---"
	}
	if doc.Kind != yaml.MappingNode {
		return nil, diag.At(name, doc.Line, "site.yaml must be a mapping of keys to values")
	}
	recordLines(doc, "", 0, c.lines)
	var errs diag.List
	checkKeys(name, doc, reflect.TypeFor[Config](), "", &errs)
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, data, err)
	}
	// The texts pages show: an escape can spell a control character.
	c.Title, c.Description, c.Copyright = chars.Clean(c.Title), chars.Clean(c.Description), chars.Clean(c.Copyright)
	for k, sec := range c.Sections {
		sec.Title, sec.Description = chars.Clean(sec.Title), chars.Clean(sec.Description)
		c.Sections[k] = sec
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Line returns the line of a dotted key path in site.yaml, or 0.
func (c *Config) Line(path string) int { return c.lines[path] }

// Errorf returns a *diag.Diagnostic at the line of the key path.
func (c *Config) Errorf(path, format string, args ...any) *diag.Diagnostic {
	return diag.At(c.File, c.Line(path), format, args...)
}

func (c *Config) validate() error {
	if tz := strings.TrimSpace(c.Timezone); tz != "" {
		loc, err := loadLocation(tz)
		if err != nil {
			return c.Errorf("timezone", "timezone: %q is not a time zone kb knows (want an IANA name such as Europe/Paris, America/New_York or UTC)", c.Timezone)
		}
		c.loc = loc
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return c.Errorf("base_url", "base_url: %q is not an absolute URL (want https://help.example.com/)", c.BaseURL)
		}
		if !strings.HasSuffix(c.BaseURL, "/") {
			c.BaseURL += "/"
		}
	}
	if err := c.validateMarkdown(); err != nil {
		return err
	}
	if c.Feeds.Limit <= 0 {
		return c.Errorf("feeds.limit", "feeds.limit: must be a positive number, got %d", c.Feeds.Limit)
	}
	if c.Lint.StaleAfterDays < 0 {
		return c.Errorf("lint.stale_after_days", "lint.stale_after_days: must not be negative")
	}
	if c.Lint.MaxGrade <= 0 {
		return c.Errorf("lint.max_grade", "lint.max_grade: must be a positive grade level, got %v", c.Lint.MaxGrade)
	}
	if err := c.validateLint(); err != nil {
		return err
	}
	if c.Ready.WindowDays < 0 {
		return c.Errorf("ready.window_days", "ready.window_days: must not be negative")
	}
	if c.Limits.MaxFileBytes <= 0 {
		return c.Errorf("limits.max_file_bytes", "limits.max_file_bytes: must be a positive number of bytes")
	}
	if c.Limits.TemplateTimeout <= 0 {
		return c.Errorf("limits.template_timeout", "limits.template_timeout: must be a positive duration, like 10s")
	}
	for name := range c.Sections {
		if !sectionName.MatchString(name) {
			return c.Errorf("sections."+name, "sections: %q is not a valid section folder name (lowercase letters, digits, - and _)", name)
		}
	}
	if err := c.validateFeedback(); err != nil {
		return err
	}
	if u := c.Database.URL; u != "" {
		scheme, _, hasScheme := strings.Cut(u, "://")
		switch {
		case strings.TrimSpace(u) != u:
			return c.Errorf("database.url", "database.url: remove the spaces around it")
		case hasScheme && scheme != "postgres" && scheme != "postgresql":
			return c.Errorf("database.url", "database.url: %s is not a database kb knows; want postgres://user@host/db or the path of an SQLite file", scheme+"://")
		case hasScheme:
			pu, err := url.Parse(u)
			if err != nil {
				return c.Errorf("database.url", "database.url: %v", err)
			}
			// site.yaml is committed with the content, often in a public repository.
			if _, ok := pu.User.Password(); ok {
				return c.Errorf("database.url", "database.url: holds a password; keep it out of site.yaml (PGPASSWORD, ~/.pgpass, or kb report --db)")
			}
		}
	}
	for field, header := range c.Report.Tickets.Columns {
		if !slices.Contains(TicketFields, field) {
			return c.Errorf("report.tickets.columns."+field, "report.tickets.columns: unknown field %q; want one of %s", field, strings.Join(TicketFields, ", "))
		}
		if strings.TrimSpace(header) == "" {
			return c.Errorf("report.tickets.columns."+field, "report.tickets.columns.%s: want the header of the column in the CSV export", field)
		}
	}
	switch c.Report.Tickets.DateOrder {
	case "", "day-first", "month-first":
	default:
		return c.Errorf("report.tickets.date_order", "report.tickets.date_order: want day-first (31/12/2026) or month-first (12/31/2026), not %q", c.Report.Tickets.DateOrder)
	}
	for _, p := range []struct{ key, v string }{{"search.index", c.Search.Index}, {"search.log", c.Search.Log}} {
		if strings.TrimSpace(p.v) == "" {
			return c.Errorf(p.key, "%s: must not be empty", p.key)
		}
	}
	return nil
}

var sectionName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// validateFeedback checks feedback.endpoint (an http(s) URL or a site
// path) and feedback.allowed_origins (origins: scheme and host, no path),
// and writes each origin as browsers send it (lower case, no default port).
func (c *Config) validateFeedback() error {
	if e := c.Feedback.Endpoint; e != "" {
		u, err := url.Parse(e)
		switch {
		case err != nil || strings.TrimSpace(e) != e:
			return c.Errorf("feedback.endpoint", "feedback.endpoint: %q is not a URL", e)
		case u.Scheme == "" && u.Host == "" && strings.HasPrefix(e, "/") && !strings.HasPrefix(e, "//"):
		case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil:
		default:
			return c.Errorf("feedback.endpoint", "feedback.endpoint: %q is not an http(s) URL or a path on this site (want https://kb.example.com/api/feedback or /api/feedback)", e)
		}
	}
	for i, o := range c.Feedback.AllowedOrigins {
		norm, ok := Origin(o)
		if !ok {
			return c.Errorf("feedback.allowed_origins", "feedback.allowed_origins: %q is not an origin; want the scheme and host of the site that posts, like https://help.example.com (no path)", o)
		}
		c.Feedback.AllowedOrigins[i] = norm
	}
	return nil
}

// Origin returns s as a browser's Origin header writes it (scheme and host,
// lower case, without the scheme's default port), or false when s is not an
// http(s) origin: it holds a path, a query, a user or no host.
func Origin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return strings.ToLower(u.Scheme) + "://" + host, true
}

func (c *Config) validateLint() error {
	l := &c.Lint
	if l.RelatedLinks.BodyLinks < 0 {
		return c.Errorf("lint.related_links.body_links", "lint.related_links.body_links: must not be negative (0: only related: counts)")
	}
	switch l.Prerequisites.When {
	case "steps", "always":
	default:
		return c.Errorf("lint.prerequisites.when", "lint.prerequisites.when: unknown value %q (want steps or always)", l.Prerequisites.When)
	}
	switch l.Troubleshooting.When {
	case "steps", "always":
	default:
		return c.Errorf("lint.troubleshooting.when", "lint.troubleshooting.when: unknown value %q (want steps or always)", l.Troubleshooting.When)
	}
	for _, h := range []struct {
		key  string
		list []string
	}{{"lint.prerequisites.headings", l.Prerequisites.Headings}, {"lint.troubleshooting.headings", l.Troubleshooting.Headings}} {
		for i, v := range h.list {
			if strings.TrimSpace(v) == "" {
				return c.Errorf(h.key, "%s: entry %d is empty", h.key, i+1)
			}
		}
	}
	if strings.TrimSpace(l.Baseline) == "" && c.Line("lint.baseline") > 0 {
		return c.Errorf("lint.baseline", "lint.baseline: must not be empty (leave it out for no baseline)")
	}
	return nil
}

// hostName is a DNS host name, as markdown.embeds lists them.
var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

func (c *Config) validateMarkdown() error {
	m := &c.Markdown
	switch m.HTML {
	case "sanitize", "escape", "unsafe":
	case "":
		m.HTML = "sanitize"
	default:
		return c.Errorf("markdown.html", "markdown.html: unknown value %q (want sanitize, escape or unsafe)", m.HTML)
	}
	if m.Unsafe {
		if c.Line("markdown.html") > 0 && m.HTML != "unsafe" {
			return c.Errorf("markdown.unsafe", "markdown.unsafe: true contradicts markdown.html: %s; remove markdown.unsafe (it is the older spelling of html: unsafe)", m.HTML)
		}
		m.HTML = "unsafe"
	}
	for i, h := range m.Embeds {
		h = strings.TrimSpace(h)
		if !hostName.MatchString(h) {
			msg := fmt.Sprintf("markdown.embeds: %q is not a host name", h)
			if u, err := url.Parse(h); err == nil && u.Host != "" {
				msg += fmt.Sprintf("; write %s", u.Hostname())
			} else {
				msg += " (want a host like www.youtube-nocookie.com)"
			}
			return c.Errorf("markdown.embeds", "%s", msg)
		}
		m.Embeds[i] = strings.ToLower(h)
	}
	return nil
}

// Location is the site's time zone (timezone), UTC unless set.
func (c *Config) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// loadLocation loads an IANA time zone by name. The zone database is
// embedded (time/tzdata), so that a name works the same on every system,
// Windows and the distroless container included. A local time zone
// ("Local") is refused: a build must not depend on the machine it runs on.
func loadLocation(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, errors.New("not a zone name")
	}
	return time.LoadLocation(name)
}

// DefaultSectionTitles are the titles of the standard sections when
// site.yaml names none.
var DefaultSectionTitles = map[string]string{
	"articles": "How-to guides", "faq": "FAQs", "troubleshooting": "Troubleshooting", "releases": "Release notes",
}

// SectionTitle returns the display title of a section: from site.yaml,
// else the standard one (DefaultSectionTitles), else its folder name.
func (c *Config) SectionTitle(name string) string {
	if s, ok := c.Sections[name]; ok && s.Title != "" {
		return s.Title
	}
	if t, ok := DefaultSectionTitles[name]; ok {
		return t
	}
	if name == "" {
		return ""
	}
	t := strings.ReplaceAll(name, "-", " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

// AbsURL joins base_url and a site path ("/articles/x/"). Without a base_url it returns the path.
func (c *Config) AbsURL(path string) string {
	if c.BaseURL == "" {
		return path
	}
	return strings.TrimSuffix(c.BaseURL, "/") + "/" + strings.TrimPrefix(path, "/")
}

// BasePath is the path part of base_url ("/" or "/help/"), where the site is mounted.
func (c *Config) BasePath() string {
	if c.BaseURL == "" {
		return "/"
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// UnmarshalYAML accepts a list of terms or a map of term to suggestion.
func (j *Jargon) UnmarshalYAML(n *yaml.Node) error {
	*j = nil
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: lint.jargon: each entry must be a word or phrase", item.Line)}}
			}
			*j = append(*j, JargonTerm{Term: item.Value})
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: lint.jargon: the suggestion for %q must be text", v.Line, k.Value)}}
			}
			*j = append(*j, JargonTerm{Term: k.Value, Suggestion: v.Value})
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		fallthrough
	default:
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: lint.jargon: want a list of terms or a map of term: suggestion", n.Line)}}
	}
	for _, t := range *j {
		if strings.TrimSpace(t.Term) == "" {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: lint.jargon: empty term", n.Line)}}
		}
	}
	return nil
}

// UnmarshalYAML accepts [a, b, c] (two-way) or "a => b, c" (one-way).
func (s *Synonym) UnmarshalYAML(n *yaml.Node) error {
	bad := func(msg string) error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: search.synonyms: %s", n.Line, msg)}}
	}
	switch n.Kind {
	case yaml.SequenceNode:
		s.TwoWay = true
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode || strings.TrimSpace(item.Value) == "" {
				return bad("each term of a synonym group must be a non-empty word or phrase")
			}
			s.From = append(s.From, strings.TrimSpace(item.Value))
		}
		if len(s.From) < 2 {
			return bad("a synonym group needs at least two terms")
		}
		s.To = s.From
	case yaml.ScalarNode:
		from, to, ok := strings.Cut(n.Value, "=>")
		if !ok {
			return bad(fmt.Sprintf("%q: want \"term => other, another\" or a list [term, other]", n.Value))
		}
		s.From = splitTerms(from)
		s.To = splitTerms(to)
		if len(s.From) == 0 || len(s.To) == 0 {
			return bad(fmt.Sprintf("%q: both sides of => need a term", n.Value))
		}
	default:
		return bad("want a list [term, other] or a string \"term => other\"")
	}
	return nil
}

func splitTerms(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// maxLineDepth bounds the key paths recordLines stores: kb's keys are at
// most 3 deep (lint.rules.jargon), and every path of a deeply nested value
// (under params) would cost memory quadratic in its depth.
const maxLineDepth = 6

// recordLines walks a YAML mapping and stores the line of every key path,
// down to maxLineDepth.
func recordLines(n *yaml.Node, prefix string, depth int, lines map[string]int) {
	if n.Kind != yaml.MappingNode || depth >= maxLineDepth {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		lines[path] = k.Line
		recordLines(v, path, depth+1, lines)
	}
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlTags names YAML's tags in words, in the messages of yaml.v3.
var yamlTags = strings.NewReplacer("cannot unmarshal ", "cannot read ", "!!str", "text", "!!int", "a number",
	"!!float", "a number", "!!bool", "true/false", "!!seq", "a list", "!!map", "a set of keys", "!!null", "nothing",
	"!!timestamp", "a date")

// yamlError turns a yaml.v3 error into a diag.List, one Diagnostic per
// message, with the line moved from the text to the field.
func yamlError(name string, data []byte, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs diag.List
	for _, m := range msgs {
		e := &diag.Diagnostic{File: name, Level: diag.Error}
		if loc := yamlLine.FindStringSubmatchIndex(m); loc != nil {
			e.Line, _ = strconv.Atoi(m[loc[2]:loc[3]])
			m = m[:loc[0]] + m[loc[1]:]
		} else if strings.Contains(m, "control characters") || strings.Contains(m, "UTF-8") {
			e.Line = badCharLine(data) // yaml.v3 does not say where
		}
		m = strings.Replace(m, "in type config.", "in ", 1)
		m = yamlTags.Replace(m) // the backstop: words, not YAML tags
		if strings.HasPrefix(m, "field ") && strings.Contains(m, " not found in ") {
			f := strings.TrimPrefix(m, "field ")
			f = f[:strings.Index(f, " not found")]
			m = fmt.Sprintf("unknown key %q (see the site.yaml reference in README.md)", f)
		}
		e.Message = m
		errs = append(errs, e)
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return errs
}

// badCharLine is the line of the first byte YAML refuses: invalid UTF-8 or a
// control character other than tab and line ends (0 when there is none).
func badCharLine(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f, r >= 0x80 && r <= 0x9f && r != 0x85, r == 0xfffe, r == 0xffff:
			return line
		case r == '\n':
			line++
		}
		i += size
	}
	return 0
}
