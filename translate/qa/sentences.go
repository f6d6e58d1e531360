package qa

import (
	"regexp"
	"strings"
)

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

// normalized is s as compared for repetition: case and spacing ignored.
func normalized(s string) string { return strings.ToLower(CollapseSpace(s)) }
