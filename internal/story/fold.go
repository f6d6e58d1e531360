package story

import (
	"cmp"
	"slices"
)

// Fold thresholds. Wire services resend a story with a paragraph added, a
// lede rewritten or a word corrected: most of the text is unchanged. Two
// different stories from the same week often share background paragraphs
// (two or three of ten or more): that is a small share of either text.
const (
	// sameJaccard: this share of all shingles in common is one story.
	sameJaccard = 0.5
	// With a resend marker on either text, less is enough: the agency says
	// it is a resend, the text only has to confirm which story. The
	// marker does not say which story, though, so a short item that is
	// mostly shared background still needs more than that in common.
	markedJaccard = 0.4
	// A text (nearly) wholly inside another, such as a flash followed by
	// the full story, is a resend when it carries a marker or is long
	// enough not to be just shared background paragraphs.
	containedShare    = 0.8
	containedShingles = 50
)

// Same reports whether two source texts are versions of one story.
// An empty fingerprint compares as nothing in common, so it never folds.
func Same(a, b Fingerprint) bool {
	j, c := Compare(a, b)
	marked := a.Updated || a.Corrected || a.Preliminary || b.Updated || b.Corrected || b.Preliminary
	return j >= sameJaccard || marked && j >= markedJaccard ||
		c >= containedShare && (marked || min(a.Shingles, b.Shingles) >= containedShingles)
}

// versionRank: a marked update or correction is later than the unmarked
// text; a text marked "Opdateres" (to be updated) is earlier.
func versionRank(f Fingerprint) int {
	switch {
	case f.Corrected || f.Updated:
		return 2
	case f.Preliminary:
		return 0
	}
	return 1
}

// later orders versions of one story latest first: header date, markers,
// then the longer text (resends add), then the ID.
func later(a, b Story) int {
	return cmp.Or(cmp.Compare(b.Date, a.Date), versionRank(b.Fingerprint)-versionRank(a.Fingerprint),
		b.Fingerprint.Shingles-a.Fingerprint.Shingles, storyCompare(b, a))
}

// sharedHashes returns the sketch hashes that from 2 to maxHolders stories
// hold: at least 64, and 2 % of the stories in a big week, far more than
// the versions of one story (a live story resent all week included) and
// far fewer than the stories that use a stock phrase.
func sharedHashes(ss []Story) map[uint64]struct{} {
	maxHolders := max(64, len(ss)/50)
	n := 0
	for _, s := range ss {
		n += len(s.Fingerprint.Sketch)
	}
	all := make([]uint64, 0, n)
	for _, s := range ss {
		// A sketch holds each hash once, so a repeat is another story.
		all = append(all, s.Fingerprint.Sketch...)
	}
	slices.Sort(all)
	shared := map[uint64]struct{}{}
	for k := 0; k < len(all); {
		run := 1
		for k+run < len(all) && all[k+run] == all[k] {
			run++
		}
		if run >= 2 && run <= maxHolders {
			shared[all[k]] = struct{}{}
		}
		k += run
	}
	return shared
}

// fold joins versions of one story (ss in canonical order) and returns the
// latest version of each, with the others as its EarlierVersions.
func fold(ss []Story) []Story {
	// Only stories that share a sketch hash are compared: two versions of a
	// story share most of their sketch, so this misses none. Only hashes
	// held by more than one story can pair stories, and nearly every hash
	// is one story's own: indexing those too cost a map entry and a slice
	// per hash, 128 per story, the largest allocation of a whole run. A
	// hash held by very many stories is a stock phrase, not a resend: it is
	// left out too, or every story using it would be compared with every
	// other (quadratic; seconds at 5,000 stories).
	shared := sharedHashes(ss)
	var keys []uint64
	u := joinMatching(len(ss), func(i int) []uint64 {
		keys = keys[:0]
		for _, h := range ss[i].Fingerprint.Sketch {
			if _, ok := shared[h]; ok {
				keys = append(keys, h)
			}
		}
		return keys
	}, func(i, j int) bool { return Same(ss[i].Fingerprint, ss[j].Fingerprint) })
	var out []Story
	for _, set := range u.sets() {
		vs := make([]Story, len(set))
		for k, i := range set {
			vs[k] = ss[i]
		}
		slices.SortStableFunc(vs, later)
		top := vs[0]
		top.Corrected = top.Fingerprint.Corrected
		top.Updated = top.Fingerprint.Updated
		top.EarlierVersions = nil
		for _, v := range vs[1:] {
			top.EarlierVersions = append(top.EarlierVersions, link(v))
		}
		out = append(out, top)
	}
	return out
}
