// Package cputime reads the CPU time of the process, which benchmarks
// report beside wall time: on a shared machine the CPU time a piece of
// work takes varies far less than its wall time.
package cputime
