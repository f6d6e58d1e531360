// Package cache stores finished model results on disk, content-addressed, so
// a weekly re-run pays only for what changed. A key covers everything that
// changes the answer (stage, normalised source, model, endpoint, language,
// prompt text, glossary); entries are JSON files written atomically, one per
// key, so a crash or Ctrl-C keeps everything stored so far.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
)

// Cache is a folder of entries. A nil *Cache is a valid cache that stores
// nothing and finds nothing (for --force and --no-cache).
type Cache struct {
	dir       string
	writeOnly bool
}

// WriteOnly returns a cache that stores results but finds none: --force
// redoes everything and still leaves the new results for the next run.
func (c *Cache) WriteOnly() *Cache {
	if c == nil {
		return nil
	}
	return &Cache{dir: c.dir, writeOnly: true}
}

// Open returns the cache in dir, creating it.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache folder %s: %w (pass --cache-dir to use another)", dir, err)
	}
	return &Cache{dir: dir}, nil
}

// OpenExisting returns the cache in dir without creating anything; a
// missing folder is an empty cache (nil). For --dry-run, which writes nothing.
func OpenExisting(dir string) *Cache {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	return &Cache{dir: dir}
}

// DefaultDir is the user cache dir's brief folder.
func DefaultDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "brief-cache")
	}
	return filepath.Join(d, "brief")
}

// Dir is the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// Key hashes its parts, in order, unambiguously.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// Get loads the entry for key into v; false when there is none (or it is
// unreadable, which is treated as a miss: the work is simply redone).
func (c *Cache) Get(key string, v any) bool {
	if c == nil || c.writeOnly {
		return false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

// Put stores v under key.
func (c *Cache) Put(key string, v any) error {
	if c == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return atomicfile.Write(c.path(key), data, 0o644)
}

// Prune removes entries not used or written for longer than age, and any
// temp files a killed run left. It returns how many files it removed.
func (c *Cache) Prune(age time.Duration, now time.Time) (int, error) {
	if c == nil {
		return 0, nil
	}
	removed := 0
	err := filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if now.Sub(info.ModTime()) > age || atomicfile.IsTemp(d.Name()) && now.Sub(info.ModTime()) > time.Hour {
			if os.Remove(path) == nil {
				removed++
			}
		}
		return nil
	})
	return removed, err
}

// Touch marks an entry as used now, so Prune keeps entries that weekly runs
// still hit.
func (c *Cache) Touch(key string, now time.Time) {
	if c == nil {
		return
	}
	os.Chtimes(c.path(key), now, now)
}
