package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// The site lock keeps two kb processes from writing a site's .kb/ folder
// and its output at once: without it, two builds race and the older one
// can swap its output in last. It is an advisory lock (flock(2) on Unix,
// LockFileEx on Windows) on the file .kb/lock, which the system releases
// when its holder exits or is killed, so a lock is never left stale. The
// file is never removed (removing a locked file lets a third process lock
// a new file of the same name). Its content is the holder's pid and
// command, for the message of a process that waits for it in vain.
//
// kb build holds it for its whole run. kb serve builds in memory and
// takes no lock: its one file in .kb/ is the feedback database (kb.db),
// which SQLite locks itself and a build never touches, so a build can run
// beside a server.

// LockFile is the site lock, relative to the site folder.
const LockFile = ".kb/lock"

// DefaultLockWait is how long a build waits for another kb process to
// release the site before it gives up.
const DefaultLockWait = 3 * time.Second

// BusyError says another kb process holds the site lock.
type BusyError struct {
	Lock string // the lock file
	Pid  int    // the holder's pid; 0 when unknown
	What string // the holder's command, like "kb build"
}

func (e *BusyError) Error() string {
	what := e.What
	if what == "" {
		what = "kb build"
	}
	if e.Pid > 0 {
		return fmt.Sprintf("another %s (pid %d) is using this site; wait for it to finish or stop it", what, e.Pid)
	}
	return fmt.Sprintf("another %s is using this site (it holds %s); wait for it to finish or stop it", what, e.Lock)
}

// SiteLock is a held site lock.
type SiteLock struct {
	f *flock.Flock
}

// Unlock releases the lock; the file stays.
func (l *SiteLock) Unlock() {
	if l != nil && l.f != nil {
		_ = l.f.Unlock()
	}
}

// lockPath is the site's lock file, its folder (.kb) created; the site
// folder never is.
func lockPath(dir string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(LockFile))
	if err := os.Mkdir(filepath.Dir(p), dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("cannot create %s for the site lock: %w; kb build writes its state there", filepath.Dir(p), errors.Unwrap(err))
	}
	return p, nil
}

// LockSite takes the site lock of the site folder dir for the command
// what ("kb build"), waiting up to wait for another process to release
// it; then it returns a *BusyError. On a system without file locks it
// returns a lock that holds nothing.
func LockSite(ctx context.Context, dir, what string, wait time.Duration) (*SiteLock, error) {
	p, err := lockPath(dir)
	if err != nil {
		return nil, err
	}
	f := flock.New(p, flock.SetPermissions(0o666))
	tctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	ok, err := f.TryLockContext(tctx, 50*time.Millisecond)
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		return &SiteLock{}, nil
	case ok:
		// Say who holds it, for a process that waits in vain. Written
		// through another handle: the lock's own is read-only.
		if w, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0); err == nil {
			_, _ = fmt.Fprintf(w, "%d %s\n", os.Getpid(), what)
			_ = w.Close()
		}
		return &SiteLock{f: f}, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil && !errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("cannot lock %s: %w", p, err)
	}
	pid, holder := readLockHolder(p)
	return nil, &BusyError{Lock: p, Pid: pid, What: holder}
}

// readLockHolder reads the pid and command a holder wrote in the lock file.
func readLockHolder(p string) (int, string) {
	data, err := os.ReadFile(p)
	if err != nil {
		return 0, ""
	}
	pid, what, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return 0, ""
	}
	return n, what
}
