//go:build race

package site

// raceEnabled is true under the race detector, which makes big inputs too slow.
const raceEnabled = true
