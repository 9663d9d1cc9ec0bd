package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Floor does for every page under dir/content what any generator built on
// goldmark must at least do, and nothing more: read the file, split off its
// front matter, and parse and render the body with goldmark and its GFM
// extensions (tables, strikethrough, autolinks, task lists), on GOMAXPROCS
// goroutines. The HTML is discarded. kb build's time is measured against it
// (docs/performance.md). It returns the number of pages and their bytes.
func Floor(dir string) (pages int, size int64, err error) {
	var files []string
	err = filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	sort.Strings(files)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	var (
		next  atomic.Int64
		total atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				src, rerr := os.ReadFile(files[i])
				if rerr == nil {
					out.Reset()
					rerr = md.Convert(Body(src), &out)
				}
				if rerr != nil {
					mu.Lock()
					if err == nil {
						err = rerr
					}
					mu.Unlock()
					return
				}
				total.Add(int64(len(src)))
			}
		}()
	}
	wg.Wait()
	return len(files), total.Load(), err
}

// Body returns a page's Markdown after its "---" front matter.
func Body(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return src
	}
	if i := bytes.Index(src[3:], []byte("\n---\n")); i >= 0 {
		return src[3+i+5:]
	}
	return src
}
