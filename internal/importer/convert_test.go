package importer

import (
	"strings"
	"testing"
)

// convertCase imports one page of a kind and checks its kb body and the
// constructs the report lists for it.
type convertCase struct {
	name  string
	page  string   // the page's source (front matter and body)
	want  string   // the kb body
	left  []string // constructs reported for the page, in order
	extra map[string]string
}

func runConvert(t *testing.T, kind, config, pagePath, outPath string, cases []convertCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{pagePath: tc.page}
			name, data, _ := strings.Cut(config, "\n")
			files[name] = data
			for k, v := range tc.extra {
				files[k] = v
			}
			out, rep := importFiles(t, kind, files)
			if got := body(t, out, outPath); got != tc.want {
				t.Errorf("body:\n%s\nwant:\n%s", got, tc.want)
			}
			var left []string
			for _, f := range rep.Findings {
				if f.File == outPath && f.Construct != "no updated date" {
					left = append(left, f.Construct)
				}
			}
			if strings.Join(left, "|") != strings.Join(tc.left, "|") {
				t.Errorf("reported %q, want %q", left, tc.left)
			}
		})
	}
}

func TestConvertMkDocs(t *testing.T) {
	runConvert(t, "mkdocs", "mkdocs.yml\nsite_name: D\n", "docs/a/p.md", "content/a/p.md", []convertCase{
		{name: "admonition in a list item", page: "1. Step one\n\n    !!! note\n        Inside the list.\n\n2. Step two\n",
			want: "1. Step one\n\n    > [!NOTE]\n    > Inside the list.\n\n2. Step two\n"},
		{name: "custom type and empty title", page: "!!! custom \"Read this\"\n    A.\n\n!!! tip \"\"\n    B.\n",
			want: "> [!NOTE]\n> **Read this**\n>\n> A.\n\n> [!TIP]\n> B.\n"},
		{name: "custom type without title shows its name", page: "!!! sparkle\n    A.\n",
			want: "> [!NOTE]\n> **Sparkle**\n>\n> A.\n"},
		{name: "nested admonitions", page: "!!! warning\n    Outer.\n\n    !!! danger\n        Inner.\n",
			want: "> [!WARNING]\n> Outer.\n>\n> > [!CAUTION]\n> > Inner.\n"},
		{name: "tabs with nested code", page: "=== \"A\"\n\n    ```sh\n    run a\n    ```\n\n=== \"B *b*\"\n\n    Text.\n",
			want: "**A**\n\n```sh\nrun a\n```\n\n**B \\*b\\***\n\nText.\n"},
		{name: "admonition marker in code is code", page: "```\n!!! note\n    x\n```\n",
			want: "```\n!!! note\n    x\n```\n"},
		{name: "abbreviation and snippet are reported", page: "The HTML spec.\n\n*[HTML]: Hyper Text\n\n--8<-- \"x.md\"\n",
			want: "The HTML spec.\n\n*[HTML]: Hyper Text\n\n--8<-- \"x.md\"\n", left: []string{"abbreviation", "snippet include --8<--"}},
		{name: "heading IDs and links to them", page: "## First { #one }\n\n## First\n\nSee [one](#one) and [other](p.md#one).\n",
			want: "## First\n\n## First\n\nSee [one](#first) and [other](/a/p/#first).\n"},
		{name: "reference link before an inline link to a longer path", page: "See [c][c] and [here](../a/c/index.md).\n\n[c]: c/index.md\n",
			extra: map[string]string{"docs/a/c/index.md": "# C\n"},
			want:  "See [c][c] and [here](/a/c/).\n\n[c]: /a/c/\n"},
	})
}

func TestConvertDocusaurus(t *testing.T) {
	runConvert(t, "docusaurus", "docusaurus.config.js\nmodule.exports = {title: 'D', url: 'https://d.example', baseUrl: '/'};\n",
		"docs/a/p.mdx", "content/docs/a/p.md", []convertCase{
			{name: "nested admonitions", page: "::::tip Outer\nA.\n:::note\nB.\n:::\n::::\n",
				want: "> [!TIP]\n> **Outer**\n>\n> A.\n>\n> > [!NOTE]\n> > B.\n"},
			{name: "same-count nesting", page: ":::info\nA.\n:::warning\nB.\n:::\nC.\n:::\n",
				want: "> [!NOTE]\n> A.\n>\n> > [!WARNING]\n> > B.\n>\n> C.\n"},
			{name: "title attribute, caution is a warning", page: ":::caution{title=\"Careful\"}\nA.\n:::\n",
				want: "> [!WARNING]\n> **Careful**\n>\n> A.\n"},
			{name: "unclosed admonition is reported", page: ":::note\nA.\n",
				want: ":::note\nA.\n", left: []string{"admonition :::"}},
			{name: "tabs labelled by values", page: "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n" +
				"<Tabs\n  defaultValue=\"a\"\n  values={[\n    {label: 'Apple', value: 'a'},\n    {label: 'Orange', value: 'o'},\n  ]}>\n" +
				"<TabItem value=\"a\">\n\nRed.\n\n</TabItem>\n<TabItem value=\"o\">Orange.</TabItem>\n</Tabs>\n",
				want: "**Apple**\n\nRed.\n\n**Orange**\n\nOrange.\n"},
			{name: "links to doc URLs, files and static", page: "[b](/docs/a/b) [b2](./b.md) [s](@site/static/f.pdf) ![i](/img/x.png)\n",
				extra: map[string]string{"docs/a/b.md": "---\ntitle: B\n---\nB.\n", "static/f.pdf": "pdf", "static/img/x.png": "png"},
				want:  "[b](/docs/a/b/) [b2](/docs/a/b/) [s](/f.pdf) ![i](/img/x.png)\n"},
			{name: "JSX and expressions are reported", page: "<Foo bar={1} />\n\nIt takes {2 * 3} days. Escaped \\{not this\\}.\n",
				want: "<Foo bar={1} />\n\nIt takes {2 * 3} days. Escaped \\{not this\\}.\n",
				left: []string{"MDX component <Foo>", "MDX expression {…}"}},
		})
}

func TestConvertJekyll(t *testing.T) {
	runConvert(t, "jekyll", "_config.yml\ntitle: Site\nbaseurl: /help\nshow: yes\n", "docs/p.md", "content/docs/p.md", []convertCase{
		{name: "class after the paragraph", page: "---\ntitle: P\n---\nCareful now.\n{: .warning }\n",
			want: "> [!WARNING]\n> Careful now.\n"},
		{name: "heading ID on the next line", page: "## Set up\n{: #setup}\n\nSee [above](#setup).\n",
			want: "## Set up\n\nSee [above](#set-up).\n"},
		{name: "variables", page: "---\ntitle: P\n---\n{{ page.title }} on {{ site.title }}: [x]({{ '/docs/p/' | relative_url }}) {{ site.show }}\n",
			want: "P on Site: [x](/docs/p/) yes\n"},
		{name: "highlight with linenos, raw in prose", page: "{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}\n\n{% raw %}{{ kept }}{% endraw %}\n",
			want: "```ruby\nputs 1\n```\n\n{{ kept }}\n", left: []string{"Liquid variable {{ }}"}},
		{name: "include with a variable is left", page: "{% capture c %}Hi{% endcapture %}\n{% include note.html content=c %}\n",
			want: "{% capture c %}Hi{% endcapture %}\n{% include note.html content=c %}\n", left: []string{"Liquid tag {% capture %}", "Liquid include"}},
		{name: "callout include in a list keeps the indent", page: "1. Step\n\n   {% include tip.html content=\"A tip.\" %}\n",
			want: "1. Step\n\n   > [!TIP]\n   > A tip.\n"},
	})
}

func TestConvertHugo(t *testing.T) {
	runConvert(t, "hugo", "hugo.toml\ntitle = 'H'\n[params]\nemail = 'help@h.example'\n", "content/docs/p.md", "content/docs/p.md", []convertCase{
		{name: "unknown paired shortcode keeps converting inside", page: "{{< box >}}\n{{% note %}}N.{{% /note %}}\n{{< /box >}}\n",
			want: "{{< box >}}\n> [!NOTE]\n> N.\n\n{{< /box >}}\n", left: []string{"Hugo shortcode {{< box >}}"}},
		{name: "ref to a missing page is left", page: "[x]({{< ref \"nope.md\" >}})\n",
			want: "[x]({{< ref \"nope.md\" >}})\n", left: []string{"Hugo shortcode {{< ref >}}"}},
		{name: "ref to a heading ID", page: "[x]({{< ref \"q.md#custom\" >}}) [y]({{< relref \"/docs/q\" >}})\n",
			extra: map[string]string{"content/docs/q.md": "---\ntitle: Q\n---\n## The part {#custom}\n"},
			want:  "[x](/docs/q/#the-part) [y](/docs/q/)\n"},
		{name: "params and escaped shortcodes", page: "Mail {{< param email >}}. Write `{{</* note */>}}`.\n",
			want: "Mail help@h.example. Write `{{< note >}}`.\n"},
		{name: "hint, notice, callout", page: "{{< hint warning >}}W{{< /hint >}}\n\n{{% notice info \"T\" %}}I{{% /notice %}}\n\n{{< callout type=\"error\" >}}E{{< /callout >}}\n",
			want: "> [!WARNING]\n> W\n\n> [!NOTE]\n> **T**\n>\n> I\n\n> [!CAUTION]\n> E\n"},
		{name: "figure with link and caption", page: "{{< figure src=\"/i.png\" alt=\"A\" link=\"https://x.example\" caption=\"Cap\" >}}\n",
			extra: map[string]string{"static/i.png": "png"},
			want:  "[![A](/i.png)](https://x.example)\n\n*Cap*\n"},
	})
}

// Links to headings written against the IDs the source generator made
// lead to the same headings in kb, whose IDs are GitHub's.
func TestSourceHeadingIDs(t *testing.T) {
	runConvert(t, "hugo", "hugo.toml\ntitle = 'H'\n[markup.goldmark.parser]\nautoHeadingIDType = 'blackfriday'\n",
		"content/docs/p.md", "content/docs/p.md", []convertCase{
			{name: "hugo blackfriday", page: "## :backend:path/to/dir\n\n## Making your own client_id\n\n## Making your own client_id\n\n" +
				"See [a](#backend-path-to-dir), [b](/docs/p/#making-your-own-client-id), [c](#making-your-own-client-id-1) and [d](q.md#import-export).\n",
				extra: map[string]string{"content/docs/q.md": "---\ntitle: Q\n---\n## Import/Export\n"},
				want: "## :backend:path/to/dir\n\n## Making your own client_id\n\n## Making your own client_id\n\n" +
					"See [a](#backendpathtodir), [b](/docs/p/#making-your-own-client_id), [c](#making-your-own-client_id-1) and [d](/docs/q/#importexport).\n"},
		})
	runConvert(t, "hugo", "hugo.yaml\ntitle: H\nmarkup:\n  goldmark:\n    parser:\n      autoHeadingIDType: github-ascii\n",
		"content/docs/p.md", "content/docs/p.md", []convertCase{
			{name: "hugo github-ascii", page: "## Café & Crème\n\nSee [a](#cafe--creme).\n",
				want: "## Café & Crème\n\nSee [a](#café--crème).\n"},
		})
	runConvert(t, "hugo", "hugo.toml\ntitle = 'H'\n", "content/docs/p.md", "content/docs/p.md", []convertCase{
		{name: "hugo github is kb's", page: "## Café & Crème\n\nSee [a](#café--crème) and [b](#cafe-creme).\n",
			want: "## Café & Crème\n\nSee [a](#café--crème) and [b](#cafe-creme).\n"},
	})
	runConvert(t, "mkdocs", "mkdocs.yml\nsite_name: D\n", "docs/a/p.md", "content/a/p.md", []convertCase{
		{name: "mkdocs toc slugify", page: "## User & Directory\n\n## Import/Export\n\n## Import/Export\n\n## Ünïcode `code_x`\n\n## ???\n\n" +
			"See [a](#user-directory), [b](#importexport), [c](#importexport_1), [d](#unicode-code_x) and [e](#_1).\n",
			want: "## User & Directory\n\n## Import/Export\n\n## Import/Export\n\n## Ünïcode `code_x`\n\n## ???\n\n" +
				"See [a](#user--directory), [b](#importexport), [c](#importexport-1), [d](#ünïcode-code_x) and [e](#section).\n"},
	})
	runConvert(t, "mkdocs", "mkdocs.yml\nsite_name: D\nmarkdown_extensions:\n  - toc:\n      permalink: true\n      separator: _\n      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n",
		"docs/a/p.md", "content/a/p.md", []convertCase{
			{name: "mkdocs slugify_unicode and separator", page: "## Ünïcode and more\n\nSee [a](#ünïcode_and_more).\n",
				want: "## Ünïcode and more\n\nSee [a](#ünïcode-and-more).\n"},
		})
	runConvert(t, "mkdocs", "mkdocs.yml\nsite_name: D\nmarkdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
		"docs/a/p.md", "content/a/p.md", []convertCase{
			{name: "mkdocs pymdownx slugs are left", page: "## User & Directory\n\nSee [a](#user-directory).\n",
				want: "## User & Directory\n\nSee [a](#user-directory).\n"},
		})
}

// A bare URL into the old site whose page or heading moved keeps its
// text and leads to the kb URL; one that did not move is left alone.
func TestBareURLsIntoTheSite(t *testing.T) {
	runConvert(t, "hugo", "hugo.toml\ntitle = 'H'\nbaseURL = 'https://h.example/'\n[markup.goldmark.parser]\nautoHeadingIDType = 'blackfriday'\n",
		"content/p.md", "content/articles/p.md", []convertCase{
			{name: "bare URLs", page: "See https://h.example/docs/q/#import-export, <https://h.example/p/> and https://h.example/docs/q/.\n",
				extra: map[string]string{"content/docs/q.md": "---\ntitle: Q\n---\n## Import/Export\n"},
				want:  "See [https://h.example/docs/q/#import-export](/docs/q/#importexport), [https://h.example/p/](/articles/p/) and https://h.example/docs/q/.\n"},
		})
}
