package search

import (
	"strings"

	"github.com/octoacme/kb/internal/config"
)

// BuiltinSynonyms are the support vocabulary kb knows without site.yaml:
// the customer's device for the platform the docs name, and the common
// ways of saying sign in, sign out, sign up and closing an account. A
// site's own entry for a word replaces the built-in one (Synonyms), and
// site.yaml's search.builtin_synonyms: false turns them all off.
// docs/search.md lists them (a test checks).
var BuiltinSynonyms = []config.Synonym{
	oneWay("iphone", "ios"),
	oneWay("ipad", "ios", "ipados"),
	oneWay("mac", "macos"),
	oneWay("macbook", "macos", "mac"),
	oneWay("imac", "macos", "mac"),
	oneWay("osx", "macos"),
	oneWay("os x", "macos"),
	oneWay("pc", "windows"),
	oneWay("chromebook", "chromeos", "chrome os"),
	oneWay("cellphone", "mobile", "phone"),
	oneWay("forgot password", "reset password"),
	twoWay("sign in", "log in", "login", "signin", "log on", "logon"),
	twoWay("sign out", "log out", "logout", "signout", "log off"),
	twoWay("sign up", "signup"),
	twoWay("delete account", "remove account", "cancel account", "close account"),
	twoWay("2fa", "two factor", "mfa", "multi factor"),
}

func oneWay(from string, to ...string) config.Synonym {
	return config.Synonym{From: []string{from}, To: to}
}

func twoWay(terms ...string) config.Synonym {
	return config.Synonym{From: terms, To: terms, TwoWay: true}
}

// Synonyms returns the synonyms a site searches with: its own, then the
// built-in ones (unless turned off) for the words it has no entry for.
func Synonyms(c config.Search) []config.Synonym {
	out := append([]config.Synonym(nil), c.Synonyms...)
	if c.BuiltinSynonyms != nil && !*c.BuiltinSynonyms {
		return out
	}
	plain := kbAnalyzer{}
	site := map[string]bool{}
	for _, s := range c.Synonyms {
		for _, f := range s.From {
			site[strings.Join(plain.terms(f), " ")] = true
		}
	}
	for _, b := range BuiltinSynonyms {
		var from []string
		for _, f := range b.From {
			if !site[strings.Join(plain.terms(f), " ")] {
				from = append(from, f)
			}
		}
		if len(from) > 0 {
			out = append(out, config.Synonym{From: from, To: b.To, TwoWay: b.TwoWay})
		}
	}
	return out
}

// synonymTable expands query words at query time. Entries are matched on
// plain terms (tokenized, lowercased), longest first, so multi-word entries
// such as "sign in" work, and each match becomes a group of alternatives.
type synonymTable struct {
	entries map[string][]synEntry // by first term
	vocab   map[string]bool
}

type synEntry struct {
	terms []string // the entry as plain terms
	alts  []string // alts[0] is the entry itself, then what it stands for
}

func newSynonymTable(syns []config.Synonym) *synonymTable {
	t := &synonymTable{entries: map[string][]synEntry{}, vocab: map[string]bool{}}
	plain := kbAnalyzer{}
	add := func(from string, to []string) {
		terms := plain.terms(from)
		if len(terms) == 0 {
			return
		}
		key := strings.Join(terms, " ")
		for _, w := range terms {
			t.vocab[w] = true
		}
		var alts []string
		for _, x := range to {
			if x := strings.Join(plain.terms(x), " "); x != "" && x != key {
				alts = append(alts, x)
			}
		}
		for i, e := range t.entries[terms[0]] {
			if strings.Join(e.terms, " ") == key {
				t.entries[terms[0]][i].alts = appendNew(e.alts, alts...)
				return
			}
		}
		t.entries[terms[0]] = append(t.entries[terms[0]], synEntry{terms: terms, alts: appendNew([]string{key}, alts...)})
	}
	for _, s := range syns {
		for _, from := range s.From {
			add(from, s.To)
		}
		if !s.TwoWay {
			for _, to := range s.To {
				for _, w := range plain.terms(to) {
					t.vocab[w] = true
				}
			}
		}
	}
	return t
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		dup := false
		for _, x := range list {
			if x == m {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, m)
		}
	}
	return list
}

// known reports whether a plain term appears in any synonym entry.
func (t *synonymTable) known(w string) bool { return t != nil && t.vocab[w] }

// match splits words into spans: synonym matches (longest entry first,
// left to right) and single words.
func (t *synonymTable) match(words []string) []span {
	var out []span
	for i := 0; i < len(words); {
		var best *synEntry
		if t != nil {
			for j, e := range t.entries[words[i]] {
				if len(e.terms) <= len(words)-i && equalTerms(e.terms, words[i:i+len(e.terms)]) &&
					(best == nil || len(e.terms) > len(best.terms)) {
					best = &t.entries[words[i]][j]
				}
			}
		}
		if best == nil {
			out = append(out, span{from: i, to: i + 1, alts: []string{words[i]}})
			i++
			continue
		}
		out = append(out, span{from: i, to: i + len(best.terms), alts: best.alts})
		i += len(best.terms)
	}
	return out
}

func equalTerms(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
