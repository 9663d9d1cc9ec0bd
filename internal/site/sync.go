package site

import "os"

// syncDir flushes a folder's entries to disk (a rename in it, a new file),
// where the system allows a folder to be synced.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}
