//go:build unix

package main

import "syscall"

// setUmask sets the process's umask and returns the function that restores it.
func setUmask(m int) func() {
	old := syscall.Umask(m)
	return func() { syscall.Umask(old) }
}
