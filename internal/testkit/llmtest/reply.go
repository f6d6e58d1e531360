package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/lang"
)

// Reply is the scripted answer to one chat request: a normal completion by
// default, or one of the faults a real endpoint produces.
type Reply struct {
	// Content is the answer text; streamed as about one chunk per word.
	Content string
	// NullContent answers a non-streaming request with "content": null
	// (Ollama does this on some failures).
	NullContent bool
	// FinishReason defaults to "stop"; "length" and "content_filter" are
	// the interesting others.
	FinishReason string
	// Usage is reported as given; nil means a deterministic estimate from
	// the text. NoUsage leaves usage out, as many local servers do.
	Usage   *openai.Usage
	NoUsage bool

	// IgnoreStream answers a streaming request with one JSON body, as
	// servers without streaming support that ignore "stream" do.
	IgnoreStream bool

	// Status other than 0/200 answers with Body (ContentType defaults to
	// application/json) instead of a completion.
	Status      int
	Body        string
	ContentType string
	// Header is added to the response, e.g. Retry-After.
	Header http.Header

	// Latency before the response headers and TokenLatency between
	// streamed chunks replace the server's defaults when not zero.
	Latency      time.Duration
	TokenLatency time.Duration

	// Hang sends no byte until the client gives up (a model still loading,
	// or a wedged server).
	Hang bool
	// Reset closes the connection with a TCP RST before any response.
	Reset bool
	// Cut ends the stream cleanly after the content but before the
	// finish_reason chunk and [DONE]. CutAfter ends it after that many
	// content chunks. A non-streaming answer is cut mid-JSON.
	Cut      bool
	CutAfter int
	// StallAfter stops sending after that many content chunks and keeps the
	// connection open until the client gives up (idle timeout).
	StallAfter int
	// ResetAfter resets the connection after that many content chunks.
	ResetAfter int
	// MidStreamError is a raw JSON error object, e.g. from ErrorEvent, sent
	// as a `data:` event after ErrorAfter content chunks of a 200 stream.
	MidStreamError string
	ErrorAfter     int

	// Flood sends this many bytes of answer text after Content (negative:
	// without end), in 4 KiB chunks; FloodLine sends them inside one SSE
	// data line that never ends. A non-streaming answer gets them as its
	// content. What a server that ignores max_tokens, or a hostile one,
	// sends.
	Flood     int64
	FloodLine bool
}

func (r Reply) status() int {
	if r.Status == 0 {
		return http.StatusOK
	}
	return r.Status
}

func (r Reply) finish() string {
	if r.FinishReason == "" {
		return string(openai.FinishReasonStop)
	}
	return r.FinishReason
}

func (r Reply) usage(req openai.ChatCompletionRequest) openai.Usage {
	if r.Usage != nil {
		return *r.Usage
	}
	sys, user := Messages(req)
	u := openai.Usage{PromptTokens: PromptTokens(sys, user), CompletionTokens: len(r.Content)/4 + 1}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}

func (r Reply) writeStatus(w http.ResponseWriter) {
	ct := r.ContentType
	if ct == "" {
		ct = "application/json"
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeRaw(w, r.status(), ct, []byte(r.Body))
}

// Text is a normal answer.
func Text(s string) Reply { return Reply{Content: s} }

// ErrorEvent is an OpenAI-style error object as JSON: {"error":{...}}. An
// empty code is sent as null.
func ErrorEvent(typ, code, msg string) string {
	var c any
	if code != "" {
		c = code
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nil, "code": c,
	}})
	return string(b)
}

// Error is an HTTP error with an OpenAI-style JSON body.
func Error(status int, typ, code, msg string) Reply {
	return Reply{Status: status, Body: ErrorEvent(typ, code, msg)}
}

// RateLimited is OpenAI's 429 for too many requests. retryAfter, when not
// empty, is sent as the Retry-After header (seconds or an HTTP date).
func RateLimited(retryAfter string) Reply {
	r := Error(http.StatusTooManyRequests, "requests", "rate_limit_exceeded",
		"Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.")
	if retryAfter != "" {
		r.Header = http.Header{"Retry-After": {retryAfter}}
	}
	return r
}

// InsufficientQuota is OpenAI's 429 for an account out of credit, which no
// retry fixes.
func InsufficientQuota() Reply {
	return Error(http.StatusTooManyRequests, "insufficient_quota", "insufficient_quota",
		"You exceeded your current quota, please check your plan and billing details.")
}

// ContextLength is OpenAI's 400 for a prompt longer than the model's context.
func ContextLength() Reply {
	return Error(http.StatusBadRequest, "invalid_request_error", "context_length_exceeded",
		"This model's maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens. Please reduce the length of the messages.")
}

// OllamaModelNotFound is Ollama's 404 for a model that was never pulled.
func OllamaModelNotFound(model string) Reply {
	return Error(http.StatusNotFound, "api_error", "", fmt.Sprintf("model '%s' not found", model))
}

// HTML is a proxy's HTML error page, e.g. nginx's 502.
func HTML(status int) Reply {
	t := fmt.Sprintf("%d %s", status, http.StatusText(status))
	return Reply{Status: status, ContentType: "text/html",
		Body: "<html>\r\n<head><title>" + t + "</title></head>\r\n<body>\r\n<center><h1>" + t +
			"</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n"}
}

// VLLMError is the flat error body older vLLM versions send:
// {"object":"error","message":...,"type":...,"code":400}.
func VLLMError(status int, msg string) Reply {
	b, _ := json.Marshal(map[string]any{"object": "error", "message": msg, "type": "BadRequestError", "param": nil, "code": status})
	return Reply{Status: status, Body: string(b)}
}

// RejectStreaming answers streaming requests with the 400 a server without
// streaming support sends, and passes the rest to next (nil = Default).
func RejectStreaming(next Handler) Handler {
	if next == nil {
		next = Default
	}
	return func(req openai.ChatCompletionRequest) Reply {
		if req.Stream {
			return Error(http.StatusBadRequest, "invalid_request_error", "", "stream is not supported by this server")
		}
		return next(req)
	}
}

// RejectJSONMode answers requests with a response_format with a 400, as
// servers without JSON mode do, and passes the rest to next (nil = Default).
func RejectJSONMode(next Handler) Handler {
	if next == nil {
		next = Default
	}
	return func(req openai.ChatCompletionRequest) Reply {
		if req.ResponseFormat != nil {
			return Error(http.StatusBadRequest, "invalid_request_error", "",
				"Invalid value for 'response_format': json_object is not supported for this model.")
		}
		return next(req)
	}
}

// Stage recognises which of brief's prompts a request carries: "summarize"
// (the system prompt asks for JSON with "headline"), "digest" (the user
// message has <stories>), "review" (the user message has <pairs>),
// "translate" (the user message has <article>), or
// "" for anything else.
func Stage(req openai.ChatCompletionRequest) string {
	sys, user := Messages(req)
	switch {
	case strings.Contains(sys, `"headline"`):
		return "summarize"
	case strings.Contains(user, "<stories>"):
		return "digest"
	case strings.Contains(user, "<pairs>"):
		return "review"
	case strings.Contains(user, "<article>"):
		return "translate"
	}
	return ""
}

// Directives a test article can contain to make Default fail for that
// article only, for end-to-end tests of per-article failures.
const (
	DirectiveContentFilter = "llmtest:content_filter"
	DirectiveContextLength = "llmtest:context_length"
	DirectiveEmpty         = "llmtest:empty"
)

// Default answers brief's prompts deterministically: a translation QA
// accepts as a faithful English one (EnglishTranslation: same paragraphs,
// numbers and names, English words), a JSON summary built from the
// article's words, and a digest naming each story's headline. Anything
// else gets "OK", or {"ok": true} in JSON mode. A user message containing
// a Directive* string gets that fault instead.
func Default(req openai.ChatCompletionRequest) Reply {
	return answer(req, EnglishTranslation)
}

// Untranslated answers as Default does, except that every translation is
// still in Danish: FakeTranslation, "EN: " + the source paragraph. It is
// for tests about untranslated output, which brief must refuse.
func Untranslated(req openai.ChatCompletionRequest) Reply {
	return answer(req, FakeTranslation)
}

// answer is Default with translate as the translation of an <article>.
func answer(req openai.ChatCompletionRequest, translate func(string) string) Reply {
	_, user := Messages(req)
	switch {
	case strings.Contains(user, DirectiveContentFilter):
		return Reply{Content: "EN:", FinishReason: string(openai.FinishReasonContentFilter)}
	case strings.Contains(user, DirectiveContextLength):
		return ContextLength()
	case strings.Contains(user, DirectiveEmpty):
		return Reply{Content: ""}
	}
	switch Stage(req) {
	case "translate":
		return Text(translate(Between(user, "<article>", "</article>")))
	case "summarize":
		return Text(FakeSummary(Between(user, "<article>", "</article>")))
	case "digest":
		return Text(FakeDigest(Between(user, "<stories>", "</stories>")))
	case "review":
		return Text(`{"errors": []}`)
	}
	if req.ResponseFormat != nil && req.ResponseFormat.Type == openai.ChatCompletionResponseFormatTypeJSONObject {
		return Text(`{"ok": true}`)
	}
	return Text("OK")
}

// Between returns the trimmed text between the first open and the last
// close marker, or "" when either is missing.
func Between(s, open, close string) string {
	i := strings.Index(s, open)
	j := strings.LastIndex(s, close)
	if i < 0 || j < i+len(open) {
		return ""
	}
	return strings.TrimSpace(s[i+len(open) : j])
}

// Paragraphs splits text on blank lines.
func Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// FakeTranslation is Untranslated's "translation", the source sent back
// untranslated: each paragraph prefixed with "EN: ", blank-line separated.
func FakeTranslation(text string) string {
	ps := Paragraphs(text)
	for i, p := range ps {
		ps[i] = "EN: " + p
	}
	return strings.Join(ps, "\n\n")
}

// FakeSummary is Default's summary JSON: the headline is the first eight
// words of the article, the summary its first paragraph, the key points the
// first sentence of up to three paragraphs.
func FakeSummary(text string) string {
	ps := Paragraphs(text)
	for i, p := range ps {
		ps[i] = strings.TrimPrefix(p, "EN: ")
	}
	s := struct {
		Headline  string   `json:"headline"`
		Summary   string   `json:"summary"`
		KeyPoints []string `json:"key_points"`
	}{KeyPoints: []string{}}
	if len(ps) > 0 {
		words := strings.Fields(ps[0])
		s.Headline = strings.TrimRight(strings.Join(words[:min(8, len(words))], " "), ".,:;")
		s.Summary = ps[0]
	}
	for _, p := range ps[:min(3, len(ps))] {
		if i := strings.Index(p, ". "); i >= 0 {
			p = p[:i+1]
		}
		s.KeyPoints = append(s.KeyPoints, p)
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// FakeDigest is Default's digest: one paragraph naming every story's
// headline in order.
func FakeDigest(stories string) string {
	var heads []string
	for _, line := range strings.Split(stories, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "- ") {
			continue
		}
		line = strings.TrimPrefix(line, "- ")
		if strings.HasPrefix(line, "[") {
			if i := strings.Index(line, "] "); i >= 0 {
				line = line[i+2:]
			}
		}
		if i := strings.Index(line, ": "); i >= 0 {
			line = line[:i]
		}
		heads = append(heads, line)
	}
	return fmt.Sprintf("Digest of %d stories: %s.", len(heads), strings.Join(heads, "; "))
}

// fillerWords stand in for the source's lower-case words in
// EnglishTranslation: common English words, so QA reads the result as
// English.
var fillerWords = []string{"the", "report", "said", "that", "it", "was", "in", "the", "news", "and", "of", "a", "plan", "for", "this", "week"}

// EnglishTranslation is Default's translation, a stand-in a QA check
// accepts: every paragraph keeps the source's numbers and capitalised
// words (names) in place, and every other word becomes a common English
// word, so lengths, numbers and names line up with the source as a
// faithful translation's would. A capitalised Danish function word ("Det",
// "Der" opening a sentence) is no name: it becomes a capitalised English
// word, or a short article of "Det …" sentences would still read as
// Danish.
func EnglishTranslation(text string) string {
	ps := Paragraphs(text)
	for i, p := range ps {
		ws := strings.Fields(p)
		for j, w := range ws {
			if strings.ContainsAny(w, "0123456789") || (capital(w) && !danishWord(w)) {
				continue
			}
			ws[j] = fillerWords[(i+j)%len(fillerWords)]
			if capital(w) {
				ws[j] = strings.ToUpper(ws[j][:1]) + ws[j][1:]
			}
			if strings.ContainsAny(w[len(w)-1:], ".,:;!?") {
				ws[j] += w[len(w)-1:]
			}
		}
		ps[i] = strings.Join(ws, " ")
	}
	return strings.Join(ps, "\n\n")
}

func capital(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// danishWord reports whether w, punctuation aside, is one of the Danish
// function words QA counts as evidence of Danish.
func danishWord(w string) bool {
	return lang.DanishWords[strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }))]
}
