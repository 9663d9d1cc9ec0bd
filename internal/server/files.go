package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"path"
	"strings"
	"sync"
	"time"
)

// File is one file of a built site held in memory.
type File struct {
	Data        []byte
	ContentType string
	ETag        string
	ModTime     time.Time

	gzOnce sync.Once
	gz     []byte
}

// Snapshot is an immutable snapshot of a built site: files by slash path
// ("articles/x/index.html") and redirects from alias paths to page URLs.
type Snapshot struct {
	Files     map[string]*File
	Redirects map[string]string
}

// NewSnapshot makes a snapshot from files. Files whose bytes did not change
// since prev keep their modification time, so conditional GETs keep working
// across rebuilds.
func NewSnapshot(files map[string][]byte, redirects map[string]string, prev *Snapshot, now time.Time) *Snapshot {
	s := &Snapshot{Files: make(map[string]*File, len(files)), Redirects: redirects}
	for name, data := range files {
		if prev != nil {
			// An incremental rebuild hands over the same byte slices for the
			// files it did not render: reuse them without hashing again.
			if old, ok := prev.Files[name]; ok && sameSlice(old.Data, data) {
				s.Files[name] = old
				continue
			}
		}
		sum := sha256.Sum256(data)
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		mod := now
		if prev != nil {
			if old, ok := prev.Files[name]; ok && old.ETag == etag {
				mod = old.ModTime
			}
		}
		s.Files[name] = &File{Data: data, ContentType: contentType(name), ETag: etag, ModTime: mod.UTC().Truncate(time.Second)}
	}
	return s
}

func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Gzip returns the file's bytes gzip-compressed, computed once.
func (f *File) Gzip() []byte {
	f.gzOnce.Do(func() {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		w.Write(f.Data)
		w.Close()
		f.gz = buf.Bytes()
	})
	return f.gz
}

// Compressible reports whether gzip is worth it for the file's type.
func (f *File) Compressible() bool {
	ct := f.ContentType
	return len(f.Data) > 512 && (strings.HasPrefix(ct, "text/") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "json") || strings.Contains(ct, "xml") || strings.Contains(ct, "svg"))
}

var types = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
	".xml":   "application/xml; charset=utf-8",
	".atom":  "application/atom+xml; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/x-icon",
	".pdf":   "application/pdf",
	".woff2": "font/woff2",
	".bin":   "application/octet-stream",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
