package feedback

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var maskCases = []struct{ in, want string }{
	{"write to jo.smith+kb@mail.example.co.uk please", "write to [email] please"},
	{"Jörg@beispiel.de", "[email]"},
	{"call +1 (425) 882-8080 today", "call [phone] today"},
	{"call 0117 496 0123.", "call [phone]."},
	{"my number: 555.123.4567", "my number: [phone]"},
	{"tel 06-12-34-56-78", "tel [phone]"},
	{"(020) 7946 0018", "[phone]"},
	{"card 4111 1111 1111 1111 expired", "card [number] expired"},
	{"order 12345678", "order [phone]"},
	// Not phone numbers.
	{"updated 2026-11-17 10:30", "updated 2026-11-17 10:30"},
	{"since 17/11/2026, version 3.7.0.12", "since 17/11/2026, version 3.7.0.12"},
	{"error AUTH-4011234 on login", "error AUTH-4011234 on login"},
	{"error 0x80070005", "error 0x80070005"},
	{"ticket OCTO-4821 and v12345678", "ticket OCTO-4821 and v12345678"},
	{"ref #1234567", "ref #1234567"},
	{"only 123456 here", "only 123456 here"},
	{"1 2 3", "1 2 3"},
	{"2026-11-17 5551234567", "2026-11-17 [phone]"},
	{"Chrome 120.0.6099.109 on Windows 10.0.19045.3693", "Chrome 120.0.6099.109 on Windows 10.0.19045.3693"},
	{"appelez le 06.12.34.56.78", "appelez le [phone]"},
	{"at 10:30 555 123 4567", "at 10:30 [phone]"},
	{"", ""},
}

func TestMask(t *testing.T) {
	for _, c := range maskCases {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, c := range maskCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := Mask(s)
		if utf8.ValidString(s) && !utf8.ValidString(m) {
			t.Fatalf("Mask(%q) = %q is not UTF-8", s, m)
		}
		if emailRE.MatchString(m) {
			t.Fatalf("Mask(%q) = %q still holds an email address", s, m)
		}
		if again := Mask(m); again != m {
			t.Fatalf("Mask is not stable: %q → %q → %q", s, m, again)
		}
		if !strings.Contains(s, "@") && !strings.ContainsAny(s, "0123456789") && m != s {
			t.Fatalf("Mask(%q) = %q changed text with no address or digit", s, m)
		}
	})
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":               "203.0.113.9",
		"203.0.113.9:4431":          "203.0.113.9",
		"::ffff:203.0.113.9":        "203.0.113.9",
		"[2001:db8:1:2:3:4:5:6]:80": "2001:db8:1:2::/64",
		"2001:db8:1:2::ff%eth0":     "2001:db8:1:2::/64",
		" not an address ":          "not an address",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
