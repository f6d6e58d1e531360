package cache

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

type entry struct {
	Text string `json:"text"`
}

func TestStoredEntriesSurviveANewProcess(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := Key("translate", "Hej verden", "model")
	if c.Get(key, &entry{}) {
		t.Fatal("found an entry in an empty cache")
	}
	if err := c.Put(key, entry{"Hello world"}); err != nil {
		t.Fatal(err)
	}
	again, _ := Open(dir)
	var got entry
	if !again.Get(key, &got) || got.Text != "Hello world" {
		t.Fatalf("got %+v", got)
	}
}

func TestKeysDoNotCollideAcrossPartBoundaries(t *testing.T) {
	if Key("ab", "c") == Key("a", "bc") {
		t.Error("Key(ab, c) == Key(a, bc)")
	}
	if Key("x") == Key("x", "") {
		t.Error("an extra empty part does not change the key")
	}
}

func TestWriteOnlyStoresButFindsNothing(t *testing.T) {
	c, _ := Open(t.TempDir())
	key := Key("k")
	c.Put(key, entry{"old"})
	w := c.WriteOnly()
	if w.Get(key, &entry{}) {
		t.Error("--force cache found an entry")
	}
	w.Put(key, entry{"new"})
	var got entry
	if !c.Get(key, &got) || got.Text != "new" {
		t.Errorf("--force did not store its result: %+v", got)
	}
}

func TestNilCacheIsANoOp(t *testing.T) {
	var c *Cache
	if c.Get("k", &entry{}) || c.Put("k", entry{}) != nil {
		t.Error("nil cache is not a no-op")
	}
}

func TestPruneRemovesOnlyOldEntries(t *testing.T) {
	dir := t.TempDir()
	c, _ := Open(dir)
	now := time.Now()
	oldKey, newKey := Key("old"), Key("new")
	c.Put(oldKey, entry{"o"})
	c.Put(newKey, entry{"n"})
	os.Chtimes(c.path(oldKey), now.AddDate(0, -6, 0), now.AddDate(0, -6, 0))
	n, err := c.Prune(90*24*time.Hour, now)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if c.Get(oldKey, &entry{}) || !c.Get(newKey, &entry{}) {
		t.Error("wrong entry pruned")
	}
	// an entry a run still hits is kept however old it was made
	c.Put(oldKey, entry{"o"})
	os.Chtimes(c.path(oldKey), now.AddDate(0, -6, 0), now.AddDate(0, -6, 0))
	c.Touch(oldKey, now)
	if n, _ := c.Prune(90*24*time.Hour, now); n != 0 {
		t.Errorf("pruned a touched entry")
	}
	if _, err := os.Stat(filepath.Join(dir, oldKey[:2])); err != nil {
		t.Error(err)
	}
}

func TestPruneNeverTouchesFilesThatAreNotCacheEntries(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().AddDate(-1, 0, 0)
	for _, p := range []string{"docs/thesis.txt", "ab/notes.json", "thesis.json", "ab/" + Key("x") + ".json"} {
		path := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte("keep me"), 0o644)
		os.Chtimes(path, old, old)
	}
	c, _ := Open(dir)
	if n, err := c.Prune(time.Hour, time.Now()); err != nil || n != 0 {
		t.Fatalf("pruned %d files, %v: a --cache-dir pointed at the wrong folder deleted its files", n, err)
	}
	for _, p := range []string{"docs/thesis.txt", "ab/notes.json", "thesis.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
}

// A killed run's temp file of an entry goes after an hour; a look-alike
// that is no entry's temp file stays.
func TestPruneRemovesLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	c, _ := Open(dir)
	key := Key("x")
	old := time.Now().Add(-2 * time.Hour)
	for _, name := range []string{"." + key + ".json.tmp-42", "." + key + ".tmp-42", "." + key + ".json.tmp-x"} {
		path := filepath.Join(dir, key[:2], name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte("{}"), 0o644)
		os.Chtimes(path, old, old)
	}
	if n, err := c.Prune(90*24*time.Hour, time.Now()); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the one temp file", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, key[:2], "."+key+".json.tmp-42")); err == nil {
		t.Error("the leftover temp file is still there")
	}
}
