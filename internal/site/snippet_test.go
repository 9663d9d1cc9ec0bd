package site

import "testing"

func TestTerminalSnippet(t *testing.T) {
	in := "It starts with <code><mark>octo</mark>_pat_</code> &amp; more"
	if got, want := terminalSnippet(in, false), "It starts with `[octo]_pat_` & more"; got != want {
		t.Errorf("off a terminal: %q, want %q", got, want)
	}
	if got, want := terminalSnippet(in, true), "It starts with `\x1b[1;4mocto\x1b[0m_pat_` & more"; got != want {
		t.Errorf("on a terminal: %q, want %q", got, want)
	}
}
