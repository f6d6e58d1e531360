package llm

import (
	"math"
	"unicode"
)

// This file holds the conservative token estimate used to fit prompts into
// a context window (translate's chunks, summaries, the digest). It errs
// high on purpose. The client's own estimate for TPM reservations and for
// usage an endpoint does not report (estimate in client.go) aims at the
// likely count instead, so a rate-limited run is not slowed by guesses.

// EstimateTokens is a conservative (high) estimate of how many tokens s costs
// a typical model. brief cannot know the server's tokenizer, and Ollama cuts
// a prompt that does not fit its window without saying so, so the estimate
// errs on the side of too many tokens. It is measured per rune class:
//
//   - ASCII letters cost 0.4 tokens (2.5 letters a token). English runs at
//     about 4 letters a token in current tokenizers, but Danish compounds
//     ("atomafrustning") and small vocabularies (Llama 2, Mistral) break
//     words into short pieces; 2.5 covers Danish in those.
//   - Other letters of alphabetic scripts (æ, ø, å, é, Cyrillic, Greek,
//     Arabic...) cost 0.75 to 1: byte-level tokenizers merge them poorly, so
//     Danish words with æ/ø/å cost more than their length suggests.
//   - Han, kana and Hangul cost 1.5 (often more than one token a character).
//   - Digits cost 1 each (Llama-style tokenizers split numbers into digits),
//     as do punctuation, symbols and newlines (rarely merged with letters).
//   - Spaces are free: tokenizers fold them into the following word.
//
// The result is always at least 1 for non-empty text. Runtime checks catch
// what an estimate misses: a reply cut for length, or a prompt the server
// reports as filling the whole window, is split smaller and redone.
func EstimateTokens(s string) int {
	if s == "" {
		return 0
	}
	return max(1, int(math.Ceil(TokenCost(s))))
}

// TokenCost is EstimateTokens before rounding; it adds up over concatenation,
// which lets the chunk planner grow a chunk without re-measuring it.
func TokenCost(s string) float64 {
	var t float64
	for _, r := range s {
		t += runeCost(r)
	}
	return t
}

func runeCost(r rune) float64 {
	switch {
	case r < 0x80:
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return 0.4
		case r == ' ' || r == '\t' || r == '\r':
			return 0
		default: // digits, punctuation, newline, controls
			return 1
		}
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return 1.5
	case unicode.In(r, unicode.Latin):
		return 1 // æ, ø, å and other accented Latin letters
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return 0.75
	case unicode.IsSpace(r):
		return 0
	default:
		return 1
	}
}
