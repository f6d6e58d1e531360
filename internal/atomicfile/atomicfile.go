// Package atomicfile writes files so that a reader (an editor, the next run,
// a crash) sees either the old content or the new, never half a file.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// Write writes data to path via a temp file in the same folder, synced and
// renamed over path. On any error the temp file is removed.
func Write(path string, data []byte, perm os.FileMode) error {
	return writePath(path, data, perm, true)
}

// WriteUnsynced is Write without waiting for the disk: a reader still never
// sees half a file, but a power cut may lose the file. For files that are
// redone when missing or unreadable, such as cache entries: the two syncs
// are most of what storing one costs.
func WriteUnsynced(path string, data []byte, perm os.FileMode) error {
	return writePath(path, data, perm, false)
}

// writePath is writeIn in path's folder, made when missing.
func writePath(path string, data []byte, perm os.FileMode, sync bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create folder %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err == nil {
		err = writeIn(root, filepath.Base(path), data, perm, sync)
		root.Close()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// TempTarget is the name of the file a temp file of Write's was going to
// replace ("a.md" for ".a.md.tmp-123"), so a cleanup can remove leftovers
// of a killed process; ok is false for any other name: exactly
// "." NAME ".tmp-" and up to ten digits, the pattern Write uses, so a
// user's ".notes.tmp-draft" is never taken for one.
func TempTarget(name string) (target string, ok bool) {
	m := tempRe.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

var tempRe = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]{1,10}$`)

// WriteIn is Write confined to root (os.Root): name is relative to the
// root's folder, and neither a symlinked subfolder nor ".." can make the
// write land outside it. A symlink at name itself is replaced, not followed.
func WriteIn(root *os.Root, name string, data []byte, perm os.FileMode) error {
	name = filepath.FromSlash(name)
	if err := writeIn(root, name, data, perm, true); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// writeIn writes name below root through a temp file beside it, synced to
// disk (file and folder) when sync is set, and removes the temp file on
// any error.
func writeIn(root *os.Root, name string, data []byte, perm os.FileMode, sync bool) (err error) {
	dir, base := filepath.Split(name)
	dir = filepath.Clean(dir)
	if dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create folder %s: %w", dir, err)
		}
	}
	f, tmp, err := createTemp(root, dir, base)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = root.Rename(tmp, name); err != nil {
		if fi, lerr := root.Lstat(name); lerr == nil && fi.IsDir() {
			// rename(2) says "file exists", which hides the cause.
			return fmt.Errorf("a folder of that name is in the way: %w", err)
		}
		return err
	}
	if !sync {
		return nil
	}
	// Sync the folder so the rename itself survives a crash.
	if d, derr := root.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteIfChangedIn is WriteIn, skipped when name already holds exactly data
// (read as ReadIn reads it).
func WriteIfChangedIn(root *os.Root, name string, data []byte, perm os.FileMode) error {
	if old, ok := ReadIn(root, name, int64(len(data))); ok && bytes.Equal(old, data) {
		return nil
	}
	return WriteIn(root, name, data, perm)
}

// ReadIn reads name below root when it is a regular file of at most max
// bytes; ok is false otherwise. A link is not read (not even one that
// stays inside root), and a FIFO or device in the file's place is never
// waited on: it is opened without blocking and its type checked once open.
func ReadIn(root *os.Root, name string, max int64) ([]byte, bool) {
	name = filepath.FromSlash(name)
	if fi, err := root.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	f, err := root.OpenFile(name, ReadFlags, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, false
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	return data, err == nil && int64(len(data)) <= max
}

// createTemp makes a new temp file for base in dir below root, named as
// TempTarget recognises: "." base ".tmp-" digits.
func createTemp(root *os.Root, dir, base string) (*os.File, string, error) {
	for try := 0; ; try++ {
		tmp := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) || try >= 100 {
			return nil, "", err
		}
	}
}
