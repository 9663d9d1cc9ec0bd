package themetest

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/octoacme/kb/internal/browsertest"
)

var screenshots = flag.Bool("screenshots", false, "take the screenshots of docs/theme.md again (docs/img/theme-*.png)")

// shotPages are the pages docs/theme.md shows, with the element that says
// the page is ready, and for a view further down the page the element
// scrolled to the bottom of the screen.
var shotPages = []struct{ name, path, ready, scroll string }{
	{"home", "/", "main", ""},
	{"article", "/articles/create-an-api-token/", ".code__copy", ""},
	{"search", "/search/?q=password", ".kb-results__list .kb-hit", ""},
	{"release", "/releases/3-7-0/", "main", ""},
	{"article-end", "/articles/create-an-api-token/", ".code__copy", `nav[aria-label="In this section"]`},
	{"release-end", "/releases/3-6-0/", "main", `nav[aria-label="Previous and next releases"]`},
}

// shotLimit keeps the screenshots small enough to sit in the repository.
const shotLimit = 150 * 1024

// shotName is the file name of a page's screenshot in a view.
func shotName(page string, v view) string { return "theme-" + page + "-" + v.Name + ".png" }

// TestScreenshots checks that docs/theme.md shows every screenshot the
// theme's documentation promises (each page in each view), and that each is
// a PNG under 150 KB. With -screenshots it first takes them again, from the
// sample site, at 1280×900 (desktop) and 390×844 (phone) CSS pixels.
func TestScreenshots(t *testing.T) {
	docs := filepath.Join(root, "docs")
	if *screenshots {
		takeScreenshots(t, filepath.Join(docs, "img"))
	}
	md, err := os.ReadFile(filepath.Join(docs, "theme.md"))
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, m := range regexp.MustCompile(`\]\(img/(theme-[^)]+\.png)\)`).FindAllSubmatch(md, -1) {
		linked[string(m[1])] = true
	}
	for _, p := range shotPages {
		for _, v := range views {
			name := shotName(p.name, v)
			if !linked[name] {
				t.Errorf("docs/theme.md does not show img/%s", name)
			}
			delete(linked, name)
			data, err := os.ReadFile(filepath.Join(docs, "img", name))
			if err != nil {
				t.Errorf("%v (go test ./internal/themetest -run TestScreenshots -screenshots takes it)", err)
				continue
			}
			if len(data) > shotLimit {
				t.Errorf("docs/img/%s is %d bytes, over %d", name, len(data), shotLimit)
			}
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("docs/img/%s: %v", name, err)
			}
		}
	}
	for name := range linked {
		t.Errorf("docs/theme.md shows img/%s, which no test takes", name)
	}
}

func takeScreenshots(t *testing.T, dir string) {
	t.Helper()
	base := serveSample(t)
	b := browsertest.New(t, 3*time.Minute)
	for _, v := range views {
		v.Mobile = false // a phone's width, at one device pixel per CSS pixel: smaller files
		if err := chromedp.Do(b.Ctx, emulate(v)); err != nil {
			t.Fatal(err)
		}
		for _, p := range shotPages {
			err := chromedp.Do(b.Ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)),
				// no caret, no hover: the same picture every time
				chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
			if err == nil && p.scroll != "" {
				err = chromedp.Do(b.Ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(p.scroll)+`).scrollIntoView({block: "end", behavior: "instant"})`),
					chromedp.Sleep(200*time.Millisecond))
			}
			if err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			shot, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatal(err)
			}
			if err := writePNG(filepath.Join(dir, shotName(p.name, v)), img); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// writePNG writes the image as an 8-bit PNG: its 256 most frequent
// colours, every other pixel mapped to the nearest of them (a screenshot of
// flat colours and anti-aliased text loses next to nothing), with the best
// compression Go's encoder has; a third of the bytes of the full-colour file.
func writePNG(path string, img image.Image) error {
	if !strings.HasSuffix(path, ".png") {
		return fmt.Errorf("%s: not a .png name", path)
	}
	b := img.Bounds()
	count := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := make([]color.RGBA, 0, len(count))
	for c := range count {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool {
		if count[colors[i]] != count[colors[j]] {
			return count[colors[i]] > count[colors[j]]
		}
		return fmt.Sprint(colors[i]) < fmt.Sprint(colors[j])
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colors[:min(256, len(colors))] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	draw.Draw(out, b, img, b.Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
