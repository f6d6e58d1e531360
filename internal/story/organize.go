package story

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// Organize folds resends and groups related stories.
//
// Folding compares the stories' Fingerprints (of the source text, see
// FingerprintOf): a story whose text largely repeats another's is shown
// once, as its latest version, with the others as EarlierVersions, and
// Corrected/Updated set from its markers. Grouping then links stories
// whose headlines and summaries share names and key terms, and puts
// linked stories under one heading named after what they share; a story
// linked to nothing is a Group of one with no Title.
//
// Groups come largest first, then newest first; inside a group the
// newest story comes first.
//
// Cost: each story is compared only with earlier stories that share a
// sketch hash (folding) or a name, word or term (grouping), found through
// inverted indexes; features in more than a tenth of the stories are not
// indexed. A typical run is therefore close to O(n log n); the worst case
// (every story sharing something with every other) is O(n²) comparisons of
// at most FingerprintSize hashes or a few dozen interned feature
// ids each. BenchmarkOrganize3000 (3,300 stories) runs in about 0.3 s.
func Organize(stories []Story) []Group {
	ss := append([]Story(nil), stories...)
	// A canonical order first, so the input order cannot matter.
	slices.SortStableFunc(ss, storyCompare)
	shown := fold(ss)
	return group(shown)
}

// storyCompare is the canonical order: by ID, which the pipeline makes
// unique, then by the rest for inputs that repeat an ID.
func storyCompare(a, b Story) int {
	return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Date, b.Date), cmp.Compare(a.Headline, b.Headline),
		cmp.Compare(a.Summary, b.Summary), cmp.Compare(a.Link, b.Link), cmp.Compare(a.Source, b.Source),
		cmp.Compare(a.Agency, b.Agency))
}

// newer orders stories newest first: by header date, then ID. Dates are
// "YYYY-MM" or "YYYY-MM-DD", which sort as strings.
func newer(a, b Story) int { return cmp.Or(cmp.Compare(b.Date, a.Date), storyCompare(a, b)) }

// joinMatching unions items 0..n-1 that match, comparing only pairs that
// share a key: keys(i) lists item i's keys (each at most once), match says
// whether two candidates belong together. Items are compared with earlier
// ones in ascending order, so the result does not depend on map order.
// Both the fold (sketch hashes) and the grouping (feature ids) use it; an
// inverted index keeps them far from quadratic.
func joinMatching[K comparable](n int, keys func(i int) []K, match func(i, j int) bool) unionFind {
	u := newUnionFind(n)
	index := map[K][]int{}  // key → earlier items with it
	stamp := make([]int, n) // stamp[j] == i+1: j is already a candidate for i
	var cand []int
	for i := 0; i < n; i++ {
		cand = cand[:0]
		for _, k := range keys(i) {
			for _, j := range index[k] {
				if stamp[j] != i+1 {
					stamp[j] = i + 1
					cand = append(cand, j)
				}
			}
			index[k] = append(index[k], i)
		}
		slices.Sort(cand)
		for _, j := range cand {
			if match(i, j) {
				u.union(i, j)
			}
		}
	}
	return u
}

// unionFind joins indexes into sets; find returns the smallest index of a
// set, so the representative does not depend on the order of unions.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	u[max(ra, rb)] = min(ra, rb)
}

// sets returns the members of each set, sets in order of their smallest
// member, members ascending.
func (u unionFind) sets() [][]int {
	at := make([]int, len(u)) // a set's representative → its place in out
	var out [][]int
	for i := range u {
		// The representative is its set's smallest member: met first.
		if r := u.find(i); r == i {
			at[i] = len(out)
			out = append(out, []int{i})
		} else {
			out[at[r]] = append(out[at[r]], i)
		}
	}
	return out
}

// sortedKeys returns a map's keys in order; every loop over a map whose
// order could reach the output goes through it.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func link(s Story) Link {
	return Link{ID: s.ID, Headline: s.Headline, Date: s.Date, Link: s.Link, Source: s.Source,
		Corrected: s.Fingerprint.Corrected, Updated: s.Fingerprint.Updated}
}

func joinTitle(parts []string) string { return strings.Join(parts, " · ") }
