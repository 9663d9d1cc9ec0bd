package lint

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestSyllables(t *testing.T) {
	// Counts from a dictionary (Merriam-Webster's hyphenation).
	for w, want := range map[string]int{
		"the": 1, "cat": 1, "readability": 5, "syllable": 3, "simple": 2, "table": 2, "while": 1, "file": 1,
		"mobile": 2, "available": 4, "because": 2, "every": 2, "everyone": 3, "someone": 2, "something": 2,
		"using": 2, "making": 2, "nothing": 2, "used": 1, "signed": 1, "wanted": 2, "updated": 3, "changes": 2,
		"pages": 2, "uses": 2, "files": 1, "titles": 2, "issues": 2, "invoices": 3, "safely": 2, "statement": 2,
		"useful": 2, "family": 3, "only": 2, "apply": 2, "management": 3, "document": 3, "video": 3, "actual": 3,
		"language": 2, "quality": 3, "medium": 3, "radio": 3, "option": 2, "version": 2, "region": 2,
		"million": 2, "various": 3, "period": 3, "special": 2, "initial": 3, "password": 2, "settings": 2,
		"select": 2, "enable": 3, "email": 2, "workspace": 2, "update": 2, "device": 2, "beyond": 2,
		"player": 2, "you": 1, "year": 1, "guide": 1, "unique": 2, "continue": 3, "value": 2, "queue": 1,
		"people": 2, "business": 2, "create": 2, "created": 3, "idea": 3, "authentication": 5,
		"organization": 5, "notification": 5, "integration": 4, "administrator": 5, "automatically": 6,
		"immediately": 5, "successfully": 4, "unfortunately": 5, "application": 4, "configuration": 5,
		"identity": 4, "provider": 3, "certificate": 4, "different": 3, "interesting": 4, "chocolate": 3,
		"camera": 3, "beautiful": 3, "liked": 1, "asked": 1, "opened": 2,
		// Acronyms are read letter by letter; numbers roughly by digit.
		"SSO": 3, "API": 3, "2FA": 3, "sign-in": 2, "30": 2,
	} {
		if got := wordSyllables(w); got != want {
			t.Errorf("syllables(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestMeasure(t *testing.T) {
	for _, tc := range []struct {
		text                        string
		words, sentences, syllables int
	}{
		{"The cat sat on the mat.", 6, 1, 6},
		{"Go to Settings. Select Save! Done?", 6, 3, 8},
		{"A list item without a full stop", 7, 1, 9},
		{"See e.g. the guide. Then stop.", 6, 2, 7}, // e.g. is read as two letters
		{"You see . Reconnect Slack.", 4, 2, 6},     // a code span left ". " behind
		{"Wait… then retry.", 3, 2, 4},
		{"", 0, 0, 0},
		{"— –", 0, 0, 0},
	} {
		s := measure(tc.text)
		if s.words != tc.words || s.sentences != tc.sentences || s.syllables != tc.syllables {
			t.Errorf("measure(%q) = %+v, want %d words, %d sentences, %d syllables", tc.text, s, tc.words, tc.sentences, tc.syllables)
		}
	}
}

func TestGrade(t *testing.T) {
	for _, tc := range []struct {
		text        string
		grade, ease float64
		tolerance   float64
	}{
		// 6 one-syllable words: grade 0.39·6 + 11.8 − 15.59, ease 206.835 − 1.015·6 − 84.6.
		{"The cat sat on the mat.", -1.45, 116.15, 0.01},
		// The example of Wikipedia's "Flesch–Kincaid readability tests": reading ease 37.5.
		{"The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.", 11.3, 37.5, 0.1},
		// Plain support prose stays well under grade 9.
		{"Open the app. Select Settings. Then select Sign out. You are now signed out on this device.", 1.7, 95, 1.5},
		// Long sentences of long words are hard: 20 words, 76 syllables by the dictionary.
		{"Administrators configuring organizational authentication integrations should consider the implications of certificate expiration notifications, particularly regarding automatically synchronized identity provider configurations.", 37.05, -134.94, 0.01},
	} {
		s := measure(tc.text)
		if g := s.grade(); math.Abs(g-tc.grade) > tc.tolerance {
			t.Errorf("grade(%q) = %.2f, want %.2f±%.2f (%+v)", tc.text, g, tc.grade, tc.tolerance, s)
		}
		if e := s.ease(); math.Abs(e-tc.ease) > tc.tolerance*8 {
			t.Errorf("ease(%q) = %.2f, want %.2f (%+v)", tc.text, e, tc.ease, s)
		}
	}
}

func TestReadabilityRule(t *testing.T) {
	hard := "Administrators configuring organizational authentication integrations should consider the implications of certificate expiration notifications, particularly regarding automatically synchronized identity provider configurations. "
	easy := "Open the app and go to the page. "
	runCases(t, []ruleCase{
		{name: "readability hard prose, at the hardest paragraph",
			files: map[string]string{"content/articles/x.md": fm + strings.Repeat(easy, 2) + "\n\n" + strings.Repeat(hard, 4) + "\n\n- " + strings.Repeat(easy, 3) + "\n"},
			want:  []string{"content/articles/x.md:9:1: warning: readability"}, msg: "above 9 (lint.max_grade)"},
		{name: "readability pages under 100 words are skipped",
			files: map[string]string{"content/articles/x.md": fm + strings.Repeat(hard, 3) + "\n"},
			want:  nil},
		{name: "readability headings, tables and code do not count",
			files: map[string]string{"content/articles/x.md": fm + "## " + hard + "\n\n| " + hard + " |\n|---|\n| " + hard + " |\n\n```\n" + strings.Repeat(hard, 5) + "\n```\n\n" + strings.Repeat(easy, 20) + "\n"},
			want:  nil},
		{name: "readability follows lint.max_grade",
			files: map[string]string{"content/articles/x.md": fm + strings.Repeat("Select the button to save your changes to this page. ", 12) + "\n",
				"site.yaml": "lint:\n  max_grade: 3\n"},
			want: []string{"content/articles/x.md:7:1: warning: readability"}},
	})
}

// TestSyllableCache: the cache gives partSyllables' count for every word,
// found again or after another word took its slot, short or long.
func TestSyllableCache(t *testing.T) {
	c := newSyllableCache()
	var words []string
	for i := 0; i < 3*syllableSlots; i++ { // more words than slots: clashes
		words = append(words, fmt.Sprintf("word%dx", i), fmt.Sprintf("Ünïcode%d", i%97))
	}
	words = append(words, "a", "SSO", "2FA", "15", strings.Repeat("ab", 20), strings.Repeat("é", 9), "don't", "ion")
	for round := 0; round < 2; round++ {
		for _, w := range words {
			if got, want := c.count(w), uint8(min(partSyllables(w), 255)); got != want {
				t.Fatalf("count(%q) = %d, want %d", w, got, want)
			}
		}
	}
}
