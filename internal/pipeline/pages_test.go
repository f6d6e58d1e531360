package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// pageFrontMatter reads the front matter of OUT/articles/<id>.md.
func pageFrontMatter(t *testing.T, out, id string) (map[string]any, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "articles", id+".md"))
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n")
	var fm map[string]any
	if !ok || yaml.Unmarshal([]byte(head), &fm) != nil {
		t.Fatalf("no front matter in %s:\n%s", id, data)
	}
	return fm, data
}

func TestLastmodOnlyWhenAPageIsRewrittenWithNewText(t *testing.T) {
	srv := llmtest.New(t)
	dir, jobs := writeArticles(t, 3)
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(t, srv, c)
	clock := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return clock }
	pipeline.Run(context.Background(), cfg, jobs)
	_, first := pageFrontMatter(t, cfg.OutDir, jobs[1].ID)
	for _, j := range jobs {
		if fm, _ := pageFrontMatter(t, cfg.OutDir, j.ID); fm["lastmod"] != nil {
			t.Errorf("%s: lastmod %v on a page written once", j.ID, fm["lastmod"])
		}
	}

	// A week later, unchanged: same bytes, still no lastmod.
	clock = clock.Add(7 * 24 * time.Hour)
	pipeline.Run(context.Background(), cfg, jobs)
	if _, again := pageFrontMatter(t, cfg.OutDir, jobs[1].ID); string(again) != string(first) {
		t.Errorf("an unchanged re-run rewrote the page:\n%s\nwas\n%s", again, first)
	}

	// The agency corrects article 0's budget in place: its page is
	// rewritten with new text and says when; the others are left as they
	// were.
	path := filepath.Join(dir, "nyhed-000.txt")
	src, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(src), "på 100 millioner", "på 120 millioner", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(24 * time.Hour)
	pipeline.Run(context.Background(), cfg, jobs)
	fm, _ := pageFrontMatter(t, cfg.OutDir, jobs[0].ID)
	if lm, ok := fm["lastmod"].(time.Time); !ok || !lm.Equal(clock) {
		t.Errorf("rewritten page: lastmod = %#v, want %v", fm["lastmod"], clock)
	}
	if _, again := pageFrontMatter(t, cfg.OutDir, jobs[1].ID); string(again) != string(first) {
		t.Errorf("an unchanged article's page changed when another was corrected")
	}

	// And the next unchanged run keeps that lastmod.
	clock = clock.Add(24 * time.Hour)
	pipeline.Run(context.Background(), cfg, jobs)
	if fm, _ := pageFrontMatter(t, cfg.OutDir, jobs[0].ID); !fm["lastmod"].(time.Time).Equal(clock.Add(-24 * time.Hour)) {
		t.Errorf("lastmod moved on an unchanged re-run: %v", fm["lastmod"])
	}
}
