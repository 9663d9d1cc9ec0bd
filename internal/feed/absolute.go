package feed

import (
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes whose values are URLs (srcset holds several).
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "poster": true, "cite": true}

// Absolutize resolves every relative URL in the href, src, srcset, poster
// and cite attributes of an HTML fragment against base, so that the
// fragment works away from the site (in a feed reader). "/help/x/" becomes
// "https://host/help/x/", "#top" becomes base#top; absolute URLs, mailto:
// and other schemes are left alone. Tags without a relative URL and all text
// are copied byte for byte.
func Absolutize(s string, base *url.URL) string {
	if base == nil || !strings.ContainsAny(s, "<") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return s // cannot happen with a strings.Reader; keep the input
			}
			b.Write(z.Raw()) // an unfinished tag at the end
			return b.String()
		}
		raw := string(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.WriteString(raw)
			continue
		}
		tok := z.Token()
		changed := false
		for i, a := range tok.Attr {
			if a.Namespace != "" || !urlAttrs[a.Key] {
				continue
			}
			v := resolve(base, a.Val)
			if a.Key == "srcset" {
				v = resolveSrcset(base, a.Val)
			}
			if v != a.Val {
				tok.Attr[i].Val = v
				changed = true
			}
		}
		if changed {
			b.WriteString(tok.String())
		} else {
			b.WriteString(raw)
		}
	}
}

// resolve makes one relative URL absolute; anything else comes back as is.
func resolve(base *url.URL, v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return v
	}
	u, err := url.Parse(t)
	if err != nil || u.Scheme != "" {
		return v
	}
	return base.ResolveReference(u).String()
}

// resolveSrcset resolves each candidate of a srcset ("a.png 1x, b.png 2x").
func resolveSrcset(base *url.URL, v string) string {
	parts := strings.Split(v, ",")
	for i, c := range parts {
		f := strings.Fields(c)
		if len(f) == 0 {
			continue
		}
		f[0] = resolve(base, f[0])
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}
