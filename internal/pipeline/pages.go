package pipeline

import (
	"slices"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/story"
)

// maxPageRead bounds what is read back of an article page an earlier run
// wrote: pages are a translation of an input of at most --max-size, and a
// larger file there is not brief's.
const maxPageRead = 16 << 20

// carryOver fills in what a page keeps from the page an earlier run wrote
// for the same article: its tags (set at the end of the run, from the
// groups) and lastmod. lastmod is set when the page gets new text (the
// source changed, or its text was made anew) and kept as it was
// otherwise, so an unchanged re-run writes the same bytes.
func carryOver(page *render.ArticlePage, old []byte, found bool) {
	if !found {
		return
	}
	prev, ok := render.ReadPageFacts(old)
	if !ok {
		return
	}
	page.Tags = prev.Tags
	sameText := prev.SourceSHA256 == page.SHA256 && prev.Generated.Equal(page.Generated.UTC().Truncate(time.Second))
	switch {
	case sameText:
		page.LastMod = prev.LastMod
	case !page.Generated.IsZero():
		page.LastMod = page.Generated
	}
}

// tagStories gives every story the names of its group as tags, and
// rewrites the front matter of the article pages whose tags changed (a
// story joined, left or changed group). Folded earlier versions share
// their story's tags.
func (r *runner) tagStories(groups []story.Group) error {
	want := map[string][]string{}
	for _, g := range groups {
		tags := render.TagsOf(g.Title)
		for _, s := range g.Stories {
			want[s.ID] = tags
			for _, v := range s.EarlierVersions {
				want[v.ID] = tags
			}
		}
	}
	for i := range r.results {
		s := r.results[i].story
		if s == nil || slices.Equal(s.Tags, want[s.ID]) {
			continue
		}
		if err := r.retag(s, want[s.ID]); err != nil {
			return err
		}
	}
	for gi := range groups {
		for si := range groups[gi].Stories {
			groups[gi].Stories[si].Tags = want[groups[gi].Stories[si].ID]
		}
	}
	return nil
}

// retag rewrites the story's page with new tags; a page that is gone or
// not brief's is left alone.
func (r *runner) retag(s *story.Story, tags []string) error {
	old, ok := atomicfile.ReadIn(r.out, s.Link, maxPageRead)
	if !ok {
		return nil
	}
	page, ok := render.RetagPage(old, tags)
	if !ok {
		return nil
	}
	if err := atomicfile.WriteIfChangedIn(r.out, s.Link, page, 0o644); err != nil {
		return cannotWrite(err)
	}
	r.wrote(s.Link, page)
	s.Tags = tags
	return nil
}
