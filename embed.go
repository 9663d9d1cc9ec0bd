// Package kb holds the default theme that the kb binary embeds: the
// templates of layouts/ and the CSS and JavaScript of static/css and
// static/js. A site's own layouts/ and static/ files override these file by
// file. (The sample site's images in static/images are content, not theme,
// and are not embedded.)
package kb

import "embed"

// Theme is the default theme: layouts/… and static/css/…, static/js/….
//
//go:embed layouts static/css static/js
var Theme embed.FS
