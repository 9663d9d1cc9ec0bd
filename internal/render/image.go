package render

import (
	"bytes"
	"image"
	_ "image/gif" // registers GIF for DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// ImageSizer returns a lookup of image sizes by URL path ("/images/x.png")
// in the theme's static files, for <img width height>. Results are cached.
func (t *Theme) ImageSizer() func(string) (int, int, bool) {
	type size struct {
		w, h int
		ok   bool
	}
	var cache sync.Map
	return func(p string) (int, int, bool) {
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p = p[:i]
		}
		p = strings.TrimPrefix(p, "/")
		if v, ok := cache.Load(p); ok {
			s := v.(size)
			return s.w, s.h, s.ok
		}
		var s size
		if f, err := t.Static.Open(p); err == nil {
			s.w, s.h, s.ok = imageSize(f, p)
			f.Close()
		}
		cache.Store(p, s)
		return s.w, s.h, s.ok
	}
}

func imageSize(f fs.File, name string) (int, int, bool) {
	if strings.HasSuffix(strings.ToLower(name), ".svg") {
		head := make([]byte, 4096)
		n, _ := io.ReadFull(f, head)
		return svgSize(head[:n])
	}
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}

var (
	svgTag     = regexp.MustCompile(`(?s)<svg\b[^>]*>`)
	svgWidth   = regexp.MustCompile(`\swidth\s*=\s*["']\s*([0-9.]+)(?:px)?\s*["']`)
	svgHeight  = regexp.MustCompile(`\sheight\s*=\s*["']\s*([0-9.]+)(?:px)?\s*["']`)
	svgViewBox = regexp.MustCompile(`\sviewBox\s*=\s*["']\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)\s*["']`)
)

// svgSize reads the intrinsic size of an SVG from its width and height, or its viewBox.
func svgSize(b []byte) (int, int, bool) {
	tag := svgTag.Find(b)
	if tag == nil {
		return 0, 0, false
	}
	num := func(re *regexp.Regexp, i int) (int, bool) {
		m := re.FindSubmatch(tag)
		if m == nil {
			return 0, false
		}
		v, err := strconv.ParseFloat(string(m[i]), 64)
		if err != nil || v <= 0 || v > 100000 {
			return 0, false
		}
		return int(v + 0.5), true
	}
	w, okw := num(svgWidth, 1)
	h, okh := num(svgHeight, 1)
	if okw && okh {
		return w, h, true
	}
	w, okw = num(svgViewBox, 1)
	h, okh = num(svgViewBox, 2)
	if okw && okh && !bytes.Contains(tag, []byte("%")) {
		return w, h, true
	}
	return 0, 0, false
}
