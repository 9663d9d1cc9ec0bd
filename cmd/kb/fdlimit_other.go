//go:build !unix

package main

// openFileLimit: no open-file limit to read on this system.
func openFileLimit() (files int, known bool) { return 0, false }
