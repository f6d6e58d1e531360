package qa

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/brief-news/brief/internal/lang"
)

// Pair lines a source paragraph up with its translation: 1-based numbers,
// lede first, 0 for a side that has none (a paragraph the model dropped has
// Translation 0; one it added or split off has Source 0).
type Pair struct {
	Source      int `json:"source"`
	Translation int `json:"translation"`
}

// Align lines the translation's paragraphs up with the source's. With as
// many paragraphs on both sides they pair index by index (the chunks were
// sent and answered that way); otherwise a monotone alignment finds which
// paragraphs were dropped or added, the way sentence aligners do (Gale and
// Church): a pair costs the distance of its length from the expected ratio
// plus the share of the source's numbers and names the translation lacks,
// and leaving a paragraph unpaired costs a constant. When the counts differ
// so much that lining them up would take more than alignLimit steps, they
// pair index by index, the rest of the longer side unpaired.
func Align(source, translation []string, to string) []Pair {
	if ps, _, err := align(context.Background(), source, translation, to); err == nil {
		return ps
	}
	return byIndex(len(source), len(translation))
}

// errTooDifferent: the paragraph counts differ too much to line up within
// alignLimit.
var errTooDifferent = errors.New("too different to line up")

const (
	// alignSlack is how far a path may stray from the diagonal band that
	// the counts fix: drops and additions that cancel out.
	alignSlack = 12
	// alignLimit bounds an alignment's work: band cells plus the look-ups
	// of numbers and names in them. A 1 MiB article of 50,000 tiny
	// paragraphs with a few dropped takes about a tenth of it.
	alignLimit = 40_000_000
)

// align is Align for the checks: it also returns the aligner (for the
// checks' own pair costs), errTooDifferent past the work limit, and the
// context's error when the run ends first.
func align(ctx context.Context, source, translation []string, to string) ([]Pair, *aligner, error) {
	n, m := len(source), len(translation)
	if n == m {
		return byIndex(n, m), nil, nil
	}
	lo, hi := min(0, m-n)-alignSlack, max(0, m-n)+alignSlack
	width := hi - lo + 1
	if (n+1)*width > alignLimit {
		return nil, nil, errTooDifferent
	}
	a, err := newAligner(ctx, source, translation, to)
	if err != nil {
		return nil, nil, err
	}
	if a.lookups*width > alignLimit {
		return nil, nil, errTooDifferent
	}
	moves, err := a.moves(ctx, lo, width)
	if err != nil {
		return nil, nil, err
	}
	return tracePairs(moves, n, m, lo, width), a, nil
}

func byIndex(n, m int) []Pair {
	ps := make([]Pair, max(n, m))
	for i := range ps {
		if i < n {
			ps[i].Source = i + 1
		}
		if i < m {
			ps[i].Translation = i + 1
		}
	}
	return ps
}

// aligner holds what pair costs need of both sides, computed once: each
// source paragraph's anchors and length, and an index of the words and
// numbers of the translation's paragraphs.
type aligner struct {
	src      []anchors
	srcRunes []int
	tr       *trIndex
	want     float64
	lookups  int // look-ups one band cell of each source paragraph costs, summed
}

func newAligner(ctx context.Context, source, translation []string, to string) (*aligner, error) {
	a := &aligner{want: lang.LengthRatio(to), src: make([]anchors, len(source)), srcRunes: make([]int, len(source))}
	for i, s := range source {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.src[i] = anchorsOf(s)
		a.srcRunes[i] = utf8.RuneCountInString(s)
		a.lookups += 1 + len(a.src[i].names)
		for _, set := range a.src[i].numbers {
			a.lookups += len(set)
		}
	}
	var err error
	a.tr, err = newTrIndex(ctx, translation, to)
	return a, err
}

// moves fills the band of the alignment table and returns it: the move at
// (i, j) is at i*width + j-i-lo, and says how the cheapest alignment of
// source[:i] with translation[:j] was reached ('p' a pair, 's' a source
// paragraph left out, 't' a translation paragraph added). Only the band
// is kept, and two rows of costs: memory grows with the paragraphs, not
// their square.
func (a *aligner) moves(ctx context.Context, lo, width int) ([]byte, error) {
	const skip = 1.0
	n, m := len(a.src), len(a.tr.runes)
	move := make([]byte, (n+1)*width)
	prev, cur := make([]float64, width+1), make([]float64, width+1)
	inf := math.Inf(1)
	for i := 0; i <= n; i++ {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for k := range cur {
			cur[k] = inf
		}
		for k := range width {
			j := i + lo + k
			if j < 0 || j > m {
				continue
			}
			if i == 0 && j == 0 {
				cur[k] = 0
				continue
			}
			c, mv := inf, byte(0)
			if i > 0 && j > 0 {
				c, mv = prev[k]+a.pairCost(i-1, j-1), 'p'
			}
			if i > 0 && prev[k+1]+skip < c { // prev[width] stays +Inf
				c, mv = prev[k+1]+skip, 's'
			}
			if k > 0 && j > 0 && cur[k-1]+skip < c {
				c, mv = cur[k-1]+skip, 't'
			}
			cur[k], move[i*width+k] = c, mv
		}
		prev, cur = cur, prev
	}
	return move, nil
}

// tracePairs walks the moves back from the end and returns the pairs in
// order.
func tracePairs(move []byte, n, m, lo, width int) []Pair {
	var rev []Pair
	for i, j := n, m; i > 0 || j > 0; {
		switch move[i*width+j-i-lo] {
		case 'p':
			rev = append(rev, Pair{i, j})
			i, j = i-1, j-1
		case 's':
			rev = append(rev, Pair{i, 0})
			i--
		default:
			rev = append(rev, Pair{0, j})
			j--
		}
	}
	slices.Reverse(rev)
	return rev
}

// anchors are what a paragraph's translation must carry over: its numbers
// (every value each may be written as) and its capitalised words (each
// normalised, as words: "Jong-un" is "jong un").
type anchors struct {
	numbers [][]string
	names   [][]string
}

func anchorsOf(p string) anchors {
	var a anchors
	for _, loc := range numberRe.FindAllStringIndex(p, -1) {
		set := numberSet{}
		interpretations(p[loc[0]:loc[1]], true, nextWord(p, loc[1]), set)
		if len(set) > 0 {
			a.numbers = append(a.numbers, slices.Collect(maps.Keys(set)))
		}
	}
	for _, w := range strings.Fields(p) {
		w = strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
		if utf8.RuneCountInString(w) >= 3 && capitalised(w) {
			if ws := strings.Fields(normName(w)); len(ws) > 0 {
				a.names = append(a.names, ws)
			}
		}
	}
	return a
}

// trIndex says which translation paragraphs carry a word (normalised, and
// also without an English possessive "s": "Frederiksen's") or a number
// value: for each, the paragraphs in ascending order. A look-up is a
// binary search, so a pair's cost does not grow with the paragraph's
// length.
type trIndex struct {
	runes []int
	words map[string][]int32
	nums  map[string][]int32
}

func newTrIndex(ctx context.Context, translation []string, to string) (*trIndex, error) {
	x := &trIndex{runes: make([]int, len(translation)), words: map[string][]int32{}, nums: map[string][]int32{}}
	add := func(m map[string][]int32, k string, j int32) {
		if l := m[k]; len(l) == 0 || l[len(l)-1] != j {
			m[k] = append(l, j)
		}
	}
	for j, t := range translation {
		if j%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		x.runes[j] = utf8.RuneCountInString(t)
		for _, w := range strings.Fields(normName(t)) {
			add(x.words, w, int32(j))
			add(x.words, strings.TrimSuffix(w, "s"), int32(j))
		}
		for k := range translationNumbers(t, to) {
			add(x.nums, k, int32(j))
		}
	}
	return x, nil
}

func has(m map[string][]int32, k string, j int) bool {
	_, ok := slices.BinarySearch(m[k], int32(j))
	return ok
}

// pairCost is how unlikely it is that translation paragraph j translates
// source paragraph i: 0 for a translation of the expected length that
// carries all of the source's numbers and names.
func (a *aligner) pairCost(i, j int) float64 {
	ls, lt := float64(max(1, a.srcRunes[i])), float64(max(1, a.tr.runes[j]))
	c := math.Min(2, math.Abs(math.Log(lt/(ls*a.want))))
	an := a.src[i]
	total, hits := len(an.numbers)+len(an.names), 0
	for _, vals := range an.numbers {
		if slices.ContainsFunc(vals, func(v string) bool { return has(a.tr.nums, v, j) }) {
			hits++
		}
	}
	for _, ws := range an.names {
		if !slices.ContainsFunc(ws, func(w string) bool { return !has(a.tr.words, w, j) }) {
			hits++
		}
	}
	if total > 0 {
		c += 1.5 * float64(total-hits) / float64(total)
	}
	return c
}

// Shifted says, for paragraphs paired index by index, which translation
// paragraph reads more like a translation of the source paragraph before
// or after its own. As many paragraphs on both sides pair index by index,
// so a model that merged two paragraphs and split another shifts the ones
// between by one, and no check need name them; the translation memory
// must not keep those as each other's translations.
func Shifted(source, translation []string, to string) []bool {
	const margin = 0.2 // a clear difference in length, numbers or names, not a tie
	shifted := make([]bool, len(source))
	a, err := newAligner(context.Background(), source, translation, to)
	if err != nil || len(source) != len(translation) {
		return shifted
	}
	for i := range source {
		own := a.pairCost(i, i)
		for _, k := range []int{i - 1, i + 1} {
			if k >= 0 && k < len(source) && a.pairCost(k, i)+margin < own {
				shifted[i] = true
			}
		}
	}
	return shifted
}
