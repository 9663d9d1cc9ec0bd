package diag

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "content/x.md", Line: 12, Col: 5, Level: Error, Rule: "jargon", Message: `say "use"`}, `content/x.md:12:5: error: jargon: say "use"`},
		{Diagnostic{File: "content/x.md", Line: 3, Col: 7, Level: Error, Message: "title: want text"}, "content/x.md:3: title: want text"},
		{Diagnostic{File: "site.yaml", Message: "support.liaison is not set"}, "site.yaml: support.liaison is not set"},
		{Diagnostic{Message: "site folder x is not a folder"}, "site folder x is not a folder"},
		// a finding stays on one line whatever its page holds
		{Diagnostic{File: "a\nb.md", Line: 1, Col: 1, Level: Warning, Rule: "title", Message: "x\ny\u202ez"}, `a b.md:1:1: warning: title: x y\u202ez`},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.d, got, tc.want)
		}
		if got := tc.d.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestListIsAnError(t *testing.T) {
	l := List{At("site.yaml", 3, "first"), At("site.yaml", 1, "second")}
	l.Sort()
	if got, want := l.Error(), "site.yaml:1: second\nsite.yaml:3: first"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var d *Diagnostic
	if err := fmt.Errorf("loading: %w", l.Err()); !errors.As(err, &d) || d.Line != 1 {
		t.Errorf("errors.As found %v", d)
	}
	if (List{}).Err() != nil {
		t.Error("an empty list is an error")
	}
}

func TestSortAndCount(t *testing.T) {
	list := []Diagnostic{
		{File: "b.md", Line: 1, Col: 1, Rule: "title", Level: Warning},
		{File: "a.md", Line: 2, Col: 1, Rule: "orphan", Level: Note},
		{File: "a.md", Line: 2, Col: 1, Rule: "jargon", Level: Error},
	}
	Sort(list)
	if list[0].Rule != "jargon" || list[1].Rule != "orphan" || list[2].File != "b.md" {
		t.Errorf("sorted: %v", list)
	}
	if Count(list, Error) != 1 || Count(list, Warning) != 1 || Count(list, Off) != 0 {
		t.Errorf("counts wrong: %v", list)
	}
}

// TestJSON: the JSON form is kb lint's finding; Field and LineHash stay out.
func TestJSON(t *testing.T) {
	b, err := json.Marshal(Diagnostic{File: "x.md", Line: 1, Col: 2, EndLine: 1, EndCol: 4, Rule: "r", Level: Note, Message: "m", Fingerprint: "f", Field: "title", LineHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"file":"x.md","line":1,"column":2,"end_line":1,"end_column":4,"rule":"r","level":"note","message":"m","fingerprint":"f"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var l Level
	if err := l.UnmarshalText([]byte("warning")); err != nil || l != Warning {
		t.Errorf("UnmarshalText = %v, %v", l, err)
	}
	if err := l.UnmarshalText([]byte("loud")); err == nil {
		t.Error("an unknown level parsed")
	}
}
