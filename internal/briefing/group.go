package briefing

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/render"
)

// Relatedness, in half points: a shared name is worth 4, a shared name word
// not already counted in a shared name 2 ("Trump" and "Donald Trump"), a
// shared key term 1. Two stories are related when they share at least
// relatedScore and that is at least relatedShare of what the smaller of
// them says: two shared names relate two short summaries, but one famous
// name and "US" do not relate a trade story to a summit story.
const (
	nameWeight   = 4
	wordWeight   = 2
	termWeight   = 1
	relatedScore = 6
	relatedShare = 0.3
)

// A feature in more than max(commonFloor, n/commonDivisor) stories says
// as little as a stop word (in a large run, "US" or "government") and is
// ignored for linking, so one common word cannot chain everything into
// one group. Small runs keep every feature.
const (
	commonFloor   = 8
	commonDivisor = 10
)

func group(shown []render.Story) []render.Group {
	n := len(shown)
	texts := make([]text, n)
	for i, s := range shown {
		texts[i] = storyText(s.Headline, s.Summary)
	}
	known := map[string]bool{}
	knownNames(texts, known)
	fs := make([]features, n)
	df := map[string]int{}
	for i := range texts {
		fs[i] = extract(texts[i], known)
		for _, id := range fs[i].ids() {
			df[id]++
		}
	}
	limit := max(commonFloor, n/commonDivisor)
	usable := func(id string) bool { return df[id] <= limit }

	u := newUnionFind(n)
	index := map[string][]int{}
	for i := range fs {
		cand := map[int]bool{}
		for _, id := range fs[i].ids() {
			if !usable(id) {
				continue
			}
			for _, j := range index[id] {
				cand[j] = true
			}
			index[id] = append(index[id], i)
		}
		js := make([]int, 0, len(cand))
		for j := range cand {
			js = append(js, j)
		}
		sort.Ints(js)
		for _, j := range js {
			if related(fs[i], fs[j], usable) {
				u.union(i, j)
			}
		}
	}

	var groups []render.Group
	for _, set := range u.sets() {
		g := render.Group{}
		for _, i := range set {
			g.Stories = append(g.Stories, shown[i])
		}
		sort.SliceStable(g.Stories, func(a, b int) bool { return newer(g.Stories[a], g.Stories[b]) })
		if len(set) > 1 {
			g.Title = title(set, fs)
			if g.Title == "" {
				g.Title = g.Stories[0].Headline
			}
		}
		groups = append(groups, g)
	}
	sort.SliceStable(groups, func(a, b int) bool {
		ga, gb := groups[a], groups[b]
		if len(ga.Stories) != len(gb.Stories) {
			return len(ga.Stories) > len(gb.Stories)
		}
		if ga.Stories[0].Date != gb.Stories[0].Date {
			return ga.Stories[0].Date > gb.Stories[0].Date
		}
		if ga.Title != gb.Title {
			return ga.Title < gb.Title
		}
		return storyLess(ga.Stories[0], gb.Stories[0])
	})
	return groups
}

// ids names every feature with its kind, for counting and indexing.
func (f features) ids() []string {
	var out []string
	for _, k := range sortedKeys(f.names) {
		out = append(out, "n:"+k)
	}
	for _, k := range sortedKeys(f.words) {
		out = append(out, "w:"+k)
	}
	for _, k := range sortedKeys(f.terms) {
		out = append(out, "t:"+k)
	}
	return out
}

func (f features) weight(usable func(string) bool) int {
	w := 0
	for k := range f.names {
		if usable("n:" + k) {
			w += nameWeight
		}
	}
	for k := range f.terms {
		if usable("t:" + k) {
			w += termWeight
		}
	}
	return w
}

func related(a, b features, usable func(string) bool) bool {
	score := 0
	covered := map[string]bool{}
	for k := range a.names {
		if _, ok := b.names[k]; ok && usable("n:"+k) {
			score += nameWeight
			for _, w := range strings.Fields(k) {
				covered[w] = true
			}
		}
	}
	for w := range a.words {
		if b.words[w] && !covered[w] && usable("w:"+w) {
			score += wordWeight
		}
	}
	for t := range a.terms {
		if _, ok := b.terms[t]; ok && usable("t:"+t) {
			score += termWeight
		}
	}
	smaller := min(a.weight(usable), b.weight(usable))
	return score >= relatedScore && smaller > 0 && float64(score) >= relatedShare*float64(smaller)
}

// title names a group by what most of its stories share: the most shared
// name, and a second one that neither contains nor is part of the first
// ("Kim Jong-un · North Korea", not "Kim Jong-un · Kim"); key terms when
// the stories share no name.
func title(members []int, fs []features) string {
	count := map[string]int{}
	surfaces := map[string]map[string]int{}
	terms := map[string]int{}
	termWords := map[string]map[string]int{}
	for _, i := range members {
		for k, s := range fs[i].names {
			count[k]++
			if surfaces[k] == nil {
				surfaces[k] = map[string]int{}
			}
			surfaces[k][s]++
		}
		for t, w := range fs[i].terms {
			terms[t]++
			if termWords[t] == nil {
				termWords[t] = map[string]int{}
			}
			termWords[t][w]++
		}
	}
	pick := func(c map[string]int) []string {
		var ks []string
		for _, k := range sortedKeys(c) {
			if c[k] >= 2 {
				ks = append(ks, k)
			}
		}
		sort.SliceStable(ks, func(a, b int) bool {
			if c[ks[a]] != c[ks[b]] {
				return c[ks[a]] > c[ks[b]]
			}
			// More words is more specific: "Kim Jong-un" over "Kim".
			return len(strings.Fields(ks[a])) > len(strings.Fields(ks[b]))
		})
		var out []string
		for _, k := range ks {
			if len(out) == 0 || !containsWords(out[0], k) && !containsWords(k, out[0]) {
				out = append(out, k)
			}
			if len(out) == 2 {
				break
			}
		}
		return out
	}
	if keys := pick(count); len(keys) > 0 {
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = mostUsed(surfaces[k])
		}
		return joinTitle(parts)
	}
	keys := pick(terms)
	for i, k := range keys {
		w := mostUsed(termWords[k])
		r, size := utf8.DecodeRuneInString(w)
		keys[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return joinTitle(keys)
}

// mostUsed is the way most stories write a name ("Kim Jong-un" rather than
// "Kim Jong Un"), alphabetically first on a tie.
func mostUsed(m map[string]int) string {
	best := ""
	for _, s := range sortedKeys(m) {
		if best == "" || m[s] > m[best] {
			best = s
		}
	}
	return best
}
