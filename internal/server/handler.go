package server

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Handler serves the current snapshot of a built site, and the extra
// endpoints of kb serve: the API under /api/ (HandleAPI), and in watch
// mode the live-reload events and the lint overlay under /_kb/.
type Handler struct {
	site atomic.Pointer[Snapshot]
	// api are the endpoints under /api/, by path.
	api map[string]endpoint
	// Live, when set, injects the live-reload script into HTML pages and
	// serves /_kb/ endpoints.
	Live *Live
	// Hosts, when set, are the Host header values answered; other
	// requests get a 403 (the preview's guard against DNS rebinding).
	Hosts *Hosts
	// FormAction and ConnectSrc list extra origins forms may post to and
	// scripts may send requests to (the feedback endpoint).
	FormAction, ConnectSrc []string
	// FrameSrc lists the origins pages may frame (markdown.embeds).
	FrameSrc []string
	// scripts holds the hash sources of the inline scripts the policy
	// allows (see SetScriptHashes).
	scripts atomic.Pointer[[]string]
	// Log receives recovered panics and errors; nil logs to the standard logger.
	Log *log.Logger
}

// endpoint is an API endpoint and the methods it answers.
type endpoint struct {
	h     http.Handler
	allow string // "GET, HEAD"
}

// HandleAPI serves the API endpoint path ("/api/search") with h, for the
// given methods (GET and HEAD when none are given): another method gets
// 405 with an Allow header, as every path of the site does. Call it
// before serving.
func (h *Handler) HandleAPI(path string, handler http.Handler, methods ...string) {
	if h.api == nil {
		h.api = map[string]endpoint{}
	}
	if len(methods) == 0 {
		methods = []string{http.MethodGet, http.MethodHead}
	}
	h.api[path] = endpoint{h: handler, allow: strings.Join(methods, ", ")}
}

// SetSnapshot swaps in a new snapshot; requests in flight finish on the old one.
func (h *Handler) SetSnapshot(s *Snapshot) { h.site.Store(s) }

// Snapshot returns the current snapshot.
func (h *Handler) Snapshot() *Snapshot { return h.site.Load() }

func (h *Handler) logf(format string, args ...any) {
	if h.Log != nil {
		h.Log.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.logf("kb serve: panic serving %s: %v\n%s", r.URL.Path, v, debug.Stack())
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}
	}()
	h.securityHeaders(w)
	if h.Hosts != nil && !h.Hosts.Allowed(r.Host) {
		http.Error(w, "403 forbidden: this kb serve answers only requests for localhost, its own address "+
			"and --allowed-hosts names (a guard against DNS rebinding)", http.StatusForbidden)
		return
	}
	p := r.URL.Path
	ep, isAPI := h.api[p]
	allow := "GET, HEAD"
	if isAPI {
		allow = ep.allow
	}
	if !slices.Contains(strings.Split(allow, ", "), r.Method) {
		w.Header().Set("Allow", allow)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case isAPI:
		ep.h.ServeHTTP(w, r)
		return
	case strings.HasPrefix(p, "/api/"):
		http.Error(w, "not found", http.StatusNotFound)
		return
	case strings.HasPrefix(p, "/_kb/"):
		if h.Live != nil {
			h.Live.ServeHTTP(w, r)
			return
		}
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	h.serveFile(w, r)
}

// SetScriptHashes sets the inline scripts the Content-Security-Policy
// allows, as hash sources (ScriptHashes of the theme): no other inline
// script runs, whatever the content holds. Safe while serving.
func (h *Handler) SetScriptHashes(hashes []string) {
	h.scripts.Store(&hashes)
}

// securityHeaders are sent with every response.
func (h *Handler) securityHeaders(w http.ResponseWriter) {
	hd := w.Header()
	form, connect := "'self'", "'self'"
	for _, o := range h.FormAction {
		form += " " + o
	}
	for _, o := range h.ConnectSrc {
		connect += " " + o
	}
	script := "'self'"
	if p := h.scripts.Load(); p != nil {
		for _, s := range *p {
			script += " " + s
		}
	}
	hd.Set("Content-Security-Policy", contentSecurityPolicy(script, connect, form, h.FrameSrc))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	hd.Set("X-Frame-Options", "DENY")
}

// resolve maps a URL path to a file of the site, or says where to redirect.
// It works on the decoded path and refuses anything that is not a clean,
// relative path inside the site.
func resolve(s *Snapshot, p string) (name string, redirect string, ok bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return "", "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "", "", false
		}
	}
	clean := path.Clean(p)
	if clean != p && clean+"/" != p {
		return "", "", false
	}
	if to, ok := s.Redirects[strings.TrimSuffix(p, "/")+"/"]; ok {
		return "", to, true
	}
	rel := strings.TrimPrefix(p, "/")
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
		if _, ok := s.Files[rel]; ok {
			return rel, "", true
		}
		return "", "", false
	}
	if _, ok := s.Files[rel]; ok {
		return rel, "", true
	}
	if _, ok := s.Files[rel+"/index.html"]; ok {
		return "", p + "/", true // clean URLs: /articles/x → /articles/x/
	}
	return "", "", false
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request) {
	s := h.site.Load()
	if s == nil {
		http.Error(w, "the site is still building; reload in a moment", http.StatusServiceUnavailable)
		return
	}
	name, redirect, ok := resolve(s, r.URL.Path)
	if redirect != "" {
		u := url.URL{Path: redirect, RawQuery: r.URL.RawQuery}
		http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
		return
	}
	status := http.StatusOK
	if !ok {
		name, status = "404.html", http.StatusNotFound
		if _, has := s.Files[name]; !has {
			http.Error(w, "page not found", http.StatusNotFound)
			return
		}
	}
	f := s.Files[name]
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	if status == http.StatusOK {
		hd.Set("ETag", f.ETag)
		hd.Set("Last-Modified", f.ModTime.Format(http.TimeFormat))
		hd.Set("Cache-Control", cacheControl(name, h.Live != nil))
		if notModified(r, f) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	data := f.Data
	if h.Live != nil && strings.HasSuffix(name, ".html") {
		data = h.Live.inject(data)
	}
	hd.Add("Vary", "Accept-Encoding")
	if f.Compressible() && acceptsGzip(r) && len(data) == len(f.Data) {
		data = f.Gzip()
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// cacheControl: hashed assets forever, the rest revalidated.
func cacheControl(name string, live bool) string {
	if live {
		return "no-cache"
	}
	if isHashed(name) {
		return "public, max-age=31536000, immutable"
	}
	return "public, max-age=300, must-revalidate"
}

func isHashed(name string) bool {
	base := path.Base(name)
	parts := strings.Split(base, ".")
	if len(parts) < 3 {
		return false
	}
	h := parts[len(parts)-2]
	if len(h) < 8 {
		return false
	}
	for _, c := range h {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

func notModified(r *http.Request, f *File) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			if t == f.ETag || t == "W/"+f.ETag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !f.ModTime.After(t) {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) != "gzip" {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}
