package translate

import "github.com/brief-news/brief/internal/lang"

// messageOverhead is what the chat template adds around the system and user
// messages and the start of the answer (role markers, special tokens).
const messageOverhead = 16

// outputSlack is added to every expected answer for the paragraph separators
// and the odd extra word.
const outputSlack = 16

// outputFactor is the expected answer size in estimated tokens per estimated
// source token, for a target language. The estimate counts letters by script,
// so a target in a non-Latin script costs more estimated tokens for the same
// text; the factors carry a margin because a reply cut at max_tokens has to be
// redone in smaller parts.
func outputFactor(to string) float64 {
	switch lang.ScriptOf(to) {
	case lang.ScriptLatin:
		return 1.2
	case lang.ScriptCJK:
		return 1.5
	default: // Cyrillic, Greek, Arabic, Hebrew, unknown...
		return 2.2
	}
}
