package render

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cast"
)

// hugoTime converts a front matter value to a time the way Hugo does: Hugo
// reads dates with spf13/cast's ToTimeInDefaultLocationE (its
// common/htime), which knows a fixed list of layouts, and a page whose date
// it cannot read is dated 0001-01-01.
func hugoTime(t *testing.T, v any) time.Time {
	t.Helper()
	got, err := cast.ToTimeInDefaultLocationE(v, time.UTC)
	if err != nil {
		t.Fatalf("Hugo cannot read %#v as a date: %v", v, err)
	}
	return got
}

func TestFrontMatterDatesAreDatesToHugo(t *testing.T) {
	rewritten := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	cases := []struct {
		header, precision string
		want              time.Time
	}{
		{"2019-02", "month", time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"2019-02-14", "day", time.Date(2019, 2, 14, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		p := sampleArticle()
		p.Date, p.LastMod = tc.header, rewritten
		fm, _ := frontMatterOf(t, ArticleMarkdown(p))
		if got := hugoTime(t, fm["date"]); !got.Equal(tc.want) {
			t.Errorf("header %s: Hugo reads date %v, want %v", tc.header, got, tc.want)
		}
		if fm["date_precision"] != tc.precision {
			t.Errorf("header %s: date_precision = %#v, want %q", tc.header, fm["date_precision"], tc.precision)
		}
		if got := hugoTime(t, fm["lastmod"]); !got.Equal(rewritten) {
			t.Errorf("Hugo reads lastmod %v, want %v", got, rewritten)
		}
		if got := hugoTime(t, fm["generated"]); !got.Equal(generated.Truncate(time.Second)) {
			t.Errorf("Hugo reads generated %v", got)
		}
	}
	// What the pages used to say, and why this test exists: Hugo cannot
	// read a bare month, and silently dates the page 0001-01-01.
	if _, err := cast.ToTimeInDefaultLocationE("2019-02", time.UTC); err == nil {
		t.Fatal("cast reads a bare month after all; this test no longer shows the difference")
	}
}

func TestFrontMatterHasWhatSiteGeneratorsShow(t *testing.T) {
	p := sampleArticle()
	p.Tags = []string{"Kim Jong-un", "North Korea"}
	fm, _ := frontMatterOf(t, ArticleMarkdown(p))
	if fm["title"] != oneLine(p.Headline) || fm["summary"] != oneLine(p.Summary) {
		t.Errorf("title %#v, summary %#v", fm["title"], fm["summary"])
	}
	tags, _ := fm["tags"].([]any)
	if len(tags) != 2 || tags[0] != "Kim Jong-un" || tags[1] != "North Korea" {
		t.Errorf("tags = %#v", fm["tags"])
	}
	// A page written once has no lastmod: Hugo then uses date.
	if _, ok := fm["lastmod"]; ok {
		t.Errorf("lastmod on a page never rewritten: %#v", fm["lastmod"])
	}
	// No date in the header: no date, rather than a made-up one.
	p.Date = ""
	fm, _ = frontMatterOf(t, ArticleMarkdown(p))
	if _, ok := fm["date"]; ok {
		t.Errorf("date %#v for an undated article", fm["date"])
	}
	if _, ok := fm["date_precision"]; ok {
		t.Errorf("date_precision %#v for an undated article", fm["date_precision"])
	}
}

func TestTagsOfAGroupTitle(t *testing.T) {
	if got := TagsOf("Kim Jong-un · North Korea"); !slices.Equal(got, []string{"Kim Jong-un", "North Korea"}) {
		t.Errorf("TagsOf = %q", got)
	}
	if got := TagsOf(""); got != nil {
		t.Errorf("TagsOf(\"\") = %q, want none", got)
	}
}

func TestPageFactsAndTagsRoundTrip(t *testing.T) {
	p := sampleArticle()
	p.LastMod = generated.Add(time.Hour)
	p.Tags = []string{"Kaesong"}
	page := ArticleMarkdown(p)
	facts, ok := ReadPageFacts(page)
	if !ok || !facts.Generated.Equal(generated.Truncate(time.Second)) || !facts.LastMod.Equal(p.LastMod.Truncate(time.Second)) || !slices.Equal(facts.Tags, p.Tags) {
		t.Fatalf("ReadPageFacts = %+v, %v", facts, ok)
	}
	// Retagging gives exactly the page rendered with the new tags.
	retagged, ok := RetagPage(page, []string{"Kim Jong-un", "North Korea"})
	p.Tags = []string{"Kim Jong-un", "North Korea"}
	if !ok || !bytes.Equal(retagged, ArticleMarkdown(p)) {
		t.Fatalf("RetagPage differs from the page rendered with those tags:\n%s", retagged)
	}
	if _, ok := ReadPageFacts([]byte("# a page someone else wrote\n")); ok {
		t.Error("ReadPageFacts accepted a page without front matter")
	}
	if _, ok := RetagPage([]byte("---\ntitle: [unclosed\n---\n\nbody"), nil); ok {
		t.Error("RetagPage accepted broken front matter")
	}
}
