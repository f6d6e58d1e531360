package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/story"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./internal/render -update and review the diff.\n--- got:\n%s", name, got)
	}
}

// interruptedBriefing is a run stopped by Ctrl-C: no digest, pending
// inputs, and every story on its own (no group), newest first.
func interruptedBriefing() Briefing {
	b := sampleBriefing()
	b.Digest = ""
	b.DigestNote = "The opening digest could not be written: the run was cut short before the digest; the next run writes it"
	b.Groups = nil
	for _, s := range []int{2, 0, 1, 3, 4} { // visit, kontor, missiles, rate, football
		b.Groups = append(b.Groups, story.Group{Stories: []story.Story{b.Stories[s]}})
	}
	b.Problems = append(b.Problems,
		Problem{Source: "in/senere.txt", Status: "pending", Reason: "not processed: the run was interrupted"})
	b.Run.Interrupted = true
	return b
}

func TestGolden(t *testing.T) {
	empty := Briefing{Period: Period(nil, time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)), Run: RunFacts{Model: "llama3.1:8b", Lang: "en"}}
	cases := []struct {
		name string
		got  []byte
	}{
		{"article.md", ArticleMarkdown(sampleArticle())},
		{"article.html", ArticleHTML(sampleArticle())},
		{"review.html", ArticleHTML(reviewArticle())},
		{"review.md", ReviewMarkdown(reviewArticle())},
		{"briefing.md", BriefingMarkdown(sampleBriefing())},
		{"briefing.html", BriefingHTML(sampleBriefing())},
		{"briefing.json", BriefingJSON(sampleBriefing())},
		{"briefing-interrupted.md", BriefingMarkdown(interruptedBriefing())},
		{"briefing-empty.md", BriefingMarkdown(empty)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { golden(t, c.name, c.got) })
	}
}
