// Package summarize writes the short forms of articles: a headline, a 2–3
// sentence summary and key points per article (from its translation), and
// the opening digest of the briefing over many summaries. It knows nothing
// about translation; it gets text in the target language.
package summarize

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/prompts"
)

// MaxKeyPoints is how many key points a summary keeps.
const MaxKeyPoints = 5

// summaryOutputTokens is the room for the JSON answer.
const summaryOutputTokens = 600

// fit shortens a translation that would not fit the context window with
// the prompt and the answer: it keeps whole paragraphs from the top, since
// a news article puts what matters first, and says that the rest was left
// out. Servers that silently cut an oversized prompt (Ollama) would
// otherwise summarise only the article's tail.
func (s *Summarizer) fit(text string, window int) string {
	budget := window - summaryOutputTokens - s.est.Tokens(s.prompts.Text(prompts.SummarizeSystem)) - 64
	if s.est.Tokens(text) <= budget {
		return text
	}
	const note = "[The rest of the article is left out for length.]"
	budget -= s.est.Tokens(note)
	var kept []string
	used := 0
	for _, p := range strings.Split(text, "\n\n") {
		n := s.est.Tokens(p) + 1
		if used+n > budget {
			break
		}
		kept = append(kept, p)
		used += n
	}
	if len(kept) == 0 { // one huge paragraph: cut it on a rune boundary
		r := []rune(text)
		r = r[:min(len(r), max(budget, 0)*2)]
		for len(r) > 0 && s.est.Tokens(string(r)) > budget {
			r = r[:len(r)*9/10]
		}
		kept = []string{string(r)}
	}
	return strings.Join(append(kept, note), "\n\n")
}

// Summary of one article.
type Summary struct {
	Headline  string   `json:"headline"`
	Summary   string   `json:"summary"`
	KeyPoints []string `json:"key_points"`
}

// Result is a Summary with what it cost.
type Result struct {
	Summary
	Usage    tokens.Usage `json:"usage"`
	Requests int          `json:"requests"`
	// Cut says the server cut the first prompt silently and the summary
	// was made from a shorter one ("" when nothing was cut), for the
	// article's findings.
	Cut string `json:"cut,omitempty"`
}

// Summarizer is safe for concurrent use.
type Summarizer struct {
	client        llm.Completer
	prompts       *prompts.Set
	lang          string
	contextTokens int
	parallel      int // digest requests at once
	// est sizes text to fit the window: calibrated once the client has
	// measured its model's tokenizer.
	est llm.Estimator
}

// New returns a Summarizer writing in lang (BCP 47) for a model with the
// given context window (0: llm.DefaultWindow).
func New(c llm.Completer, p *prompts.Set, lang string, contextTokens int) *Summarizer {
	if contextTokens <= 0 {
		contextTokens = llm.DefaultWindow
	}
	return &Summarizer{client: c, prompts: p, lang: lang, contextTokens: contextTokens, parallel: 4, est: llm.EstimatorFor(c)}
}

// SetParallel sets how many digest requests may run at once (the run's
// -j): the partial digests of a long briefing do not wait for each other.
func (s *Summarizer) SetParallel(n int) { s.parallel = max(n, 1) }

// PromptHash identifies the summary prompts, for cache keys.
func (s *Summarizer) PromptHash() string {
	return s.prompts.Hash(prompts.SummarizeSystem, prompts.SummarizeUser)
}

// DigestPromptHash identifies the digest prompts, for cache keys.
func (s *Summarizer) DigestPromptHash() string {
	return s.prompts.Hash(prompts.DigestSystem, prompts.DigestUser)
}

// Summarize asks for a JSON summary of text and accepts plain text from
// small local models that ignore the JSON instruction.
func (s *Summarizer) Summarize(ctx context.Context, text string) (Result, error) {
	var res Result
	// A small model sometimes answers with something that is neither JSON
	// nor a usable plain summary; one more try usually fixes that. A
	// prompt the server refused or cut for its size is redone fitted to a
	// smaller window (smallerWindow) until it fits or the window is too
	// small to be worth it.
	window, err := llm.WindowOf(ctx, s.client, s.contextTokens)
	if err != nil {
		return res, err
	}
	for try := 0; ; {
		sys, user, err := s.summaryPrompts(s.fit(text, window))
		if err != nil {
			return res, err
		}
		resp, err := s.client.Complete(ctx, llm.Request{Stage: "summarize", System: sys, User: user, MaxTokens: summaryOutputTokens, JSON: true})
		res.Usage = res.Usage.Add(resp.Usage)
		res.Requests += resp.Attempts
		if errors.Is(err, llm.ErrContextLength) && window > minSummaryWindow {
			if errors.Is(err, llm.ErrPromptCut) && res.Cut == "" {
				res.Cut = err.Error() + " for the summary: redone with a shorter text"
			}
			window = smallerWindow(err, window)
			continue
		}
		if err != nil {
			return res, err
		}
		if sum, err := Parse(resp.Text); err == nil {
			res.Summary = sum
			return res, nil
		} else if try++; try == 2 {
			return res, fmt.Errorf("%w: %v", llm.ErrArticle, err)
		}
	}
}

// minSummaryWindow: below it a summary is not shortened further; the
// instructions and the answer would leave little room for the text.
const minSummaryWindow = 1024

// summaryPrompts renders the system and user messages for one summary; the
// translation goes in as fenced data (prompts.Data).
func (s *Summarizer) summaryPrompts(text string) (sys, user string, err error) {
	data := map[string]any{"To": lang.Name(s.lang), "Text": prompts.Data(text)}
	return s.prompts.Messages(prompts.SummarizeSystem, prompts.SummarizeUser, data)
}

var (
	fenceRE  = regexp.MustCompile("(?s)```[a-zA-Z]*\\s*(.*?)```")
	labelRE  = regexp.MustCompile(`(?i)^\**\s*(headline|title|summary|key points?|points)\s*\**\s*:\s*\**\s*`)
	bulletRE = regexp.MustCompile(`^\s*(?:[-*•]|\d+[.)])\s+`)
)

// Parse reads a model's summary answer: a JSON object (possibly fenced or
// surrounded by chatter), or else plain text where the first line is the
// headline, bullet lines are key points and the rest is the summary.
func Parse(answer string) (Summary, error) {
	answer = strings.TrimSpace(answer)
	if m := fenceRE.FindStringSubmatch(answer); m != nil {
		answer = strings.TrimSpace(m[1])
	}
	if i, j := strings.Index(answer, "{"), strings.LastIndex(answer, "}"); i >= 0 && j > i {
		var raw struct { // with the other names models give the fields
			Summary
			Title     string   `json:"title"`
			KeyPoints []string `json:"keyPoints"`
			Points    []string `json:"points"`
		}
		if json.Unmarshal([]byte(answer[i:j+1]), &raw) == nil {
			sum := raw.Summary
			sum.Headline = cmp.Or(sum.Headline, raw.Title)
			if len(sum.KeyPoints) == 0 {
				sum.KeyPoints = append(raw.KeyPoints, raw.Points...)
			}
			return tidy(sum)
		}
	}
	return tidy(parsePlain(answer))
}

func parsePlain(answer string) Summary {
	var sum Summary
	var body []string
	for _, line := range strings.Split(strings.ReplaceAll(answer, "\r\n", "\n"), "\n") {
		// A label alone on its line ("Key points:") leaves nothing.
		line = strings.TrimSpace(labelRE.ReplaceAllString(strings.TrimSpace(line), ""))
		switch {
		case line == "":
		case sum.Headline == "" && len(body) == 0 && !bulletRE.MatchString(line):
			sum.Headline = strings.TrimLeft(line, "# ")
		case bulletRE.MatchString(line):
			sum.KeyPoints = append(sum.KeyPoints, bulletRE.ReplaceAllString(line, ""))
		default:
			body = append(body, line)
		}
	}
	sum.Summary = strings.Join(body, " ")
	return sum
}

// MaxHeadline is the longest headline kept, in characters; a longer one is
// cut at a word with "…" (the prompt asks for at most 12 words).
const MaxHeadline = 160

func tidy(s Summary) (Summary, error) {
	// The model's words reach terminals, mail and pages: no control or
	// bidirectional characters, and a headline of a sane length.
	clean := func(x string) string {
		x = strings.Join(strings.Fields(safetext.Line(x)), " ")
		return strings.Trim(x, "*\"“” ")
	}
	s.Headline = strings.TrimRight(safetext.Clip(clean(s.Headline), MaxHeadline), ".")
	s.Summary = clean(s.Summary)
	var kps []string
	for _, k := range s.KeyPoints {
		if k = clean(k); k != "" {
			kps = append(kps, k)
		}
	}
	if len(kps) > MaxKeyPoints {
		kps = kps[:MaxKeyPoints]
	}
	s.KeyPoints = kps
	if s.Headline == "" {
		return s, fmt.Errorf("the model's summary had no headline")
	}
	if s.Summary == "" {
		return s, fmt.Errorf("the model's summary had no summary text")
	}
	if !prose(s.Headline, 1) || !prose(s.Summary, 1) {
		return s, fmt.Errorf("the model's summary is not prose (headline %q): the model answered with symbols, not words", safetext.Clip(s.Headline, 40))
	}
	return s, nil
}

// prose reports whether x reads as words: at least minWords words of
// letters, and most of its characters in such words. A broken model's
// answer of symbols, digits and letter runs ("{", "!#$%&'()*+,-./0123…")
// is not a headline, however the JSON around it parsed.
func prose(x string, minWords int) bool {
	words, inWords, total := 0, 0, 0
	for _, f := range strings.Fields(x) {
		n, letters := 0, 0
		for _, r := range f {
			n++
			if unicode.IsLetter(r) {
				letters++
			}
		}
		total += n
		if letters >= 1 && letters <= 30 && letters*10 >= n*6 {
			words++
			inWords += n
		}
	}
	return words >= minWords && inWords*10 >= total*5
}
