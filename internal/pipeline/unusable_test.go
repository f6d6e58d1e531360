package pipeline_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// A garbage translation an older brief stored in the cache (before such
// translations failed their article) is translated again, not reused.
func TestCachedUnusableTranslationIsRedone(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 1)
	dir := t.TempDir()
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(t, srv, c)
	pipeline.Run(context.Background(), cfg, jobs)

	// Turn the stored translation into what a broken model once sent.
	spoiled := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		var entry map[string]map[string]json.RawMessage
		if json.Unmarshal(data, &entry) != nil || entry["result"]["paragraphs"] == nil {
			return nil
		}
		entry["result"]["paragraphs"] = json.RawMessage(`["**bla**"]`)
		entry["result"]["lede"] = json.RawMessage(`""`)
		out, _ := json.Marshal(entry)
		os.WriteFile(p, out, 0o644)
		spoiled++
		return nil
	})
	if spoiled != 1 {
		t.Fatalf("found %d stored translations, want 1", spoiled)
	}

	out := pipeline.Run(context.Background(), cfg, jobs)
	if out.Manifest.Totals.OK != 1 {
		t.Fatalf("totals %+v, want the article made again", out.Manifest.Totals)
	}
	// Made again: by the model, or from the paragraphs the first run
	// remembered, never from the stored garbage.
	page, err := os.ReadFile(filepath.Join(cfg.OutDir, out.Manifest.Entries[0].Output))
	if err != nil || strings.Contains(string(page), "bla") {
		t.Fatalf("the stored garbage was reused (%v):\n%s", err, page)
	}
}
