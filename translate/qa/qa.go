// Package qa is translate's deterministic quality assurance: what a model's
// answer must lose before it is a translation (Clean: chatter, broken
// characters, runaway repetition) and what an editor should know about a
// translation against its source (Text.Check: paragraphs lined up by
// Align, language, numbers, names, length), each a Finding pinned to its
// paragraphs; Text.Unusable picks the findings that fail the article. It
// calls no model, so the pipeline re-checks a stored translation with it
// at no cost, and the manifest and the review page carry its Findings.
package qa

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Text is a translation with what the checks read beside it.
type Text struct {
	Source, Translation []string // paragraphs, the lede (if any) first
	From, To            string   // language codes ("da", "en")
	Lede                bool     // Source[0] is the lede, named so in messages
	Terms               []Term   // the glossary: its names must appear fixed
}

// Term is a glossary entry: Source is always translated as Target
// (translate.Term).
type Term struct {
	Source string `json:"source"`
	Target string `json:"target"`
}

// Recheck redoes the checks of a stored translation whose findings were
// fs, keeping what only its making could find: cleaning (which saw the raw
// answer) and the model's review.
func (t Text) Recheck(ctx context.Context, fs []Finding) ([]Finding, []Pair, error) {
	var kept []Finding
	for _, f := range fs {
		if cleaningCodes[f.Code] || f.By != "" {
			kept = append(kept, f)
		}
	}
	checked, pairs, err := t.Check(ctx)
	return append(kept, checked...), pairs, err
}

// cleaningCodes are the findings Clean makes from a model's raw answer,
// and a number leaked from a memory reference; they cannot be redone from
// the joined translation, so Recheck keeps them.
var cleaningCodes = map[string]bool{CodeChatter: true, CodeControl: true, CodeInvalidUTF8: true, CodeRepetition: true, CodeMemoryNumber: true}

// Labels names source paragraphs (indexes into the lede-first list) the way
// the review page numbers them: from 1, the lede (when there is one) first
// and called "the lede" (the page marks it so).
type Labels struct{ Lede bool }

// Para is the name of 0-based source paragraph i.
func (l Labels) Para(i int) string {
	if l.Lede && i == 0 {
		return "the lede"
	}
	return fmt.Sprintf("paragraph %d", i+1)
}

// Paragraphs splits text on blank lines; paragraphs come trimmed, empty
// ones dropped.
func Paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Sentences end at end punctuation, or at a line break (lists, lines of
// verse or results without punctuation).
var sentenceEndRe = regexp.MustCompile(`[.!?…]["”»)]?\s+|\n+`)

// Sentences splits after sentence-ending punctuation, keeping every
// character (so joining the parts gives the text back).
func Sentences(p string) []string {
	var out []string
	start := 0
	for _, loc := range sentenceEndRe.FindAllStringIndex(p, -1) {
		out = append(out, p[start:loc[1]])
		start = loc[1]
	}
	if start < len(p) {
		out = append(out, p[start:])
	}
	return out
}

// Numbers are the number tokens of s, as the checks read them.
func Numbers(s string) []string { return numberRe.FindAllString(s, -1) }

// NumbersIn reports whether every source number token is mentioned in text.
func NumbersIn(toks []string, text string) bool {
	have := translationNumbers(text, "")
	for _, n := range toks {
		want := numberSet{}
		interpretations(n, true, "", want)
		if !want.in(have) {
			return false
		}
	}
	return true
}

// CollapseSpace is s with every run of white space one space, trimmed.
func CollapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Clip is s cut to n characters, with "…" marking a cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
