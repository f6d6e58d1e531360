package story

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Relatedness, in half points: a shared name is worth 4; a one-word name
// in one story that is a word of a longer name in the other ("Trump" and
// "Donald Trump") 2; a shared key term 1. Two stories are related when
// they share at least relatedScore and that is at least relatedShare of
// what the smaller of them says: two shared names relate two short
// summaries, one famous name does not relate a trade story to a summit
// story, and two different people who share a first name are not one.
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

// linkSet is one story's usable features as sorted interned ids, so that
// comparing two stories is a merge of short int slices.
type linkSet struct {
	names  []int // name ids
	single []int // word ids of the story's one-word names
	words  []int // word ids of the words of its longer names
	terms  []int // term ids
	all    []int // every id above, for the inverted index
	weight int   // what the story says: names and terms, weighted
}

// interner numbers feature strings in first-seen order; the stories are
// in canonical order, so the numbering is deterministic.
type interner struct {
	ids map[string]int
	df  []int
	// nameWords lists, for a name id, the word ids of its words.
	nameWords map[int][]int
}

func (in *interner) id(s string) int {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := len(in.df)
	in.ids[s] = id
	in.df = append(in.df, 0)
	return id
}

func group(shown []Story) []Group {
	sets, fs, in := linkSets(shown)
	u := joinMatching(len(shown), func(i int) []int { return sets[i].all },
		func(i, j int) bool { return related(sets[i], sets[j], in) })
	var groups []Group
	for _, set := range u.sets() {
		g := Group{}
		for _, i := range set {
			g.Stories = append(g.Stories, shown[i])
		}
		slices.SortStableFunc(g.Stories, newer)
		if len(set) > 1 {
			g.Title = cmp.Or(title(set, fs), g.Stories[0].Headline)
		}
		groups = append(groups, g)
	}
	sortGroups(groups)
	return groups
}

// linkSets are what can relate each story to another: its features, as
// ids, without those so common across the stories that they link nothing.
func linkSets(shown []Story) ([]linkSet, []features, *interner) {
	n := len(shown)
	texts := make([]text, n)
	for i, s := range shown {
		texts[i] = storyText(s.Headline, s.Summary)
	}
	known := map[string]bool{}
	knownNames(texts, known)
	fs := make([]features, n)
	in := &interner{ids: map[string]int{}, nameWords: map[int][]int{}}
	raw := make([]linkSet, n)
	for i := range texts {
		fs[i] = extract(texts[i], known)
		raw[i] = intern(fs[i], in)
		for _, id := range raw[i].all {
			in.df[id]++
		}
	}
	limit := max(commonFloor, n/commonDivisor)
	usable := func(ids []int) []int {
		return slices.DeleteFunc(slices.Clone(ids), func(id int) bool { return in.df[id] > limit })
	}
	for i, r := range raw {
		s := linkSet{names: usable(r.names), single: usable(r.single), words: usable(r.words), terms: usable(r.terms)}
		s.all = sortedUnion(s.names, s.single, s.words, s.terms)
		s.weight = nameWeight*len(s.names) + termWeight*len(s.terms)
		raw[i] = s
	}
	return raw, fs, in
}

// sortGroups puts the largest groups first, then the newest, in an order
// that does not depend on the input's.
func sortGroups(groups []Group) {
	slices.SortStableFunc(groups, func(ga, gb Group) int {
		return cmp.Or(len(gb.Stories)-len(ga.Stories), cmp.Compare(gb.Stories[0].Date, ga.Stories[0].Date),
			cmp.Compare(ga.Title, gb.Title), storyCompare(ga.Stories[0], gb.Stories[0]))
	})
}

// intern turns a story's features into sorted ids.
func intern(f features, in *interner) linkSet {
	var s linkSet
	for _, k := range sortedKeys(f.names) {
		id := in.id("n:" + k)
		s.names = append(s.names, id)
		ws := strings.Fields(k)
		wids := make([]int, len(ws))
		for i, w := range ws {
			wids[i] = in.id("w:" + w)
		}
		in.nameWords[id] = wids
		if len(ws) == 1 {
			s.single = append(s.single, wids[0])
			continue
		}
		for i, w := range ws {
			if f.words[w] {
				s.words = append(s.words, wids[i])
			}
		}
	}
	for _, k := range sortedKeys(f.terms) {
		s.terms = append(s.terms, in.id("t:"+k))
	}
	s.names, s.single, s.words, s.terms = sortedUnion(s.names), sortedUnion(s.single), sortedUnion(s.words), sortedUnion(s.terms)
	s.all = sortedUnion(s.names, s.single, s.words, s.terms)
	return s
}

// sortedUnion merges id lists into one sorted list without repeats.
func sortedUnion(lists ...[]int) []int {
	out := slices.Concat(lists...)
	slices.Sort(out)
	return slices.Compact(out)
}

// intersect calls f for each id in both sorted lists.
func intersect(a, b []int, f func(int)) {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			f(a[i])
			i++
			j++
		}
	}
}

func related(a, b linkSet, in *interner) bool {
	score := 0
	var covered []int
	intersect(a.names, b.names, func(id int) {
		score += nameWeight
		covered = append(covered, in.nameWords[id]...)
	})
	credit := func(w int) { // once for each word no shared name has
		if !slices.Contains(covered, w) {
			covered = append(covered, w)
			score += wordWeight
		}
	}
	intersect(a.single, b.words, credit)
	intersect(b.single, a.words, credit)
	intersect(a.terms, b.terms, func(int) { score += termWeight })
	smaller := min(a.weight, b.weight)
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
		// More words is more specific: "Kim Jong-un" over "Kim".
		slices.SortStableFunc(ks, func(a, b string) int {
			return cmp.Or(c[b]-c[a], len(strings.Fields(b))-len(strings.Fields(a)))
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
