package translate

import (
	"math"
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
// and leaving a paragraph unpaired costs a constant.
func Align(source, translation []string, to string) []Pair {
	n, m := len(source), len(translation)
	if n == m {
		ps := make([]Pair, n)
		for i := range ps {
			ps[i] = Pair{i + 1, i + 1}
		}
		return ps
	}
	return tracePairs(alignMoves(source, translation, to), n, m)
}

// alignMoves fills the alignment table: move[i][j] says how the cheapest
// alignment of source[:i] with translation[:j] was reached ('p' a pair,
// 's' a source paragraph left out, 't' a translation paragraph added).
func alignMoves(source, translation []string, to string) [][]byte {
	n, m := len(source), len(translation)
	const skip = 1.0
	want := lang.LengthRatio(to)
	src := make([]anchors, n)
	for i, s := range source {
		src[i] = anchorsOf(s)
	}
	trNums := make([]numberSet, m)
	trNorm := make([]string, m)
	for j, t := range translation {
		trNums[j] = translationNumbers(t, to)
		trNorm[j] = " " + normName(t) + " "
	}
	cost := make([][]float64, n+1)
	move := make([][]byte, n+1)
	for i := range cost {
		cost[i] = make([]float64, m+1)
		move[i] = make([]byte, m+1)
		for j := range cost[i] {
			cost[i][j] = math.Inf(1)
		}
	}
	cost[0][0] = 0
	// Only a band around the diagonal: a path strays from it by the
	// paragraphs dropped or added, which the counts bound up to a slack
	// for drops and additions that cancel out. That keeps a 500-paragraph
	// article to a fraction of the full table.
	const slack = 12
	lo, hi := min(0, m-n)-slack, max(0, m-n)+slack
	for i := 0; i <= n; i++ {
		for j := max(0, i+lo); j <= min(m, i+hi); j++ {
			if i > 0 && j > 0 {
				c := cost[i-1][j-1] + pairCost(source[i-1], translation[j-1], src[i-1], trNums[j-1], trNorm[j-1], want)
				if c < cost[i][j] {
					cost[i][j], move[i][j] = c, 'p'
				}
			}
			if i > 0 && cost[i-1][j]+skip < cost[i][j] {
				cost[i][j], move[i][j] = cost[i-1][j]+skip, 's'
			}
			if j > 0 && cost[i][j-1]+skip < cost[i][j] {
				cost[i][j], move[i][j] = cost[i][j-1]+skip, 't'
			}
		}
	}
	return move
}

// tracePairs walks the moves back from the end and returns the pairs in
// order.
func tracePairs(move [][]byte, n, m int) []Pair {
	var rev []Pair
	for i, j := n, m; i > 0 || j > 0; {
		switch move[i][j] {
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
	out := make([]Pair, len(rev))
	for k, p := range rev {
		out[len(rev)-1-k] = p
	}
	return out
}

// anchors are what a paragraph's translation must carry over: its numbers
// (every value each may be written as) and its capitalised words.
type anchors struct {
	numbers []numberSet
	names   []string // normalised
}

func anchorsOf(p string) anchors {
	var a anchors
	for _, loc := range numberRe.FindAllStringIndex(p, -1) {
		set := numberSet{}
		interpretations(p[loc[0]:loc[1]], true, nextWord(p, loc[1]), set)
		if len(set) > 0 {
			a.numbers = append(a.numbers, set)
		}
	}
	for _, w := range strings.Fields(p) {
		w = strings.TrimFunc(w, func(r rune) bool { return !isWordRune(r) })
		if r, _ := utf8.DecodeRuneInString(w); utf8.RuneCountInString(w) >= 3 && r != utf8.RuneError && isUpper(r) {
			a.names = append(a.names, normName(w))
		}
	}
	return a
}

// pairCost is how unlikely it is that t translates s: 0 for a translation
// of the expected length that carries all of s's numbers and names.
func pairCost(s, t string, a anchors, tNums numberSet, tNorm string, want float64) float64 {
	ls, lt := float64(max(1, utf8.RuneCountInString(s))), float64(max(1, utf8.RuneCountInString(t)))
	c := math.Min(2, math.Abs(math.Log(lt/(ls*want))))
	total, hits := len(a.numbers)+len(a.names), 0
	for _, set := range a.numbers {
		for k := range set {
			if tNums[k] {
				hits++
				break
			}
		}
	}
	for _, nm := range a.names {
		if strings.Contains(tNorm, " "+nm) {
			hits++
		}
	}
	if total > 0 {
		c += 1.5 * float64(total-hits) / float64(total)
	}
	return c
}
