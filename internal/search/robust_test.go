package search

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMalformedQueryString: r.URL.Query() drops a parameter it cannot
// decode, so q=%zz searched for nothing and answered 200; a malformed
// query string is a 400.
func TestMalformedQueryString(t *testing.T) {
	h, _ := newTestHandler(t)
	for _, raw := range []string{"q=%zz", "q=%", "q=a%2", "q=a;b", "q=password&limit=%", "%zz=1&q=password"} {
		code, body := get(t, h, raw)
		if code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "malformed") {
			t.Errorf("%s: %d %v", raw, code, body)
		}
	}
	if code, _ := get(t, h, "q=reset+password"); code != 200 {
		t.Errorf("a good query: %d", code)
	}
}

// TestZeroResultLogCapped: every query without hits is logged, and kb
// serve may face the internet; the log stops at MaxLogBytes instead of
// filling the disk.
func TestZeroResultLogCapped(t *testing.T) {
	h, logPath := newTestHandler(t)
	os.MkdirAll(filepath.Dir(logPath), 0o755)
	line := `{"time":"2026-11-20T09:30:00Z","query":"` + strings.Repeat("x", 80) + `","filters":{},"hits":0}` + "\n"
	if err := os.WriteFile(logPath, []byte(strings.Repeat(line, MaxLogBytes/len(line))), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if code, _ := get(t, h, "q=zzqx+"+strings.Repeat("y", 200)); code != 200 {
			t.Fatal(code)
		}
	}
	if st, err := os.Stat(logPath); err != nil || st.Size() > MaxLogBytes || st.Size() < MaxLogBytes-300 {
		t.Errorf("log of %d bytes, cap %d (%v)", st.Size(), MaxLogBytes, err)
	}
}

// TestZeroResultLogOnlyInItsOwnFile: search.log naming a file kb did not
// write (a shell profile) must not let queries from the internet append
// to it; an empty or new file is fine.
func TestZeroResultLogOnlyInItsOwnFile(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, ".bashrc")
	os.WriteFile(rc, []byte("export PATH=/usr/bin\n"), 0o644)
	h := NewHandler(sampleIndex(t), rc)
	if code, _ := get(t, h, "q=zzqx+qqzzx+$(xqzq)"); code != 200 {
		t.Fatal(code)
	}
	if data, _ := os.ReadFile(rc); string(data) != "export PATH=/usr/bin\n" {
		t.Errorf("a query was written into another file: %q", data)
	}
	h = NewHandler(sampleIndex(t), filepath.Join(dir, "log.jsonl"))
	get(t, h, "q=zzqx+qqzzx")
	get(t, h, "q=qqzzx+zzqx")
	if data, _ := os.ReadFile(filepath.Join(dir, "log.jsonl")); strings.Count(string(data), `{"time":`) != 2 {
		t.Errorf("log: %q", data)
	}
}

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

// FuzzHandler sends arbitrary query strings to the JSON API: 200 with hits
// or 400 with an error, always JSON, never a 500.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"q=reset+password", "q=%zz", "q=a;b", "q=sign+in&prefix=1&facets=0&limit=6", "q=x&type=faq&product=Desktop",
		"limit=0", "q=" + strings.Repeat("a+", 40), "q=%ff", "q=&&&", "q=\"unbalanced", "type=%3Cscript%3E"} {
		f.Add(s)
	}
	h := NewHandler(sampleIndex(f), "")
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/search", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%q: %d, not JSON: %q", raw, rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case 200:
			if _, ok := body["hits"].([]any); !ok {
				t.Fatalf("%q: 200 without hits: %v", raw, body)
			}
		case 400:
			if msg, _ := body["error"].(string); msg == "" {
				t.Fatalf("%q: 400 without error: %v", raw, body)
			}
		default:
			t.Fatalf("%q: status %d: %v", raw, rec.Code, body)
		}
	})
}
