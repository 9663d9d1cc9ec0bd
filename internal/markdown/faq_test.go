package markdown

import (
	"strings"
	"testing"
)

// TestQuestions: FAQ questions as headings at any level, with or without a
// Q: prefix, and as bold paragraphs, each with its answer and an ID the
// HTML carries.
func TestQuestions(t *testing.T) {
	src := "Intro text.\n\n" +
		"## Billing\n\n" +
		"### Q: How do I pay?\n\nWith a card.\n\n#### Details\n\nOr an invoice.\n\n" +
		"### Can I get a refund?\n\nWithin 30 days.\n\n" +
		"## Account\n\nAbout accounts.\n\n" +
		"**How do I change my email?**\nOpen Settings.\n\nThen save.\n\n" +
		"**Q: Can I have two accounts?**\n\nNo.\n\n" +
		"**Q. Where is the export**\n\nUnder Data.\n\n" +
		"**Not a question.** Just bold.\n\n" +
		"- **In a list?** Not a question.\n\n" +
		"> **Quoted?** Not one either.\n\n" +
		"# Q: Top level?\n\nYes.\n\n" +
		"## Question: No question mark\n\nStill a question.\n\n" +
		"## Why?\n\n**Why not?**\n\nBecause.\n\n## Contact\n\nWrite to us.\n"
	d := convert(t, Options{}, src)
	type qa struct{ q, id, a string }
	var got []qa
	for _, q := range d.Questions() {
		got = append(got, qa{q.Heading.Text, q.Heading.ID, q.Answer})
	}
	want := []qa{
		{"How do I pay?", "q-how-do-i-pay", "With a card. Or an invoice."},
		{"Can I get a refund?", "can-i-get-a-refund", "Within 30 days."},
		{"How do I change my email?", "how-do-i-change-my-email", "Open Settings. Then save."},
		{"Can I have two accounts?", "can-i-have-two-accounts", "No."},
		{"Where is the export", "where-is-the-export", "Under Data. Not a question. Just bold. In a list? Not a question. Quoted? Not one either."},
		{"Top level?", "q-top-level", "Yes."},
		{"No question mark", "question-no-question-mark", "Still a question."},
		{"Why?", "why", ""},
		{"Why not?", "why-not", "Because."},
	}
	if len(got) != len(want) {
		t.Fatalf("questions:\n%q\nwant\n%q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("question %d = %q, want %q", i, got[i], want[i])
		}
	}
	html := string(d.HTML)
	for _, w := range []string{`<p id="how-do-i-change-my-email"><strong>How do I change my email?</strong>`,
		`<p id="can-i-have-two-accounts"><strong>Q: Can I have two accounts?</strong></p>`, `<p><strong>Not a question.</strong>`} {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in\n%s", w, html)
		}
	}
	if strings.Join(d.IDs, " ") != "how-do-i-change-my-email can-i-have-two-accounts where-is-the-export why-not" {
		t.Errorf("IDs = %q", d.IDs)
	}
}

// TestQuestionIDsAfterHeadings: a bold question does not move the IDs
// of the headings, which stay GitHub's.
func TestQuestionIDsAfterHeadings(t *testing.T) {
	d := convert(t, Options{}, "**Pay?**\n\nYes.\n\n## Pay?\n\nAlso yes.\n")
	if d.Headings[0].ID != "pay" || len(d.IDs) != 1 || d.IDs[0] != "pay-1" {
		t.Errorf("heading %q, bold question %q", d.Headings[0].ID, d.IDs)
	}
}
