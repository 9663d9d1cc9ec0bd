//go:build !linux

package site

import "errors"

// exchange is not available here; commit falls back to two renames.
func exchange(a, b string) error { return errors.ErrUnsupported }

// syncTree would take an fsync per file here; the folder is synced.
func syncTree(dir string) { syncDir(dir) }
