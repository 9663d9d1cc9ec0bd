//go:build !unix

package server

// OpenFileLimit: no open-file limit to read on this system.
func OpenFileLimit() (files int, known bool) { return 0, false }
