//go:build race

package markdown

// raceEnabled is true under the race detector, which makes big inputs ~20× slower.
const raceEnabled = true
