package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octoacme/kb/internal/corpus"
)

// BenchmarkServeEdit measures kb serve's edit loop on a generated site: the
// time from writing an article to the browser's reload event, over 20
// edits, and the resident memory while serving. KB_BENCH_PAGES sets the
// site size (default 1,000; the targets are for 10,000):
//
//	KB_BENCH_PAGES=10000 go test ./cmd/kb -run '^$' -bench ServeEdit -benchtime 1x
//
// live-MiB is the live heap while serving, after a collection; with
// KB_HEAP_PROFILE=file the benchmark writes a heap profile of it there.
func BenchmarkServeEdit(b *testing.B) {
	pages := 1000
	if v, err := strconv.Atoi(os.Getenv("KB_BENCH_PAGES")); err == nil && v > 0 {
		pages = v
	}
	dir := b.TempDir()
	if _, err := corpus.Generate(dir, corpus.Options{Pages: pages, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.Setenv("SOURCE_DATE_EPOCH", "1795737600")
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		base := startServe(b, "-s", dir)
		firstBuild := time.Since(start)
		resp, err := http.Get(base + "_kb/events")
		if err != nil {
			b.Fatal(err)
		}
		events := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(nil, 4<<20) // a full rebuild's event names every page
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					events <- data
				}
			}
			close(events)
		}()
		<-events // hello
		files, _ := filepath.Glob(filepath.Join(dir, "content/articles/*.md"))
		file := files[len(files)/2]
		orig, _ := os.ReadFile(file)
		var lat []time.Duration
		for i := 0; i < 20; i++ {
			edited := strings.Replace(string(orig), "## Steps", fmt.Sprintf("Edit %d.\n\n## Steps", i), 1)
			t0 := time.Now()
			if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
				b.Fatal(err)
			}
			for {
				data, ok := <-events
				if !ok {
					b.Fatal("event stream closed")
				}
				var ev struct{ Kind string }
				json.Unmarshal([]byte(data), &ev)
				if ev.Kind == "reload" {
					break
				}
				if ev.Kind == "status" && strings.Contains(get(b, base+"_kb/status"), `"errors":[{`) {
					b.Fatalf("edit %d gave problems instead of a reload", i)
				}
				// Another status event: a rebuild that changed no output (the
				// editor's write seen in two batches); the reload is still to come.
			}
			lat = append(lat, time.Since(t0))
			time.Sleep(50 * time.Millisecond)
		}
		resp.Body.Close()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "worst-ms")
		b.ReportMetric(firstBuild.Seconds(), "first-build-s")
		b.ReportMetric(float64(rssMiB()), "rss-MiB")
		runtime.GC()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(live)
		b.ReportMetric(float64(live[0].Value.Uint64())/(1<<20), "live-MiB")
		if p := os.Getenv("KB_HEAP_PROFILE"); p != "" {
			if f, err := os.Create(p); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		os.WriteFile(file, orig, 0o644)
	}
}

// rssMiB is the resident memory of this process.
func rssMiB() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb / 1024
		}
	}
	return 0
}
