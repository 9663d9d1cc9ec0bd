//go:build unix

package main

import "syscall"

// openFileLimit is the process's open-file limit (RLIMIT_NOFILE; Go
// raises the soft limit to the hard one at start; "unlimited" counts as
// 2^30).
func openFileLimit() (files int, known bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, false
	}
	return int(min(r.Cur, 1<<30)), true
}
