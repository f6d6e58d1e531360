package llm

import (
	"math"
	"sync/atomic"
	"unicode"
)

// This file holds the token estimate for planning and its calibration: what
// a model's tokenizer really makes of the text brief sends, learnt from the
// server's own counts.
// EstimateTokens guesses for a typical tokenizer; a small vocabulary (a
// byte-fallback one spends a token per byte of Danish) makes two or three
// times as many, and Ollama cuts what does not fit without an error. So
// every answer's prompt_tokens, against the bytes sent, is a measurement,
// and planning never assumes fewer tokens than the worst measurement says.

// Bytes rather than characters: a tokenizer's cost per UTF-8 byte varies far
// less between texts than its cost per character (æ, ø, å and garbage in
// the answers of a broken model are two or three bytes each).
const (
	// calibrationMargin is added to the worst ratio seen: the next text
	// may tokenize a little worse than any before.
	calibrationMargin = 1.1
	// minCalibrationBytes: a shorter prompt says more about the chat
	// template's own tokens than about the tokenizer.
	minCalibrationBytes = 512
	// templateTokens is what the chat template adds around the messages,
	// taken off each measurement (translate's messageOverhead).
	templateTokens = 16
	// maxTokensPerByte is past any real tokenizer (byte fallback spends one
	// token a byte): a usage claiming more is not a measurement, and since
	// the worst ratio is kept for good, believing it would fail every run.
	maxTokensPerByte = 4
)

// Calibration is the worst tokens-per-byte ratio seen for one model at one
// endpoint. The zero value has seen nothing. It is safe for concurrent use.
type Calibration struct {
	bits    atomic.Uint64 // math.Float64bits of the ratio; 0 = none
	onWorse atomic.Pointer[func(ratio float64)]
}

// TokensPerByte is the worst ratio seen (without the margin), 0 before the
// first measurement.
func (c *Calibration) TokensPerByte() float64 {
	return math.Float64frombits(c.bits.Load())
}

// Observe records one answer: the server read promptTokens tokens of a
// prompt of bytes bytes (system and user text). A prompt the server cut
// reports fewer tokens than it had, so its measurement is a lower bound,
// which is still worth keeping. It returns whether the ratio got worse.
func (c *Calibration) Observe(bytes, promptTokens int) bool {
	if bytes < minCalibrationBytes || promptTokens <= templateTokens {
		return false
	}
	r := float64(promptTokens-templateTokens) / float64(bytes)
	if r > maxTokensPerByte || !c.raise(r) {
		return false
	}
	if f := c.onWorse.Load(); f != nil {
		(*f)(r)
	}
	return true
}

// Seed starts the calibration from an earlier run's ratio (kept with the
// cache); a worse ratio already seen is kept.
func (c *Calibration) Seed(ratio float64) {
	if ratio > 0 && ratio <= maxTokensPerByte && !math.IsNaN(ratio) {
		c.raise(ratio)
	}
}

// OnWorse sets f to be called (outside any lock) with each new worst ratio,
// to keep it with the cache.
func (c *Calibration) OnWorse(f func(ratio float64)) { c.onWorse.Store(&f) }

func (c *Calibration) raise(r float64) bool {
	for {
		old := c.bits.Load()
		if r <= math.Float64frombits(old) {
			return false
		}
		if c.bits.CompareAndSwap(old, math.Float64bits(r)) {
			return true
		}
	}
}

// TokenRatio is a Completer (a Client, a Pool) that has learnt its
// tokenizer; TokensPerByte is 0 until it has.
type TokenRatio interface {
	TokensPerByte() float64
}

// Estimator sizes text for planning: EstimateTokens, or more when the
// model's measured ratio says its tokenizer makes more of the text. The
// zero Estimator is EstimateTokens alone. It reads the ratio at each call,
// so a plan made after an answer arrived already uses that answer.
type Estimator struct{ src TokenRatio }

// EstimatorFor is the estimator for requests sent through c: calibrated
// when c learns its tokenizer (brief's Client and Pool do).
func EstimatorFor(c Completer) Estimator {
	r, _ := c.(TokenRatio)
	return Estimator{src: r}
}

// Ratio is the tokens per byte planning assumes, margin included; 0 when
// nothing has been measured.
func (e Estimator) Ratio() float64 {
	if e.src == nil {
		return 0
	}
	return e.src.TokensPerByte() * calibrationMargin
}

// Tokens is the planning estimate for s.
func (e Estimator) Tokens(s string) int {
	return max(EstimateTokens(s), int(math.Ceil(float64(len(s))*e.Ratio())))
}

// Cost is Tokens before rounding; it adds up over concatenation.
func (e Estimator) Cost(s string) float64 { return e.Adjust(TokenCost(s), len(s)) }

// Adjust is Cost for a text whose TokenCost is already known (heuristic)
// and whose length is bytes.
func (e Estimator) Adjust(heuristic float64, bytes int) float64 {
	return max(heuristic, float64(bytes)*e.Ratio())
}

// Calibration is the client's measurement of its model's tokenizer.
func (c *Client) Calibration() *Calibration { return &c.cal }

// TokensPerByte is the worst ratio this client's answers showed.
func (c *Client) TokensPerByte() float64 { return c.cal.TokensPerByte() }

// TokensPerByte is the worst ratio of the pool's servers: a request may go
// to any of them.
func (p *Pool) TokensPerByte() float64 {
	worst := 0.0
	for _, s := range p.servers {
		worst = max(worst, s.c.TokensPerByte())
	}
	return worst
}

var (
	_ TokenRatio = (*Client)(nil)
	_ TokenRatio = (*Pool)(nil)
)

// The estimate below is the conservative one used to fit prompts into
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
