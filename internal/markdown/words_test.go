package markdown

import (
	"math/rand"
	"testing"
	"unicode"
	"unicode/utf8"
)

// countWordsRef is countWords without the ASCII fast path.
func countWordsRef(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !in {
				n++
				in = true
			}
			continue
		}
		if in && (r == '\'' || r == '’' || r == '-') && i < len(s) {
			next, _ := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(next) || unicode.IsDigit(next) {
				continue
			}
		}
		in = false
	}
	return n
}

func TestCountWordsFastPath(t *testing.T) {
	pieces := []string{"a", "Z", "9", " ", "-", "'", "’", "é", "日本", "\t", ".", "x-y", "don't", "\xff", "_", "١"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var s string
		for k := rng.Intn(12); k > 0; k-- {
			s += pieces[rng.Intn(len(pieces))]
		}
		if got, want := countWords(s), countWordsRef(s); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzCountWords(f *testing.F) {
	f.Add("Reset your password, don't wait — it's two-factor.")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := countWords(s), countWordsRef(s); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	})
}
