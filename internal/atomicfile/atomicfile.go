// Package atomicfile writes files so that a reader (an editor, the next run,
// a crash) sees either the old content or the new, never half a file.
package atomicfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to path via a temp file in the same folder, synced and
// renamed over path. On any error the temp file is removed.
func Write(path string, data []byte, perm os.FileMode) error { return write(path, data, perm, true) }

// WriteUnsynced is Write without waiting for the disk: a reader still never
// sees half a file, but a power cut may lose the file. For files that are
// redone when missing or unreadable, such as cache entries: the two syncs
// are most of what storing one costs.
func WriteUnsynced(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, false)
}

// WriteIfChanged is Write, skipped when path already holds exactly data,
// so an unchanged re-run does not rewrite (and sync) every output file.
func WriteIfChanged(path string, data []byte, perm os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return Write(path, data, perm)
}

func write(path string, data []byte, perm os.FileMode, sync bool) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create folder %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if sync {
		if err = f.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Sync the folder so the rename itself survives a crash.
	if !sync {
		return nil
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// IsTemp reports whether a file name is one of Write's temp files, so a
// cleanup can remove leftovers of a killed process.
func IsTemp(name string) bool {
	return len(name) > 0 && name[0] == '.' && containsTmp(name)
}

func containsTmp(name string) bool {
	for i := 0; i+5 <= len(name); i++ {
		if name[i:i+5] == ".tmp-" {
			return true
		}
	}
	return false
}
