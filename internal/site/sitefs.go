package site

import (
	"io/fs"
	"os"
)

// openSite returns the site folder as a file system that never leaves it:
// through os.Root, a symbolic link that points outside the folder (or is
// absolute) fails to open, so no file from elsewhere on the machine is
// read as content or a layout, or published from static/.
func openSite(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return root.FS(), nil // the Root closes when the FS is no longer used
}
