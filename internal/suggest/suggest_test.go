package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"title", "tags", "base_url", "date", "drafts", "description", "updated"}
	for _, tc := range []struct{ in, want string }{
		{"tagz", "tags"},
		{"baseurl", "base_url"},
		{"Base-URL", "base_url"},
		{"titel", "title"}, // a swap is one edit
		{"Title", "title"},
		{"dafts", "drafts"},
		{"descripton", "description"},
		{"note", ""}, // two edits from date: too far for four letters
		{"weight", ""},
		{"title", ""}, // known: nothing to suggest
		{"", ""},
		{string(make([]byte, 200)), ""},
	} {
		if got := Closest(tc.in, keys); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
