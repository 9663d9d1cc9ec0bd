// Package themetest checks kb's default theme (layouts/ and static/ at the
// repository root) in a real browser. It has no code of its own: its tests
// build the sample help center, serve it as kb serve --no-watch serves a
// site (gzip, cache headers, and the Content-Security-Policy that allows
// only the theme's own inline scripts, by hash), and open it in headless
// Debian Chromium through chromedp (package browsertest).
//
//   - TestAxe runs axe-core on a page of every kind (home, section, article,
//     FAQ, troubleshooting, release notes, a release, known issues, search
//     with results, topics, 404), in the light and the dark scheme, at a
//     desktop and a phone width, and fails on any violation or any error in
//     the browser's console (a refused script, a missing file).
//   - TestLighthouse runs Lighthouse on the home, article, search and release
//     pages, light and dark, desktop and mobile, and wants a score of 0.95 or
//     more in performance, accessibility, best practices and SEO.
//   - TestColorScheme covers the theme toggle: the system's scheme by default
//     and without JavaScript, the reader's choice kept across pages and
//     applied before the first paint, the button's name and state;
//     TestDarkPalettesAgree keeps kb.css's two copies of the dark palette
//     the same.
//   - TestNarrowScreens: error codes never broken after their hyphen at
//     phone widths, with JavaScript and without; no page wider than a
//     320 px screen.
//   - TestNavigation: "In this section" and the previous and next links
//     under an article, the previous and next release links under a
//     release, each leading where it says and back, at desktop and phone
//     widths.
//   - TestIssueStatusWording: release pages say a known issue's status as
//     the known-issues page does, and list their sections on the right.
//   - TestDocumentedScriptHashes: docs/reliability.md gives static hosts the
//     hashes of the theme's inline scripts that kb serve allows.
//   - TestScreenshots keeps the screenshots of docs/theme.md: run with
//     -screenshots to take them again from the built sample site.
//
// axe-core and Lighthouse come from npm: .ci/run installs pinned versions
// under .ci/tools (or set KB_AXE_JS to axe.min.js and KB_LIGHTHOUSE to
// Lighthouse's cli/index.js). Without them, or without Chromium, the tests
// that need them are skipped, unless KB_CI is set: then they fail.
package themetest
