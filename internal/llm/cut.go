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
// prompt the server refused as too long. The answer is never used.
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
	// was cut; no tokenizer is that much better than the estimate.
	cutShare = 0.6
	// cutMargin: a server that cut a prompt reports the window or a few
	// tokens less.
	cutMargin = 8
)

// commonWindows are the window sizes servers default to; a prompt reported
// as exactly one of them while it is larger was cut there.
var commonWindows = []int{2048, 4096, 8192, 16384, 32768, 65536, 131072}

// Cut describes a prompt the server cut.
type Cut struct {
	// Reported is the prompt_tokens the server reported; Estimate is what
	// brief sent.
	Reported int
	Estimate PromptEstimate
	// Window is the window the prompt was cut to when the report shows it
	// (equal to, or a few tokens under, a known window), else 0.
	Window int
}

func (c Cut) String() string {
	to := c.Reported
	if c.Window > 0 {
		to = c.Window
	}
	return fmt.Sprintf("the server cut the prompt to %d tokens (brief sent about %d)", to, c.Estimate.Likely)
}

// DetectPromptCut is the one test for a prompt the server cut silently. It
// trusts no window: given what the server reported reading (prompt_tokens),
// the client's estimate of what it sent, and the windows in play (the one
// in use first, then any other the server or the user named), the prompt
// was cut when
//
//   - the report is far below the estimate: under 60 % of the low one;
//   - the report is a known window (or a few tokens under it: the windows
//     given, and the sizes servers default to) while the likely estimate
//     is above it; or
//   - the report fills the window in use (windows[0]): brief always leaves
//     room for the answer, so a full window means the server dropped some.
//
// A reported 0 (no usage) proves nothing.
func DetectPromptCut(reported int, est PromptEstimate, windows ...int) (Cut, bool) {
	cut := Cut{Reported: reported, Estimate: est}
	if reported <= 0 {
		return cut, false
	}
	for _, w := range append(append([]int(nil), windows...), commonWindows...) {
		if w > 0 && reported <= w && reported >= w-cutMargin && est.Likely > w {
			cut.Window = w
			return cut, true
		}
	}
	if len(windows) > 0 && windows[0] > 0 && reported <= windows[0] && reported >= windows[0]-cutMargin {
		cut.Window = windows[0]
		return cut, true
	}
	return cut, float64(reported) < cutShare*float64(est.Low)
}

// SetWindow tells the client the window requests are fitted into and the
// server's own number (0 when it did not say), for cut detection.
func (c *Client) SetWindow(w Window, server int) {
	c.winMu.Lock()
	defer c.winMu.Unlock()
	c.window, c.announced = w, server
}

// Window is the window requests are fitted into: as set, or lower once a
// cut showed the server's real one. Zero before SetWindow.
func (c *Client) Window() Window {
	c.winMu.Lock()
	defer c.winMu.Unlock()
	return c.window
}

// promptCut checks a finished answer for a silently cut prompt. A cut that
// shows a window smaller than the one in use lowers it for later requests,
// with one line saying so: the server said more than it gives.
func (c *Client) promptCut(req Request, resp Response) (Cut, bool) {
	if resp.Usage.Estimated || req.Stage == "preflight" || req.Stage == "check" {
		return Cut{}, false
	}
	c.winMu.Lock()
	defer c.winMu.Unlock()
	cut, ok := DetectPromptCut(resp.Usage.PromptTokens, EstimatePrompt(req.System, req.User), c.window.Tokens, c.announced)
	if ok && cut.Window > 0 && c.window.Tokens > cut.Window {
		c.logf("%s cut a prompt at %d tokens although the window was %s: using %d tokens from now on", c.Endpoint(), cut.Window, c.window, cut.Window)
		c.window = Window{Tokens: cut.Window, Source: fmt.Sprintf("the server cut prompts at %d tokens", cut.Window)}
	}
	return cut, ok
}

func (c *Client) cutError(cut Cut) *Error {
	return &Error{Class: ErrArticle, Msg: cut.String(), Err: errors.Join(ErrContextLength, ErrPromptCut)}
}
