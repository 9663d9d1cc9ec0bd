//go:build race

package main

// raceEnabled is true under the race detector, which slows everything ~10×.
const raceEnabled = true
