package pipeline

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/brief-news/brief/internal/atomicfile"
)

// LockOut creates the output folder and takes its lock, so a second run
// on the same folder refuses instead of interleaving writes.
func LockOut(out string) (unlock func(), err error) {
	state, err := StateDir(out)
	if err != nil {
		return nil, err
	}
	// A lock file someone made a symlink would have brief (maybe as
	// root) create or lock the file it names: refused, and opened without
	// following links so a swap after the check is refused as well.
	path := filepath.Join(state, "lock")
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not brief's lock file (a symlink or special file): brief will not follow it; remove it or pass another --out", path)
	}
	lock := flock.New(path, flock.SetFlag(os.O_CREATE|atomicfile.ReadFlags|atomicfile.NoFollow))
	locked, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock output folder %s: %v (if %s is a symlink, remove it)", out, err, path)
	}
	if !locked {
		return nil, fmt.Errorf("another brief run is writing to %s: wait for it to finish, or pass another --out", out)
	}
	return func() { lock.Unlock() }, nil
}

// StateDir is OUT/.brief, the one hidden folder where brief keeps its own
// state (the lock), out of the way of a folder that gets published. It
// must be a real folder, not a link that leads elsewhere.
func StateDir(out string) (string, error) {
	state := filepath.Join(out, ".brief")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return "", fmt.Errorf("cannot create output folder %s: %v (pass --out to write elsewhere)", out, err)
	}
	if fi, err := os.Lstat(state); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("%s is not brief's state folder (a symlink or a file): remove it or pass another --out", state)
	}
	return state, nil
}
