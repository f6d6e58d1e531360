package llm

import (
	"fmt"
	"strings"
)

// Window is the context window a run fits its requests into, and where the
// number came from.
type Window struct {
	Tokens int `json:"tokens"`
	// Source says where Tokens came from: a server's answer ("Ollama
	// /api/ps"), SourceGiven (the caller's number), a known model, or a
	// guess.
	Source string `json:"source"`
	// Guess is set when nothing the server said backs the number.
	Guess bool `json:"guess,omitempty"`
	// Lowered is the one line to show when the user's --context was larger
	// than the server's window and the server's was used; "" otherwise.
	Lowered string `json:"lowered,omitempty"`
}

// String is the window and its source for people: "4096 tokens (Ollama /api/ps)".
func (w Window) String() string {
	return fmt.Sprintf("%d tokens (%s)", w.Tokens, w.Source)
}

// DefaultWindow is translate's and summarize's window when they are given
// none and their client does not know one (llm.Windowed): one most current
// models have. brief run itself asks the server (--context auto) and
// guesses GuessedWindow when nothing says.
const DefaultWindow = 8192

// GuessedWindow is the window assumed when neither the server nor the
// model's name tells: small, because a window guessed too large lets a
// silent server cut prompts, while one too small only costs more requests.
const GuessedWindow = 4096

// knownWindows are the context windows of models that hosted APIs serve,
// by name prefix (the longest matching prefix wins). They are used only when
// the server does not say.
var knownWindows = map[string]int{
	"gpt-3.5-turbo":     16385,
	"gpt-4":             8192,
	"gpt-4-turbo":       128000,
	"gpt-4o":            128000,
	"gpt-4.1":           1047576,
	"gpt-4.5":           128000,
	"gpt-5":             400000,
	"o1":                200000,
	"o3":                200000,
	"o4-mini":           200000,
	"claude-":           200000,
	"gemini-1.5":        1048576,
	"gemini-2":          1048576,
	"mistral-large":     128000,
	"mistral-small":     32000,
	"deepseek-chat":     65536,
	"deepseek-reasoner": 65536,
}

// KnownWindow is the window of a model known by name, 0 when unknown. A
// provider prefix ("openai/gpt-4o") is ignored.
func KnownWindow(model string) int {
	name := strings.ToLower(model)
	name = name[strings.LastIndex(name, "/")+1:]
	best, tokens := 0, 0
	for prefix, n := range knownWindows {
		if strings.HasPrefix(name, prefix) && len(prefix) > best {
			best, tokens = len(prefix), n
		}
	}
	return tokens
}

// SourceGiven is the Source of a window the caller gave.
const SourceGiven = "given"

// ChooseWindow decides the window a run uses. given is the caller's
// window (0 for auto). The server's own number wins over a larger given
// one (with a Lowered line saying so and how to give the model more); a
// smaller given one is the user's choice. Without a number from the
// server, a given window is trusted, else a known model's window, else
// GuessedWindow, whose Source ends with the hint for SettingContext.
func ChooseWindow(given int, s Server, model string, hints map[Setting]string) Window {
	switch {
	case s.Window > 0 && given > s.Window:
		return Window{Tokens: s.Window, Source: s.WindowSource, Lowered: lowered(given, s, model)}
	case given > 0:
		return Window{Tokens: given, Source: SourceGiven}
	case s.Window > 0:
		return Window{Tokens: s.Window, Source: s.WindowSource}
	}
	server := "the server does not say"
	switch {
	case s.Ignored != "":
		server = s.Ignored
	case s.Kind != "":
		server = s.Kind + " does not say"
	}
	if n := KnownWindow(model); n > 0 {
		return Window{Tokens: n, Source: fmt.Sprintf("a guess: %s; the known window of %s", server, model), Guess: true}
	}
	return Window{Tokens: GuessedWindow, Source: withHints(hints, "a guess: "+server, SettingContext), Guess: true}
}

// lowered is the line telling the user the window they gave was more than
// the server gives, and how to give the model more.
func lowered(given int, s Server, model string) string {
	line := fmt.Sprintf("a window of %d tokens was given, but %s gives %s %d: using %d", given, s.Kind, model, s.Window, s.Window)
	if fix := moreWindow(s, given); fix != "" {
		line += "; " + fix + " for fewer, longer requests"
	}
	return line
}

// moreWindow says how to give the model a window of n tokens on this kind
// of server.
func moreWindow(s Server, n int) string {
	switch s.Kind {
	case KindOllama:
		return fmt.Sprintf("start Ollama with OLLAMA_CONTEXT_LENGTH=%d", n)
	case KindVLLM:
		return fmt.Sprintf("start vLLM with --max-model-len %d", n)
	case KindLlamaCpp:
		slots := max(s.Slots, 1)
		return fmt.Sprintf("start llama-server with -c %d (the window is shared by its %d slots)", n*slots, slots)
	case KindLMStudio:
		return fmt.Sprintf("load the model in LM Studio with a context length of %d", n)
	}
	return ""
}
