package site

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory. A build holds every page (its metadata, HTML and plain text)
// from loading to the end, and the search index builder adds the analysed
// text of the part of the pages each core is indexing. The garbage
// collector lets the heap grow to twice the live data by default, and the
// index builder raises that to five times while it runs (to collect less
// often).
//
// During a build, kb sets a soft memory limit instead: memoryFloor, or
// headroom times the live heap less memorySlack when that is more. The
// collector works harder only when the heap nears the limit, and the limit
// follows the live heap up, always at least 144 MiB above it, so that it
// never makes the collector run without end (a limit below the live heap
// would); on a large site it nears the collector's default pace of twice
// the live heap. The live heap of a 10,000-page build peaks under 300 MB,
// so its limit stays at the floor and the build peaks at about 490 MiB
// resident (it was 2 × live, at least 512 MiB: about 600 MiB resident);
// a GOMEMLIMIT in the environment replaces the limit, either way (see
// docs/performance.md).
const (
	memoryFloor = 448 << 20
	// headroom is the heap the limit allows per byte of live data, less
	// memorySlack: the crossing is at a live heap of 304 MiB.
	headroom    = 2
	memorySlack = 160 << 20
	// memoryPoll is how often the live heap is read.
	memoryPoll = 20 * time.Millisecond
)

// limitMemory sets the soft memory limit for a build, unless GOMEMLIMIT
// set one, and returns the function that ends the build's limit.
func limitMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(-1)
	if prev < memoryFloor {
		return func() {} // the program set a lower limit: keep it
	}
	debug.SetMemoryLimit(memoryFloor)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var live uint64
		t := time.NewTicker(memoryPoll)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v != live {
				live = v
				debug.SetMemoryLimit(buildLimit(live))
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		debug.SetMemoryLimit(prev)
	}
}

// buildLimit is the soft memory limit for a live heap of live bytes.
func buildLimit(live uint64) int64 {
	return max(memoryFloor, int64(float64(live)*headroom)-memorySlack)
}

// batchGCPercent is the collector's pace while kb lint loads and checks a
// site: it allocates as it parses and keeps most of what it parses, so the
// default pace collects again and again while the heap doubles from a few
// megabytes. Five times the live heap, bounded by the soft limit above
// (448 MiB, or twice the live heap less 160 MiB when that is more),
// collects a handful of times instead; the bound keeps a large site's peak
// where kb build's is.
const batchGCPercent = 400

// BatchMemory sets the collector's pace for a command that loads the whole
// site once and exits (kb lint), unless GOGC is set in the environment, and
// returns the function that restores the previous pace and limit.
func BatchMemory() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(batchGCPercent)
	end := limitMemory()
	return func() {
		end()
		debug.SetGCPercent(prev)
	}
}
