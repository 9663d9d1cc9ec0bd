//go:build unix

package server

import "syscall"

// OpenFileLimit is the process's open-file limit (RLIMIT_NOFILE; Go
// raises the soft limit to the hard one at start; "unlimited" counts as
// 2^30).
func OpenFileLimit() (files int, known bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, false
	}
	return int(min(r.Cur, 1<<30)), true
}
