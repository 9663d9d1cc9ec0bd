// Package kb holds the default theme that the kb binary embeds: the
// templates of layouts/, the CSS and JavaScript of static/css and static/js,
// and the icon static/favicon.svg. A site's own layouts/ and static/ files
// override these file by file (static/favicon.svg for the site's own icon).
// (The sample site's images in static/images are content, not theme, and
// are not embedded.)
package kb

import "embed"

// Theme is the default theme: layouts/…, static/css/…, static/js/… and
// static/favicon.svg.
//
//go:embed layouts static/css static/js static/favicon.svg
var Theme embed.FS
