package model

import "fmt"

// PageSize is the number of entries on one page of a section list.
const PageSize = 50

// ListPages is the number of pages a list of n entries takes: at least
// one, an empty list being a page that says so.
func ListPages(n int) int { return max((n+PageSize-1)/PageSize, 1) }

// ListURL is the URL of page i (from 1) of the list at url: url itself,
// then url + "page/i/".
func ListURL(url string, i int) string {
	if i <= 1 {
		return url
	}
	return fmt.Sprintf("%spage/%d/", url, i)
}

// TagURL is the URL of a tag's page, by the tag's slug (content.TagSlug).
func TagURL(slug string) string { return "/tags/" + slug + "/" }

// SiteURLs are the URLs every site has besides its content pages, section
// lists, tag pages and feeds: the home, search, tags and known-issues
// pages, the 404 page, the sitemap and robots.txt.
var SiteURLs = []string{"/", "/search/", "/tags/", "/known-issues/", "/404.html", "/sitemap.xml", "/robots.txt"}
