package site

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestBuildLimit: the limit is 448 MiB while the live heap of a
// 10,000-page build (under 300 MB) fits under it with room to spare, so
// that the build stays under 500 MiB resident; above, it follows the live
// heap at least 144 MiB over it, towards twice it.
func TestBuildLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct{ live, want uint64 }{
		{0, 448}, {100, 448}, {281, 448}, {304, 448}, {400, 640}, {1024, 1888},
	} {
		got := buildLimit(tc.live * mib)
		if got != int64(tc.want*mib) {
			t.Errorf("live %d MiB: limit %d MiB, want %d", tc.live, got/mib, tc.want)
		}
		if got < int64(tc.live*mib+144*mib) {
			t.Errorf("live %d MiB: limit %d MiB leaves less than 144 MiB", tc.live, got/mib)
		}
	}
}

func TestLimitMemory(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	restore := limitMemory()
	if got := debug.SetMemoryLimit(-1); got != memoryFloor {
		t.Errorf("limit during a build = %d, want %d", got, memoryFloor)
	}
	// The limit follows the live heap up: it never falls below it.
	keep := make([][]byte, 0, 48)
	for range cap(keep) {
		keep = append(keep, make([]byte, 16<<20))
	}
	runtime.GC()
	// Wait for the poll to see the whole live heap (it may first see part
	// of it, mid-allocation, and raise the limit only that far).
	deadline := time.Now().Add(2 * time.Second)
	for debug.SetMemoryLimit(-1) < int64(len(keep))*16<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(memoryPoll)
	}
	if got := debug.SetMemoryLimit(-1); got < int64(len(keep))*16<<20 {
		t.Errorf("limit %d is below the live heap of %d MiB", got, len(keep)*16)
	}
	runtime.KeepAlive(keep)
	restore()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("limit after the build = %d, want %d", got, prev)
	}

	t.Setenv("GOMEMLIMIT", "100MiB")
	limitMemory()()
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("with GOMEMLIMIT set, the build changed the limit to %d", got)
	}
}
