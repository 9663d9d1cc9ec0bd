//go:build unix

package site

import (
	"io/fs"
	"syscall"
)

// fileGroup is the group that owns a file, or -1.
func fileGroup(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Gid)
	}
	return -1
}
