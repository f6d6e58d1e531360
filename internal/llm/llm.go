// Package llm is the one client every model call in brief goes through.
//
// It speaks the OpenAI chat-completions wire format (via go-openai), so OpenAI,
// Ollama, vLLM and llama.cpp all work. It owns streaming, retries with
// back-off, Retry-After, shared rate limits, token usage and the
// classification of failures into three classes that callers act on:
//
//   - ErrFatal: the whole run cannot succeed (bad key, unknown model,
//     endpoint down, quota exhausted). Stop, report once, exit 1.
//   - ErrTransient: worth retrying; the client already retried it up to its
//     limit before returning it.
//   - ErrArticle: this request cannot succeed (content filter, context too
//     long); fail this article, the others go on.
//
// Answers are always streamed (stream_options.include_usage), so a slow
// local model is never cut off while tokens flow. Two clocks bound an
// attempt: Config.Timeout covers the whole attempt and is the only bound on
// the wait for the first token, because Ollama loads a model on its first
// request (minutes, with no byte sent) and aborts the load if the client
// gives up; Config.IdleTimeout bounds the gap between tokens once the first
// has arrived. Endpoints that reject streaming or JSON mode are asked again
// without, once per client.
//
// It knows nothing about articles or prompts.
package llm

import (
	"context"
	"errors"

	"github.com/brief-news/brief/internal/tokens"
)

// Error classes. Test with errors.Is(err, llm.ErrFatal) and so on.
var (
	ErrFatal     = errors.New("fatal endpoint error")
	ErrTransient = errors.New("transient endpoint error")
	ErrArticle   = errors.New("request cannot succeed")
	// ErrContextLength marks an ErrArticle whose prompt did not fit the
	// model's context window, so a caller can split the text and retry.
	ErrContextLength = errors.New("prompt longer than the model's context window")
)

// Request is one chat completion: a system prompt with the instructions and a
// user message with the data.
type Request struct {
	// Stage names the caller's step ("translate", "summarize", "digest") for
	// logs and accounting; it is not sent.
	Stage     string
	System    string
	User      string
	MaxTokens int
	// JSON asks for response_format json_object. Endpoints that reject it
	// are retried without it, and callers must accept plain text anyway.
	JSON bool
}

// Response is a finished completion.
type Response struct {
	Text string
	// FinishReason is "stop", "length", "content_filter", ... A response is
	// only returned when the endpoint said it finished: a stream cut before
	// its finish_reason is an ErrTransient, never a Response.
	FinishReason string
	Usage        tokens.Usage
	// Attempts is how many HTTP requests this response took (1 = no retry).
	Attempts int
	// Pending marks a stand-in answer while a batch is collected: there is
	// no answer yet to check or act on.
	Pending bool
}

// Completer is what translate and summarize depend on, so tests and
// benchmarks can hand them any implementation.
type Completer interface {
	Complete(ctx context.Context, req Request) (Response, error)
}

// Error is a classified endpoint failure with a sentence meant for the user.
type Error struct {
	Class  error  // ErrFatal, ErrTransient or ErrArticle
	Status int    // HTTP status, 0 if none
	Msg    string // what happened and what to do; never contains secrets
	Err    error  // underlying error, for errors.Is/As; never printed raw if it may hold secrets
}

func (e *Error) Error() string { return e.Msg }

func (e *Error) Unwrap() []error { return []error{e.Class, e.Err} }

// Windowed is a Completer that knows the context window its requests must
// fit. ContextWindow may have to ask the server first (once), so it takes a
// context and can fail as a request can.
type Windowed interface {
	Completer
	ContextWindow(ctx context.Context) (int, error)
}

// WindowOf is the window to fit c's requests into: c's own when it is
// Windowed, else fallback (the window a caller was configured with).
func WindowOf(ctx context.Context, c Completer, fallback int) (int, error) {
	w, ok := c.(Windowed)
	if !ok {
		return fallback, nil
	}
	n, err := w.ContextWindow(ctx)
	if err != nil || n <= 0 {
		return fallback, err
	}
	return n, nil
}
