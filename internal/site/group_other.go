//go:build !unix

package site

import "io/fs"

// fileGroup is the group that owns a file: none here.
func fileGroup(fs.FileInfo) int { return -1 }
