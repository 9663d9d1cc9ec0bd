package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckPathRefusesFolders: kb replaces the index folder on every
// build, so search.index must name an index or nothing.
func TestCheckPathRefusesFolders(t *testing.T) {
	site := t.TempDir()
	os.MkdirAll(filepath.Join(site, "content"), 0o755)
	os.MkdirAll(filepath.Join(site, ".kb", "search.bleve"), 0o755)
	os.WriteFile(filepath.Join(site, ".kb", "search.bleve", "index_meta.json"), []byte("{}"), 0o644)
	os.WriteFile(filepath.Join(site, "notes.txt"), []byte("x"), 0o644)
	out := filepath.Join(site, "public")
	for p, ok := range map[string]bool{".": false, "content": false, "notes.txt": false, "..": false, ".kb/search.bleve": true, ".kb/new.bleve": true, "public/x": false} {
		err := CheckPath(filepath.Join(site, p), out)
		if (err == nil) != ok {
			t.Errorf("search.index %s: %v", p, err)
		}
	}
}

// FuzzTokenize checks the tokenizer's contract (see tokenize): tokens in
// order, inside the text, lowercase, at most maxTokenRunes, and each one
// its own single token when tokenized again, so that a query finds what
// the index holds.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Can't sign in", "AUTH-401 3.7.0", "É́cole naïve", "İstanbul ǅemal", "a’b ’c d’", "1.2.", ".5",
		"\xff\xfeab", "٣.٤", "ﬃ ẞ", "a\u0301\u0301", strings.Repeat("x", 41), "x.y 1.x", "ﾟ", "Σσς"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, tok := range tokenize(text) {
			if tok.Start < end || tok.End <= tok.Start || tok.End > len(text) {
				t.Fatalf("%q: token %+v out of order or range", text, tok)
			}
			end = tok.End
			if tok.Text == "" || !utf8.ValidString(tok.Text) || utf8.RuneCountInString(tok.Text) > maxTokenRunes {
				t.Fatalf("%q: bad token %+v", text, tok)
			}
			again := tokenize(tok.Text)
			if len(again) != 1 || again[0].Text != tok.Text {
				t.Fatalf("%q: token %q tokenizes again as %+v", text, tok.Text, again)
			}
		}
	})
}

// FuzzAnalyzer runs every analyzer of the index on arbitrary text: valid
// UTF-8 terms with offsets inside the text, never a stop word in a text
// field.
func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"How do I reset my password?", "the and of", "invoices billing's", "\x00\xff", "ĲSSELMEER", "3.7.0-rc.1"} {
		f.Add(s)
	}
	analyzers := []kbAnalyzer{{}}
	for _, s := range Stemmers {
		analyzers = append(analyzers, kbAnalyzer{text: true, stemmer: s})
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, a := range analyzers {
			for _, tok := range a.Analyze([]byte(text)) {
				if len(tok.Term) == 0 || !utf8.Valid(tok.Term) || tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End {
					t.Fatalf("%+v on %q: token %q [%d,%d)", a, text, tok.Term, tok.Start, tok.End)
				}
				if a.text && a.stemmer == NoStemmer && isStop(string(tok.Term)) {
					t.Fatalf("%+v on %q: stop word %q kept", a, text, tok.Term)
				}
			}
		}
	})
}
