package pipeline

import (
	"maps"

	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/story"
)

// changes are what changed since the previous briefing in the folder: the
// shown stories none of whose versions it had (new), those it had in
// another version or text (updated: a resend folded in, a source
// corrected), and the stories it had whose input this run no longer reads
// (dropped). An unchanged re-run says what the run before it said, so it
// writes the same briefing. nil for a folder's first briefing.
func (r *runner) changes(shown []story.Story) *story.Changes {
	if r.previous == nil {
		return nil
	}
	// The entries of each run that became stories, by ID.
	before, now, inRun := map[string]manifest.Entry{}, map[string]manifest.Entry{}, map[string]bool{}
	for _, e := range r.previous.Entries {
		if e.ID != "" && (e.Status == manifest.StatusOK || e.Status == manifest.StatusCached) {
			before[e.ID] = e
		}
	}
	for _, res := range r.results {
		inRun[res.entry.ID] = true
		if res.story != nil {
			now[res.entry.ID] = res.entry
		}
	}
	if maps.EqualFunc(before, now, func(a, b manifest.Entry) bool { return a.SHA256 == b.SHA256 }) {
		return r.previous.Changes
	}
	c := &story.Changes{New: []story.Change{}, Updated: []story.Change{}, Dropped: []story.Change{}}
	kept := map[string]bool{}
	for _, s := range shown {
		kept[s.ID] = true
		had := before[s.ID].ID != ""
		for _, v := range s.EarlierVersions {
			kept[v.ID] = true
			had = had || before[v.ID].ID != ""
		}
		ch := story.Change{ID: s.ID, Headline: s.Headline}
		switch {
		case !had:
			c.New = append(c.New, ch)
		case before[s.ID].SHA256 != now[s.ID].SHA256:
			c.Updated = append(c.Updated, ch)
		}
	}
	for _, e := range r.previous.Entries {
		// A story whose input is still here but did not finish this run
		// (failed, or left pending by a stop) has not dropped out: its page
		// stays, and the next run finishes it.
		if before[e.ID].ID != "" && !kept[e.ID] && !inRun[e.ID] {
			c.Dropped = append(c.Dropped, story.Change{ID: e.ID, Headline: e.Headline})
		}
	}
	return c
}
