// Package cache stores finished model results on disk, content-addressed, so
// a weekly re-run pays only for what changed. A key covers everything that
// changes the answer (stage, normalised source, model, endpoint, language,
// prompt text, glossary); entries are JSON files written atomically, one per
// key, so a crash or Ctrl-C keeps everything stored so far.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
)

// Cache is a folder of entries. A nil *Cache is a valid cache that stores
// nothing and finds nothing (for --force and --no-cache).
type Cache struct {
	dir       string
	writeOnly bool
	readOnly  bool
}

// WriteOnly returns a cache that stores results but finds none: --force
// redoes everything and still leaves the new results for the next run.
func (c *Cache) WriteOnly() *Cache {
	return &Cache{dir: c.dir, writeOnly: true}
}

// ReadOnly returns a cache that finds entries but stores none (a batch
// collecting requests reads the answers there, and leaves the results to
// the run that reports them).
func (c *Cache) ReadOnly() *Cache {
	if c == nil {
		return nil
	}
	return &Cache{dir: c.dir, readOnly: true}
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
	data, ok := readEntry(c.path(key), nil)
	return ok && json.Unmarshal(data, v) == nil
}

// maxEntry caps what one entry may hold: an article's translation is a few
// hundred KB at most, and a cache folder may be shared with others.
const maxEntry = 64 << 20

// Put stores v under key.
func (c *Cache) Put(key string, v any) error {
	if c == nil || c.readOnly {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// Unsynced: an entry lost in a crash is redone, and Get treats an
	// unreadable one as a miss.
	return atomicfile.WriteUnsynced(c.path(key), data, 0o644)
}

// Prune removes entries not used or written for longer than age, and any
// temp files a killed run left. It returns how many files it removed. Only
// files shaped like cache entries (<2 hex>/<64 hex>.json and their temp
// files) are ever touched, so a mistyped --cache-dir cannot delete a home
// folder's documents.
func (c *Cache) Prune(age time.Duration, now time.Time) (int, error) {
	if c == nil {
		return 0, nil
	}
	removed := 0
	err := c.walk(func(path, name string, f os.DirEntry) error {
		target, temp := atomicfile.TempTarget(name)
		entry, temp := isEntry(name), temp && isEntry(target)
		info, err := f.Info()
		if f.IsDir() || (!entry && !temp) || err != nil {
			return nil
		}
		if old := now.Sub(info.ModTime()); (entry && old > age) || (temp && old > time.Hour) {
			if os.Remove(path) == nil {
				removed++
			}
		}
		return nil
	})
	return removed, err
}

// walk calls fn with every file in the cache's shards (<2 hex>/), whose
// name starts with its shard's, and stops at fn's first error.
func (c *Cache) walk(fn func(path, name string, f os.DirEntry) error) error {
	shards, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	for _, shard := range shards {
		if !shard.IsDir() || !isHex(shard.Name(), 2) {
			continue
		}
		dir := filepath.Join(c.dir, shard.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, f := range files {
			name := f.Name()
			if !strings.HasPrefix(strings.TrimPrefix(name, "."), shard.Name()) {
				continue
			}
			if err := fn(filepath.Join(dir, name), name, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// isEntry reports whether name is an entry's: <64 hex>.json.
func isEntry(name string) bool {
	return strings.HasSuffix(name, ".json") && isHex(strings.TrimSuffix(name, ".json"), 64)
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// Delete removes the entry under key, if there is one.
func (c *Cache) Delete(key string) {
	if c != nil && !c.readOnly {
		os.Remove(c.path(key))
	}
}

// Touch marks an entry as used now, so Prune keeps entries that weekly runs
// still hit.
func (c *Cache) Touch(key string, now time.Time) {
	if c != nil {
		os.Chtimes(c.path(key), now, now)
	}
}

// Scan calls fn with every entry whose stored bytes begin with prefix, in
// no particular order. Only the prefix of the others is read, so a
// listing of one kind of entry (the translation memory's export) costs a
// few bytes per unrelated entry, not the entry.
func (c *Cache) Scan(prefix []byte, fn func(data []byte) error) error {
	if c == nil || c.writeOnly {
		return nil
	}
	return c.walk(func(path, name string, f os.DirEntry) error {
		if !f.Type().IsRegular() || !isEntry(name) {
			return nil
		}
		if data, ok := readEntry(path, prefix); ok {
			return fn(data)
		}
		return nil
	})
}

// readEntry reads an entry that is a regular file of at most maxEntry
// bytes and begins with prefix; false, having read only the prefix, for
// any other. A FIFO, a device or a link in its place is never a read that
// waits forever or fills memory.
func readEntry(path string, prefix []byte) ([]byte, bool) {
	// Not following a link out of the cache, not blocking on a FIFO
	// someone left where an entry should be (the type is checked once open).
	f, err := os.OpenFile(path, atomicfile.ReadFlags|atomicfile.NoFollow, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > maxEntry {
		return nil, false
	}
	head := make([]byte, len(prefix))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, prefix) {
		return nil, false
	}
	rest, err := io.ReadAll(io.LimitReader(f, maxEntry+1-int64(len(head))))
	data := append(head, rest...)
	return data, err == nil && len(data) <= maxEntry
}
