package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressCleared: however a build ends, the bar is off the line
// before the summary or an error is printed: what follows the last
// carriage return is blank.
func TestProgressCleared(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.start = time.Now().Add(-2 * time.Second) // a build that has run a while
	p.set(3, 10)                               // and stops before the end
	if !strings.Contains(buf.String(), "rendering") {
		t.Fatalf("no bar drawn: %q", buf.String())
	}
	p.clear()
	out := buf.String()
	last := out[strings.LastIndex(out, "\r")+1:]
	if strings.TrimSpace(last) != "" || !strings.HasSuffix(out, "\r") {
		t.Errorf("the bar is still on the line: %q", out)
	}
	n := buf.Len()
	p.set(4, 10) // a late report from a renderer draws nothing
	if buf.Len() != n {
		t.Errorf("drawn again after clear: %q", buf.String()[n:])
	}
	var none *progressBar
	none.clear() // a build without a bar
}
