package pipeline

import (
	"encoding/json"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/story"
)

// The feed's memory. An entry's id comes from its story's first version, so
// a resend that folds into the story within one run keeps the entry. A
// weekly run with --since sees the update without the version before it,
// though: nothing to fold with. So the run remembers, in OUT/.brief, the
// entries the feed carried and the fingerprints of their sources, and a
// story that is a version of a remembered one takes over its id.

// feedMemoryFile is kept in brief's state folder, out of what gets published.
const feedMemoryFile = ".brief/feed.json"

// feedMemoryMax bounds what is remembered (about 3 KB each): a few weeks of
// stories, the time in which an agency resends.
const feedMemoryMax = 1000

type feedMemory struct {
	Version int          `json:"version"`
	Entries []feedRecall `json:"entries"` // newest run first
}

// feedRecall is one entry the feed carried: its id, the story version shown
// then and that version's source fingerprint.
type feedRecall struct {
	ID          string            `json:"id"`
	Story       string            `json:"story"`
	Fingerprint story.Fingerprint `json:"fingerprint"`
}

// feedIDs gives each shown story its entry id: the one it had before (its
// own, or a remembered story's that it is a version of) or a new one, and
// remembers this run's entries for the next. A memory that cannot be read is
// started afresh; one that cannot be written costs only the memory.
func (r *runner) feedIDs(f render.Feed, shown []story.Story) map[string]string {
	var old feedMemory
	if data, ok := atomicfile.ReadIn(r.out, feedMemoryFile, maxPageRead); !ok || json.Unmarshal(data, &old) != nil || old.Version != 1 {
		old = feedMemory{}
	}
	ids := assignFeedIDs(f, shown, old.Entries)
	now := feedMemory{Version: 1}
	taken := map[string]bool{}
	for _, s := range shown {
		taken[ids[s.ID]] = true
		now.Entries = append(now.Entries, feedRecall{ID: ids[s.ID], Story: s.ID, Fingerprint: s.Fingerprint})
	}
	for _, e := range old.Entries {
		if !taken[e.ID] && len(now.Entries) < feedMemoryMax {
			now.Entries = append(now.Entries, e)
		}
	}
	// Into the state folder (which LockOut checked is a real folder), made
	// when missing. Marshal cannot fail on strings, numbers and booleans.
	data, _ := json.Marshal(now)
	if err := atomicfile.WriteIfChangedIn(r.out, feedMemoryFile, data, 0o644); err != nil {
		r.cfg.Progress.Logf("warning: cannot remember the feed's entries (a resend next run may show as a new entry): %v", err)
	}
	return ids
}

// assignFeedIDs: a story that was in the feed before keeps its id; then a
// story that is a version of a remembered one (not shown this run) takes
// that one's id; every other story has its own.
func assignFeedIDs(f render.Feed, shown []story.Story, old []feedRecall) map[string]string {
	remembered := map[string]bool{}
	for _, e := range old {
		remembered[e.ID] = true
	}
	ids := map[string]string{}
	taken := map[string]bool{}
	for _, s := range shown {
		if own := f.EntryID(s); remembered[own] {
			ids[s.ID], taken[own] = own, true
		}
	}
	for _, s := range shown {
		if _, done := ids[s.ID]; done {
			continue
		}
		id := f.EntryID(s)
		for _, e := range old {
			if !taken[e.ID] && story.Same(e.Fingerprint, s.Fingerprint) {
				id = e.ID
				break
			}
		}
		ids[s.ID], taken[id] = id, true
	}
	return ids
}
