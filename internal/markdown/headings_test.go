package markdown

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestManyHeadings(t *testing.T) {
	src := strings.Repeat("## Same heading\n\n", 8000)
	start := time.Now()
	d, _ := New(Options{}).Convert([]byte(src), "/")
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("8,000 identical headings took %v", el)
	}
	if d.Headings[7999].ID != "same-heading-7999" {
		t.Errorf("last id %q", d.Headings[7999].ID)
	}
}

// TestAnalyzeMatchesConvert: lint reads Analyze's documents and must see
// exactly what the rendered page has.
func TestAnalyzeMatchesConvert(t *testing.T) {
	src := []byte("# T\n\n## Steps\n\n1. Open [x](/a/#b).\n\n   ![Alt](/i.png)\n\n| a |\n|---|\n| b |\n\n<!-- kb-lint-disable jargon -->\n\n## Is it?\n\nYes.\n")
	c := New(Options{})
	full, err := c.Convert(src, "/x/")
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.Analyze(src)
	if err != nil {
		t.Fatal(err)
	}
	full.HTML = ""
	if !reflect.DeepEqual(full, text) {
		t.Errorf("Analyze differs from Convert:\n%+v\n%+v", text, full)
	}
}
