// Package tm is brief's translation memory: paragraphs it translated
// before, so a paragraph that comes back (an update repeating its first
// version, background repeated story after story) is not paid for again and
// reads the same every time. It keeps source → translation pairs in the
// cache, under the same identity that keys the cache's translations (model,
// --cache-tag, prompts, glossary, languages), so it follows the cache's
// rules: atomic entries, bounded, pruned with it, gone with --no-cache.
//
// An exact match (after Normalize) is reused as it is; a near one (the same
// words, a few numbers or names changed) is only a reference for the model.
package tm

import (
	"crypto/sha256"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/brief-news/brief/internal/cache"
)

// Memory is one identity's paragraphs. A nil *Memory remembers nothing
// and recalls nothing.
type Memory struct {
	c        *cache.Cache
	id       string
	from, to string
	// learned holds the hashes of the normalised paragraphs this memory
	// stored (shared with its AsFound view, which recalls none of them).
	learned *sync.Map
	asFound bool
}

// New returns the memory in c for translations from one language to
// another made the way identity says (model, tag, prompt hash, ...); nil
// when there is no cache (--no-cache).
func New(c *cache.Cache, from, to string, identity ...string) *Memory {
	if c == nil {
		return nil
	}
	id := cache.Key(append([]string{"tm", from, to}, identity...)...)
	return &Memory{c: c, id: id, from: from, to: to, learned: &sync.Map{}}
}

// AsFound is m as it was made: it recalls nothing m stored since. (A
// batch was collected with the memory as the run found it; an article
// whose requests it answered keeps to them.)
func (m *Memory) AsFound() *Memory {
	if m == nil {
		return nil
	}
	c := *m
	c.asFound = true
	return &c
}

// Learnt reports whether m stored src (since it was made).
func (m *Memory) Learnt(src string) bool { return m != nil && m.learnt(Normalize(src)) }

func (m *Memory) learnt(normalized string) bool {
	_, ok := m.learned.Load(sha256.Sum256([]byte(normalized)))
	return ok
}

// hides reports whether this view may not recall the normalised paragraph
// n: an AsFound view recalls nothing learnt since.
func (m *Memory) hides(n string) bool { return m.asFound && m.learnt(n) }

// Pair is a remembered paragraph and its translation.
type Pair struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

// Kinds of entries. The kind is the first field of an entry and the
// identity the second, so Export finds one identity's pairs by their
// opening bytes (cache.Scan) without reading anything else.
const (
	kindPair   = "pair"
	kindBucket = "near"
)

type pairEntry struct {
	Kind string `json:"tm"`
	ID   string `json:"id"`
	Pair
}

// bucket holds the pairs whose sources share a skeleton (see skeleton).
type bucket struct {
	Kind  string `json:"tm"`
	ID    string `json:"id"`
	Pairs []Pair `json:"pairs"`
}

// bucketSize bounds a bucket: the newest pairs of a skeleton are the
// likeliest references, and a lookup compares against each.
const bucketSize = 8

// MaxParagraph is the longest paragraph remembered (in bytes): longer
// ones are not wire paragraphs, and an entry stays small.
const MaxParagraph = 16 << 10

var variants = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u00ab", `"`, "\u00bb", `"`, "\u2033", `"`,
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2039", "'", "\u203a", "'", "\u2032", "'",
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2015", "-", "\u2212", "-",
)

// Normalize is what the memory matches on: the text in NFC, quote and dash
// variants made plain (a resend typed »…« or "…", – or -), runs of white
// space one space.
func Normalize(s string) string {
	return strings.Join(strings.Fields(variants.Replace(norm.NFC.String(s))), " ")
}

// Recall returns the remembered translation of src, if there is one, and
// marks it used so the cache's prune keeps it.
func (m *Memory) Recall(src string) (string, bool) {
	if m == nil {
		return "", false
	}
	n := Normalize(src)
	key := cache.Key("tm-pair", m.id, n)
	var e pairEntry
	if m.hides(n) || !m.c.Get(key, &e) || e.Kind != kindPair || e.ID != m.id || e.Target == "" {
		return "", false
	}
	m.c.Touch(key, time.Now())
	return e.Target, true
}

// Remember stores src's translation unless one is there already: the
// first translation of a paragraph stays, so it reads the same all week.
// It reports whether it stored anything.
func (m *Memory) Remember(src, target string) (bool, error) {
	n := Normalize(src)
	if m == nil || n == "" || strings.TrimSpace(target) == "" || len(n) > MaxParagraph || len(target) > 4*MaxParagraph {
		return false, nil
	}
	key := cache.Key("tm-pair", m.id, n)
	var e pairEntry
	if m.c.Get(key, &e) && e.Kind == kindPair && e.ID == m.id {
		m.c.Touch(key, time.Now())
		return false, nil
	}
	p := Pair{Source: src, Target: target}
	if err := m.c.Put(key, pairEntry{Kind: kindPair, ID: m.id, Pair: p}); err != nil {
		return false, err
	}
	m.learned.Store(sha256.Sum256([]byte(n)), true)
	return true, m.addNear(n, p)
}

// addNear adds p to the bucket of its skeleton, newest last.
func (m *Memory) addNear(normalized string, p Pair) error {
	sk, words := skeleton(normalized)
	if words < minNearWords {
		return nil
	}
	key := cache.Key("tm-near", m.id, sk)
	var b bucket
	if !m.c.Get(key, &b) || b.Kind != kindBucket || b.ID != m.id {
		b = bucket{Kind: kindBucket, ID: m.id}
	}
	if slices.ContainsFunc(b.Pairs, func(q Pair) bool { return Normalize(q.Source) == normalized }) {
		return nil
	}
	b.Pairs = append(b.Pairs, p)
	if len(b.Pairs) > bucketSize {
		b.Pairs = b.Pairs[len(b.Pairs)-bucketSize:]
	}
	return m.c.Put(key, b)
}

// Near matching. A wire update changes a toll, a time, a name and keeps the
// wording; a rewritten sentence is another paragraph. So the measure is
// word for word: two paragraphs are near when their words are the same in
// the same order except for numbers and capitalised words (names), found
// in one lookup by their skeleton (those words blanked), never by
// comparing against every remembered paragraph. The threshold: at most a
// quarter of the words differ, and a paragraph has at least minNearWords
// words: past that it is another fact, and a short line ("Det oplyser
// politiet.") gains nothing from a reference.
const minNearWords = 8

// Near returns the remembered pair closest to src when it is near (see
// above) and not the same paragraph.
func (m *Memory) Near(src string) (Pair, bool) {
	if m == nil {
		return Pair{}, false
	}
	n := Normalize(src)
	sk, words := skeleton(n)
	if words < minNearWords {
		return Pair{}, false
	}
	var b bucket
	if !m.c.Get(cache.Key("tm-near", m.id, sk), &b) || b.Kind != kindBucket || b.ID != m.id {
		return Pair{}, false
	}
	have := strings.Fields(n)
	best, bestDiff := Pair{}, words/4+1
	for _, p := range b.Pairs {
		pn := Normalize(p.Source)
		if d := differing(have, strings.Fields(pn)); d > 0 && d < bestDiff && !m.hides(pn) {
			best, bestDiff = p, d
		}
	}
	return best, best.Source != ""
}

// skeleton is a normalised paragraph with its numbers and capitalised
// words blanked, and its number of words.
func skeleton(normalized string) (string, int) {
	ws := strings.Fields(normalized)
	for i, w := range ws {
		switch {
		case strings.ContainsFunc(w, unicode.IsDigit):
			ws[i] = "#"
		case startsUpper(w):
			ws[i] = "N"
		}
	}
	return strings.Join(ws, " "), len(ws)
}

func startsUpper(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.IsUpper(r)
		}
	}
	return false
}

// differing counts the positions where two word lists differ; -1 when
// their lengths do.
func differing(a, b []string) int {
	if len(a) != len(b) {
		return -1
	}
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}
