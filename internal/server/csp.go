package server

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"regexp"
	"sort"
	"strings"
)

// contentSecurityPolicy is the policy kb serve sends: script-src,
// connect-src and form-action as given (the feedback widget's fetch and
// its form post to feedback.endpoint); frame-src 'self' and the origins of
// markdown.embeds when there are any (otherwise default-src 'self' keeps
// every other site's frames out). style-src allows inline styles: GFM
// tables align cells with style attributes, and the live-reload overlay
// styles itself.
func contentSecurityPolicy(script, connect, form string, frames []string) string {
	p := "default-src 'self'; script-src " + script + "; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
	if len(frames) > 0 {
		p += "frame-src 'self' " + strings.Join(frames, " ") + "; "
	}
	return p + "connect-src " + connect + "; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action " + form
}

// inlineScript matches a classic inline script: a <script> element without
// attributes (so no src, no type), as the default theme writes its
// one-line "JavaScript is on" marker in the <head>.
var inlineScript = regexp.MustCompile(`(?is)<script>(.*?)</script>`)

// ScriptHashes returns the Content-Security-Policy hash sources
// ('sha256-…') of the inline scripts in the layouts of the given theme
// file systems (each holding a layouts/ folder). Scripts with template
// actions are left out: their text depends on the page. kb serve allows
// exactly these inline scripts, the theme's own; one that content brings
// (with markdown.unsafe) or that a layout builds from data is refused.
// Give the site folder as package sitefs opens it, which refuses a layout
// that is a link to a file the build would not read (os.DirFS follows it).
func ScriptHashes(themes ...fs.FS) []string {
	seen := map[string]bool{}
	for _, t := range themes {
		if t == nil {
			continue
		}
		_ = fs.WalkDir(t, "layouts", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
				return nil
			}
			src, err := fs.ReadFile(t, p)
			if err != nil {
				return nil
			}
			for _, m := range inlineScript.FindAllSubmatch(src, -1) {
				if !strings.Contains(string(m[1]), "{{") {
					seen[Hash(m[1])] = true
				}
			}
			return nil
		})
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// Hash is the CSP hash source of a script's text.
func Hash(script []byte) string {
	sum := sha256.Sum256(script)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
