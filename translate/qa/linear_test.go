package qa

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/lang"
)

// The checks on articles of pathological shape: they finish with the
// right findings, their memory does not grow with the square of the
// paragraphs, and they stop when the run's context ends. (No timing is
// asserted: a quadratic step shows as a test that does not finish.)

// tinyArticle is n short numbered paragraphs, a results list, and a
// translation of it (as llmtest's fake writes one) without paragraph drop.
func tinyArticle(n, drop int) (src, tr []string) {
	for i := range n {
		src = append(src, fmt.Sprintf("Nr. %d: Vejle, %d point.", i+1, i%97))
		if i != drop {
			tr = append(tr, fmt.Sprintf("No. %d: Vejle, %d points.", i+1, i%97))
		}
	}
	return src, tr
}

// allocated is the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The alignment's memory follows the paragraphs, not their square:
// doubling them doubles what a linear step allocates, and a table of
// paragraphs × paragraphs, even of one byte a cell, would add 2n² bytes
// (72 MB at 6,000). The difference is used, not the total, because under
// -race every regexp match allocates (no sync.Pool): 525 MB at 8,000
// paragraphs, all of it linear.
func TestAlignmentMemoryGrowsLinearly(t *testing.T) {
	alloc := func(n int) int64 {
		src, tr := tinyArticle(n, n/2)
		return int64(allocated(func() {
			if _, _, err := align(context.Background(), src, tr, "en"); err != nil {
				t.Fatal(err)
			}
		}))
	}
	small, large := alloc(6_000), alloc(12_000)
	if extra := large - 2*small; extra > 24<<20 {
		t.Errorf("aligning 6,000 paragraphs allocated %d MB, 12,000 allocated %d MB: %d MB more than twice as much", small>>20, large>>20, extra>>20)
	}
}

func TestAlignOfManyTinyParagraphsNamesTheDroppedOne(t *testing.T) {
	src, tr := tinyArticle(8_000, 5_678)
	fs := checkAll(src, tr, "da", "en")
	ps := withCode(fs, CodeParagraphs)
	if len(ps) != 1 || ps[0].SourceParagraph != 5_679 || !strings.Contains(ps[0].Message, `"Nr. 5679: Vejle, 52 point."`) {
		t.Fatalf("paragraph findings = %q, want paragraph 5679 named as missing", Messages(ps))
	}
	if wrong := append(withCode(fs, CodeMissingNumber), withCode(fs, CodeName)...); len(wrong) > 0 {
		t.Errorf("findings = %q, want none about numbers or names: the paragraphs are lined up right", Messages(wrong))
	}
}

func TestAlignPastItsWorkLimitIsSkippedWithAFinding(t *testing.T) {
	// Half the paragraphs merged away: a band as wide as the article.
	src, _ := tinyArticle(10_000, -1)
	tr := make([]string, 0, 5_000)
	for i := 0; i < len(src); i += 2 {
		tr = append(tr, strings.Replace(src[i], "Nr.", "No.", 1)+" "+strings.Replace(src[i+1], "Nr.", "No.", 1))
	}
	if !slices.Equal(Align(src, tr, "en"), byIndex(len(src), len(tr))) {
		t.Error("Align lined up 10,000 paragraphs with 5,000, past its work limit, instead of pairing them index by index")
	}
	fs := checkAll(src, tr, "da", "en")
	ps := withCode(fs, CodeParagraphs)
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "too different to line up") || ps[0].SourceParagraph != 0 {
		t.Fatalf("paragraph findings = %q, want one saying the alignment was skipped", Messages(ps))
	}
}

// names is n distinct invented two-word names, a list as results pages
// and party lists have, with "Kim Jong-un" spelt a second way among them.
func manyNames(n int) []string {
	first := []string{"Anne", "Lars", "Mette", "Søren", "Jens", "Karen", "Mads", "Ida"}
	syl := []string{"ba", "ber", "dal", "fjor", "gaard", "holm", "kjær", "lund", "nes", "rup", "strø", "tof", "vig"}
	var ps []string
	var b strings.Builder
	for i := range n {
		last, k := "", i
		for range 4 {
			last += syl[k%len(syl)]
			k /= len(syl)
		}
		fmt.Fprintf(&b, "mødte %s %s%s og ", first[i%len(first)], strings.ToUpper(last[:1]), last[1:])
		if i%10 == 9 {
			ps = append(ps, "Her "+b.String()+"gik.")
			b.Reset()
		}
		if i == n/2 {
			ps = append(ps, "Her mødte Kim Jong-un og gik.")
		}
	}
	return append(ps, "Her mødte Kim Yong-un og gik.")
}

func TestNamesCheckOfManyDistinctNamesFindsTheTwoSpellings(t *testing.T) {
	src := manyNames(10_000)
	fs := checkAll(src, src, "da", "en")
	found := false
	for _, f := range withCode(fs, CodeNameSpelling) {
		found = found || strings.Contains(f.Message, `"Kim Jong-un"`) && strings.Contains(f.Message, `"Kim Yong-un"`)
	}
	if !found {
		t.Fatalf("findings = %q, want Kim Jong-un spelt two ways", Messages(fs))
	}
}

func TestSpellingFindingsAreCapped(t *testing.T) {
	var src []string
	for i := range 100 {
		src = append(src, fmt.Sprintf("Her mødte Anne Hansen%c og Anne Hansen%c hinanden.", 'a'+rune(i%26), 'a'+rune((i+1)%26)))
	}
	fs := withCode(checkAll(src, src, "da", "en"), CodeNameSpelling)
	if len(fs) != maxSpellingFindings+1 || !strings.Contains(fs[len(fs)-1].Message, "more names two ways") {
		t.Fatalf("%d spelling findings, the last %q; want %d and a count of the rest", len(fs), fs[len(fs)-1].Message, maxSpellingFindings+1)
	}
}

func TestBandedEditDistanceAgreesWithTheWholeTable(t *testing.T) {
	words := []string{"", "a", "ab", "kim jong un", "kim yong un", "kim jung un", "kim jong", "jong un kim", "pompeo", "pompei", "pompeio", "mette hansen", "mette jensen", "æbleø", "æblø"}
	for _, a := range words {
		for _, b := range words {
			want := wholeTableDistance([]rune(a), []rune(b))
			for k := range 5 {
				d, ok := editDistance([]rune(a), []rune(b), k)
				if ok != (want <= k) || ok && d != want {
					t.Errorf("editDistance(%q, %q, %d) = %d, %v; edit distance %d", a, b, k, d, ok, want)
				}
			}
		}
	}
}

// wholeTableDistance is the edit distance computed over the whole table.
func wholeTableDistance(ra, rb []rune) int {
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func TestRepetitionOfOneWordAllOverIsCutInOnePass(t *testing.T) {
	answer := "The council met. " + strings.Repeat("yes ", 20_000) + "The end."
	got, fs := Clean(answer, []string{"Byrådet mødtes. Ja. Slut."})
	if len(got) > 200 || len(fs) != 1 || fs[0].Code != CodeRepetition {
		t.Fatalf("cleaned to %d bytes, findings %q", len(got), Messages(fs))
	}
	// And a source that repeats one paragraph thousands of times allows
	// its translation to.
	src := make([]string, 5_000)
	for i := range src {
		src[i] = "Vejle vandt kampen med 2-1 efter en scoring i det sidste minut."
	}
	tr := strings.Repeat("Vejle won the match 2-1 after a goal in the last minute.\n\n", len(src))
	if got, fs := Clean(tr, src); len(fs) != 0 || len(Paragraphs(got)) != len(src) {
		t.Fatalf("a repetition the source has was cut: %d paragraphs, findings %q", len(Paragraphs(got)), Messages(fs))
	}
}

// endsAfter is a run that ends (Err is context.Canceled) after its first
// n polls: cancelled in the middle of a loop, without timing.
type endsAfter struct {
	context.Context
	n int
}

func (c *endsAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// Each of the checks' loops over a whole article polls the run's context
// and stops when it ends: every case is cancelled after the loop's first
// poll, and nothing after the loop polls again.
func TestCheckStopsWhenTheRunEnds(t *testing.T) {
	src, tr := tinyArticle(2_000, 100)
	bg := context.Background()
	al, err := newAligner(bg, src, tr, "en")
	if err != nil {
		t.Fatal(err)
	}
	var names []name
	for i, p := range manyNames(3_000) {
		names = append(names, sourceNames(p, i)...)
	}
	threeHundred := manyNames(300)
	same := func(i int) int { return i }
	label := func(i int) string { return fmt.Sprint(i) }
	for _, c := range []struct {
		loop  string
		polls int // before the loop's own first poll
		run   func(ctx context.Context) error
	}{
		{"the source's anchors", 0, func(ctx context.Context) error { _, err := newAligner(ctx, src, nil, "en"); return err }},
		{"the translation's index", 0, func(ctx context.Context) error { _, err := newTrIndex(ctx, tr, "en"); return err }},
		{"the alignment's band", 0, func(ctx context.Context) error { _, err := al.moves(ctx, -13, 26); return err }},
		{"comparing spellings", 0, func(ctx context.Context) error { _, err := spellingFindings(ctx, spellings(names), label); return err }},
		// 300 spellings: comparing them polls twice
		{"looking names up", 2, func(ctx context.Context) error {
			_, err := nameFindings(ctx, threeHundred, threeHundred, nil, same, label)
			return err
		}},
	} {
		if err := c.run(&endsAfter{bg, c.polls + 1}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s went on after the run ended: err = %v, want context.Canceled", c.loop, err)
		}
	}
}

// The bucketing finds exactly the pairs comparing every pair finds, on
// names made one or two edits apart on purpose.
func TestSpellingPairsAreThoseOfComparingEveryPair(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	letters := []rune("abdeghijklmnoprstuvyæøå")
	var forms []spelling
	for len(forms) < 600 {
		w := make([]rune, 4+r.IntN(12))
		for i := range w {
			w[i] = letters[r.IntN(len(letters))]
		}
		base := "anne " + string(w)
		for range 1 + r.IntN(3) {
			v := []rune(base)
			for range r.IntN(3) { // zero to two edits
				switch i := r.IntN(len(v)-5) + 5; r.IntN(3) {
				case 0:
					v[i] = letters[r.IntN(len(letters))]
				case 1:
					v = append(v[:i], v[i+1:]...)
				default:
					v = append(v[:i], append([]rune{letters[r.IntN(len(letters))]}, v[i:]...)...)
				}
			}
			sp := spelling{norm: string(v), runes: v, words: len(strings.Fields(string(v)))}
			for _, c := range v {
				sp.letters |= 1 << (uint(c) % 64)
			}
			forms = append(forms, sp)
		}
	}
	got, complete, err := spellingPairs(context.Background(), forms)
	if err != nil || !complete {
		t.Fatal(err, complete)
	}
	var want [][2]int
	for i := range forms {
		for j := i + 1; j < len(forms); j++ {
			if spelledTwoWays(&forms[i], &forms[j]) {
				want = append(want, [2]int{i, j})
			}
		}
	}
	if len(want) < 100 || !slices.Equal(got, want) {
		t.Fatalf("bucketed pairs: %d, every pair compared: %d", len(got), len(want))
	}
}

// Words finds exactly the terms ContainsWord finds, one by one.
func TestWordsFindWhatContainsWordFinds(t *testing.T) {
	terms := []string{"eu", "eu-landene", "sø", "søndag", "det radikale venstre", "venstre", "-", "#", "'s", "2-1", "nr. 5", "ø", "æbleø", "a b", "b"}
	hays := []string{"", "eu", "EU's", "eur", "eu-landene og eu", "søndag ved søen", "sø", "det radikale venstre vandt", "venstre-manden",
		"kampen endte 2-1.", "nr. 5 vandt", "nr. 50", "æbleø-ø", "a  b", "a b", "x-#-y", "peter's", "-"}
	x := NewWords(terms)
	for _, hay := range hays {
		var want []int
		for i, term := range terms {
			if ContainsWord(hay, term) {
				want = append(want, i)
			}
		}
		if got := x.In(hay); !slices.Equal(got, want) {
			t.Errorf("In(%q) = %v, ContainsWord finds %v", hay, got, want)
		}
	}
}

// The glossary's names are looked up in one pass: 100,000 names that the
// translation lacks, over 100,000 paragraphs, were ten billion searches of
// a paragraph (minutes), one per name and paragraph until found.
func TestGlossaryOfManyNamesOverManyParagraphsIsOnePass(t *testing.T) {
	const n = 100_000
	src, terms := make([]string, n), make([]Term, n)
	for i := range n {
		src[i] = fmt.Sprintf("Nr. %d: Vejle, %d point.", i+1, i%97)
		terms[i] = Term{Source: fmt.Sprintf("Klub%d", i), Target: fmt.Sprintf("Club%d", i)}
	}
	src[12_345] = "Klub99999 vandt over Klub7."
	words := newTextWords(normName(strings.Join(src, " ")), namesLookupLimit)
	var got []string
	for _, f := range glossaryNameFindings(src, words, terms, func(i int) int { return i }, func(i int) string { return fmt.Sprint(i) }) {
		got = append(got, fmt.Sprintf("%s in %d", f.Evidence, f.SourceParagraph))
	}
	if !slices.Equal(got, []string{"Klub7 in 12346", "Klub99999 in 12346"}) {
		t.Fatalf("glossary findings: %q, want Klub7 and Klub99999 in paragraph 12346, in glossary order", got)
	}
}

// A whole number is read without exact fractions, to the same values.
func TestWholeNumbersReadAsExactFractionsDo(t *testing.T) {
	for _, tok := range []string{"0", "7", "007", "2026", "123456789"} {
		for _, next := range []string{"", "mio.", "tusind", "point"} {
			got, want := numberSet{}, numberSet{}
			interpretations(tok, false, next, got)
			v, _ := new(big.Rat).SetString(tok)
			want.addRat(v)
			if m, ok := lang.ScaleWords[strings.TrimRight(next, ".")]; ok {
				want.addRat(new(big.Rat).Mul(v, big.NewRat(m, 1)))
			}
			if !maps.Equal(got, want) {
				t.Errorf("%q before %q reads as %v, want %v", tok, next, got, want)
			}
		}
	}
}
