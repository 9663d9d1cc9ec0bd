package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeScheduled: the preview shows a page scheduled for later with a
// "Scheduled" badge giving its moment; the production server (--no-watch)
// answers 404 for it, unless --future, which marks it the same way.
func TestServeScheduled(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795737600") // 27 November 2026
	dir := writeFiles(t, map[string]string{
		"site.yaml": "title: Scheduled\ntimezone: Europe/Paris\n",
		"content/articles/now.md": "---\ntitle: A page published now\ndescription: Here.\nupdated: 2026-11-01\n" +
			"related: [https://example.com/help]\n---\nText.\n",
		"content/articles/soon.md": "---\ntitle: A page published soon\ndescription: Not yet.\nupdated: 2026-11-01\n" +
			"publish_date: 2026-12-01T09:30\nrelated: [https://example.com/help]\n---\nText.\n",
	})
	// html/template writes the + of the offset as &#43; in an attribute.
	const badge = `<span class="badge badge--scheduled">Scheduled: <time datetime="2026-12-01T09:30:00&#43;01:00">1 December 2026, 09:30 CET</time></span>`
	get := func(base, path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for _, tc := range []struct {
		args   []string
		status int
	}{
		{nil, 200},
		{[]string{"--no-watch"}, 404},
		{[]string{"--no-watch", "--future"}, 200},
	} {
		base := startServe(t, append([]string{"-s", dir}, tc.args...)...)
		status, page := get(base, "articles/soon/")
		if status != tc.status {
			t.Errorf("%v: /articles/soon/ answers %d, want %d", tc.args, status, tc.status)
		}
		_, list := get(base, "articles/")
		if tc.status == 200 && (!strings.Contains(page, badge) || !strings.Contains(list, badge)) {
			t.Errorf("%v: the page or the section list lacks %s", tc.args, badge)
		}
		if tc.status == 404 && strings.Contains(list, "A page published soon") {
			t.Errorf("%v: the section list shows the scheduled page", tc.args)
		}
		if _, now := get(base, "articles/now/"); strings.Contains(now, "badge--scheduled") {
			t.Errorf("%v: a published page is marked scheduled", tc.args)
		}
	}
}
