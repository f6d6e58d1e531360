package llm

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrPromptCut marks a response whose prompt the server cut without saying
// so (Ollama keeps the first few tokens and the last window's worth, and
// answers 200). The *Error carrying it also matches ErrArticle and
// ErrContextLength, so a caller splits the text and redoes it, as for a
// prompt the server refused as too long, and a Cut (errors.As) says what
// the server read. The answer is never used.
var ErrPromptCut = errors.New("the server cut the prompt")

// PromptEstimate is the client's own idea of how many tokens a prompt is,
// from its characters: Low is the fewest a current tokenizer would make of
// it, Likely the usual count. (Translate's EstimateTokens is the high one,
// for fitting prompts into a window.)
type PromptEstimate struct {
	Low, Likely int
}

// EstimatePrompt estimates the tokens of a request's system and user text.
func EstimatePrompt(system, user string) PromptEstimate {
	runes := utf8.RuneCountInString(system) + utf8.RuneCountInString(user)
	return PromptEstimate{Low: runes / lowCharsPerToken, Likely: runes / likelyCharsPerToken}
}

const (
	// lowCharsPerToken: even large-vocabulary tokenizers on English rarely
	// pass 5 characters a token; Danish makes fewer.
	lowCharsPerToken = 5
	// likelyCharsPerToken matches the client's estimate for TPM budgets.
	likelyCharsPerToken = 3
	// cutShare: a reported prompt under this share of the low estimate
	// was cut; no tokenizer is that much better than the estimate (it
	// would need over 8 characters a token).
	cutShare = 0.6
	// cutMargin: a server that cut a prompt reports the window or a few
	// tokens less.
	cutMargin = 8
)

// commonWindows are the window sizes servers default to. A silently
// cutting server whose report is one of them may have cut there, or the
// prompt was that long: a suspicion, confirmed only by the calibration.
var commonWindows = []int{2048, 4096, 8192, 16384, 32768, 65536, 131072}

// Cut describes a prompt the server cut. It is the error ErrPromptCut
// answers carry, for errors.As.
type Cut struct {
	// Reported is the prompt_tokens the server reported; Estimate is what
	// brief sent.
	Reported int
	Estimate PromptEstimate
	// Window is what the server cut the prompt to: the report, or the
	// window it is a few tokens under.
	Window int
	// Confirmed: the evidence holds whatever the prompt's real size (far
	// below any tokenizer's count, or the server's own window filled), or
	// the calibration agrees it was larger than Window. An unconfirmed cut
	// is redone smaller but never lowers the run's window.
	Confirmed bool
}

func (c Cut) Error() string {
	return fmt.Sprintf("the server cut the prompt to %d tokens (brief sent about %d)", c.Window, c.Estimate.Likely)
}

// cutView is what the client knows about its server when it judges an
// answer's prompt_tokens.
type cutView struct {
	// silent: the server is of a kind that cuts over-long prompts without
	// an error (Ollama; llama.cpp and LM Studio with some settings) and
	// has never refused one as too long.
	silent bool
	// refuses: the server answers an over-long prompt with an error
	// (OpenAI, vLLM, or any server that did), so it never cuts one.
	refuses bool
	// window is the window in use; announced the server's own number (0
	// when it gave none).
	window, announced int
	// predicted is what the calibration (the answers before this one)
	// makes of the prompt, 0 without a measurement.
	predicted int
}

// detectCut is the one test for a prompt the server cut silently, on
// evidence that holds for that server. Given what it reported reading
// (prompt_tokens) and what brief sent, the prompt was cut when
//
//   - the report is far below the estimate (under 60 % of the low one):
//     no tokenizer counts that few, on any server but one that refuses;
//   - the server cuts silently and the report fills its own window (or
//     is a few tokens under it): brief leaves room for the answer; or
//   - the server cuts silently and the report is a common window size
//     (or the window in use): a suspicion, since a prompt may be that long
//     by chance. It is confirmed when the calibration puts the prompt at
//     more than that size with its margin.
//
// A server that refuses over-long prompts is never suspected, and a
// reported 0 (no usage) proves nothing.
func detectCut(reported int, est PromptEstimate, v cutView) (Cut, bool) {
	cut := Cut{Reported: reported, Estimate: est, Window: reported, Confirmed: true}
	switch {
	case reported <= 0 || v.refuses:
		return cut, false
	case float64(reported) < cutShare*float64(est.Low):
		return cut, true
	case !v.silent:
		return cut, false
	case near(reported, v.announced):
		cut.Window = v.announced
		return cut, true
	}
	for _, w := range append([]int{v.window}, commonWindows...) {
		if near(reported, w) {
			cut.Window = w
			cut.Confirmed = float64(v.predicted) > calibrationMargin*float64(w)
			return cut, true
		}
	}
	return cut, false
}

// near: a report of reported tokens is window w, or a few tokens under it.
func near(reported, w int) bool { return w > 0 && reported <= w && reported >= w-cutMargin }

// SetWindow tells the client the window requests are fitted into and what
// discovery learnt of the server (its kind and own window), for cut
// detection.
func (c *Client) SetWindow(w Window, s Server) {
	c.winMu.Lock()
	defer c.winMu.Unlock()
	c.window, c.server = w, s
}

// Window is the window requests are fitted into: as set, or lower once a
// confirmed cut showed the server's real one. Zero before SetWindow.
func (c *Client) Window() Window {
	c.winMu.Lock()
	defer c.winMu.Unlock()
	return c.window
}

// measure takes a finished answer's prompt_tokens as a measurement (not
// preflight's or check's: their prompts are a few words): it calibrates the
// tokenizer, and checks for a silently cut prompt by the calibration
// before this answer. A confirmed cut that shows a window smaller than the
// one in use lowers it for later requests, with one line saying so: the
// server said more than it gives.
func (c *Client) measure(req Request, resp Response) (Cut, bool) {
	if resp.Usage.Estimated || req.Stage == "preflight" || req.Stage == "check" {
		return Cut{}, false
	}
	ratio := c.TokensPerByte()
	c.cal.Observe(len(req.System)+len(req.User), resp.Usage.PromptTokens)
	c.winMu.Lock()
	defer c.winMu.Unlock()
	kind := c.server.Kind
	v := cutView{
		refuses:   kind == KindOpenAI || kind == KindVLLM || c.refused.Load(),
		window:    c.window.Tokens,
		announced: c.server.Window,
		predicted: int(ratio*float64(len(req.System)+len(req.User))) + templateTokens,
	}
	v.silent = !v.refuses && (kind == KindOllama || kind == KindLlamaCpp || kind == KindLMStudio)
	if ratio == 0 {
		v.predicted = 0
	}
	cut, ok := detectCut(resp.Usage.PromptTokens, EstimatePrompt(req.System, req.User), v)
	if ok && cut.Confirmed && c.window.Tokens > cut.Window {
		c.logf("%s cut a prompt at %d tokens although the window was %s: using %d tokens from now on", c.Endpoint(), cut.Window, c.window, cut.Window)
		c.window = Window{Tokens: cut.Window, Source: fmt.Sprintf("the server cut prompts at %d tokens", cut.Window)}
	}
	return cut, ok
}
