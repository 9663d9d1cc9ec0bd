//go:build !unix

package cputime

import "time"

// Process is not measured here: it is always 0, and so are the CPU
// metrics of benchmarks.
func Process() time.Duration { return 0 }
