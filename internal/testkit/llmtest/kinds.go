package llmtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Kind makes a Server behave like one real server program besides the
// OpenAI routes: the extra endpoints it answers (which brief reads to learn
// the context window) and what it does with a prompt longer than the window.
type Kind string

// Kinds of server. The zero Kind is a plain OpenAI-compatible endpoint: it
// does not say its window, and answers OpenAI's 400 context_length_exceeded
// to a prompt plus max_tokens past it.
const (
	// KindOllama answers /api/version, /api/ps, /api/show and /api/generate
	// and, as Ollama does, cuts a prompt longer than the window without an
	// error: it keeps the first few tokens and the last window's worth,
	// answers 200 and reports prompt_tokens equal to the window.
	KindOllama Kind = "ollama"
	// KindVLLM lists max_model_len in /v1/models and answers 400 to a
	// prompt plus max_tokens past it.
	KindVLLM Kind = "vllm"
	// KindLlamaCpp answers /props (n_ctx per slot, total_slots) and a 400
	// exceed_context_size_error past the window.
	KindLlamaCpp Kind = "llama.cpp"
	// KindLMStudio answers /api/v0/models (loaded_context_length) and a 400
	// past the window.
	KindLMStudio Kind = "lmstudio"
)

// OllamaVersion is what a KindOllama server answers on /api/version.
const OllamaVersion = "0.17.4"

// ollamaNumKeep is how many tokens at the start of a prompt Ollama keeps
// when it cuts one (its num_keep default).
const ollamaNumKeep = 4

// Modes are the names ModeConfig knows, for scripts.
var Modes = []string{"openai", "ollama", "vllm", "llama.cpp", "lmstudio", "lying"}

// ModeConfig is the Config of a named mode with the given window: one of
// Modes. "lying" is an Ollama that announces four times the window in
// /api/ps but cuts at window, as an Ollama restarted with another
// OLLAMA_CONTEXT_LENGTH between discovery and the run would. (Four times:
// brief's chunks leave room for the answer, so a smaller lie may never cut.)
func ModeConfig(mode string, window int) (Config, error) {
	cfg := Config{Window: window}
	switch mode {
	case "openai", "":
	case "ollama":
		cfg.Kind = KindOllama
	case "vllm":
		cfg.Kind = KindVLLM
	case "llama.cpp", "llamacpp":
		cfg.Kind = KindLlamaCpp
	case "lmstudio":
		cfg.Kind = KindLMStudio
	case "lying":
		cfg.Kind, cfg.AnnouncedWindow = KindOllama, 4*window
	default:
		return cfg, fmt.Errorf("unknown mode %q (known: %s)", mode, strings.Join(Modes, ", "))
	}
	return cfg, nil
}

// PromptTokens is the fake's token count of a prompt: a byte-based count
// that is below brief's conservative estimate and near its likely one.
func PromptTokens(system, user string) int { return (len(system)+len(user))/4 + 8 }

// promptTokens is this server's count of a prompt (Config.TokensPerByte).
func (s *Server) promptTokens(system, user string) int {
	if s.cfg.TokensPerByte <= 0 {
		return PromptTokens(system, user)
	}
	return int(float64(len(system)+len(user))*s.cfg.TokensPerByte) + 8
}

// bytesPerToken is the inverse, for cutting a prompt to a window.
func (s *Server) bytesPerToken() float64 {
	if s.cfg.TokensPerByte <= 0 {
		return 4
	}
	return 1 / s.cfg.TokensPerByte
}

// announced is the window the server says it has.
func (s *Server) announced() int {
	if s.cfg.AnnouncedWindow > 0 {
		return s.cfg.AnnouncedWindow
	}
	return s.cfg.Window
}

func (s *Server) registerKind(mux *http.ServeMux) {
	switch s.cfg.Kind {
	case KindOllama:
		mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"version": cmp.Or(s.cfg.Version, OllamaVersion)})
		})
		mux.HandleFunc("GET /api/ps", s.ollamaPS)
		mux.HandleFunc("POST /api/show", s.ollamaShow)
		mux.HandleFunc("POST /api/generate", s.ollamaGenerate)
	case KindLlamaCpp:
		mux.HandleFunc("GET /props", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{
				"default_generation_settings": map[string]any{"n_ctx": s.announced(), "params": map[string]any{"n_predict": -1}},
				"total_slots":                 max(s.cfg.Slots, 1),
				"model_path":                  "/models/" + s.cfg.Models[0] + ".gguf",
				"build_info":                  cmp.Or(s.cfg.Version, "b6000-llmtest"),
			})
		})
	case KindLMStudio:
		mux.HandleFunc("GET /api/v0/models", func(w http.ResponseWriter, r *http.Request) {
			var data []map[string]any
			for _, m := range s.cfg.Models {
				data = append(data, map[string]any{"id": m, "object": "model", "type": "llm", "state": "loaded",
					"max_context_length": 32768, "loaded_context_length": s.announced()})
			}
			writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
		})
	}
}

// modelExtras are the fields a kind adds to a /v1/models entry.
func (s *Server) modelExtras() map[string]any {
	switch s.cfg.Kind {
	case KindVLLM:
		return map[string]any{"owned_by": "vllm", "max_model_len": s.announced(), "root": s.cfg.Models[0]}
	case KindLlamaCpp:
		return map[string]any{"owned_by": "llamacpp", "meta": map[string]any{"n_ctx_train": 32768}}
	case KindOllama:
		return map[string]any{"owned_by": "library"}
	}
	return nil
}

// Loaded reports whether an Ollama-kind server has the model in memory
// (listed by /api/ps): after its first chat or generate request.
func (s *Server) Loaded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded
}

func (s *Server) load() {
	s.mu.Lock()
	s.loaded = true
	s.mu.Unlock()
}

func (s *Server) ollamaPS(w http.ResponseWriter, r *http.Request) {
	models := []map[string]any{}
	if s.Loaded() {
		for _, m := range s.cfg.Models {
			e := map[string]any{"name": m, "model": m, "size": 6_000_000_000, "size_vram": 6_000_000_000,
				"details": map[string]any{"family": "qwen2", "parameter_size": "7.6B", "quantization_level": "Q4_K_M"}}
			if !s.cfg.OldOllama {
				e["context_length"] = s.announced()
			}
			models = append(models, e)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": models})
}

func (s *Server) ollamaShow(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	if req.Model == "" {
		req.Model = req.Name
	}
	if !s.acceptsModel(req.Model) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model '%s' not found", req.Model)})
		return
	}
	params := "stop                           \"<|im_start|>\"\nstop                           \"<|im_end|>\""
	if s.cfg.ModelfileNumCtx > 0 {
		params = fmt.Sprintf("num_ctx                        %d\n", s.cfg.ModelfileNumCtx) + params
	}
	trained := s.cfg.TrainedContext
	if trained == 0 {
		trained = 32768
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"modelfile":  "FROM /models/blob",
		"parameters": params,
		"details":    map[string]any{"family": "qwen2", "parameter_size": "7.6B"},
		"model_info": map[string]any{"general.architecture": "qwen2", "qwen2.context_length": trained,
			"qwen2.embedding_length": 3584},
		"capabilities": []string{"completion", "tools"},
	})
}

func (s *Server) ollamaGenerate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model  string `json:"model"`
		Prompt string `json:"prompt"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	if !s.acceptsModel(req.Model) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("model '%s' not found, try pulling it first", req.Model)})
		return
	}
	s.load()
	writeJSON(w, http.StatusOK, map[string]any{"model": req.Model, "response": "", "done": true, "done_reason": "load"})
}

// overWindow applies the server kind's window to a chat request before the
// handler sees it. It returns the request the model would really read (cut
// as Ollama cuts), the prompt_tokens to report (0: the handler's usage),
// and a refusal to send instead, if the kind refuses.
func (s *Server) overWindow(req openai.ChatCompletionRequest, e *Request) (openai.ChatCompletionRequest, int, *Reply) {
	sys, user := Messages(req)
	n := s.promptTokens(sys, user)
	e.PromptTokens = n
	if s.cfg.Kind == KindOllama {
		s.load()
	}
	if s.cfg.Window <= 0 {
		return req, 0, nil
	}
	out := req.MaxTokens
	if out == 0 {
		out = req.MaxCompletionTokens
	}
	switch s.cfg.Kind {
	case "":
		if n+out > s.cfg.Window {
			r := Error(http.StatusBadRequest, "invalid_request_error", "context_length_exceeded", fmt.Sprintf("This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, %d in the completion). Please reduce the length of the messages or completion.", s.cfg.Window, n+out, n, out))
			return req, 0, &r
		}
	case KindVLLM:
		if n+out > s.cfg.Window {
			r := VLLMError(http.StatusBadRequest, fmt.Sprintf("This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, %d in the completion). Please reduce the length of the messages or completion.", s.cfg.Window, n+out, n, out))
			return req, 0, &r
		}
	case KindLlamaCpp:
		if n > s.cfg.Window {
			b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": 400, "type": "exceed_context_size_error",
				"message": "the request exceeds the available context size, try increasing it", "n_prompt_tokens": n, "n_ctx": s.cfg.Window}})
			return req, 0, &Reply{Status: http.StatusBadRequest, Body: string(b)}
		}
	case KindLMStudio:
		if n > s.cfg.Window {
			r := Error(http.StatusBadRequest, "invalid_request_error", "", fmt.Sprintf("Trying to keep the first %d tokens when context the overflows. However, the model is loaded with context length of only %d tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input", n, s.cfg.Window))
			return req, 0, &r
		}
	case KindOllama:
		if n > s.cfg.Window {
			e.CutTo = s.cfg.Window
			return ollamaCut(req, sys, user, s.cfg.Window, s.bytesPerToken()), s.cfg.Window, nil
		}
	}
	return req, 0, nil
}

// ollamaCut is the request as Ollama's runner reads it when the prompt is
// longer than the window: the first few tokens, then the last window's
// worth. The system prompt's instructions and the text's beginning are gone.
func ollamaCut(req openai.ChatCompletionRequest, sys, user string, window int, bytesPerToken float64) openai.ChatCompletionRequest {
	whole := sys + user
	head := runeStart(whole, int(ollamaNumKeep*bytesPerToken))
	tail := runeStart(whole, len(whole)-int(float64(window-ollamaNumKeep-8)*bytesPerToken))
	var cutSys, cutUser string
	if tail >= len(sys) {
		cutSys, cutUser = sys[:min(head, len(sys))], user[tail-len(sys):]
	} else {
		cutSys, cutUser = sys[:min(head, len(sys))]+sys[tail:], user
	}
	out := req
	out.Messages = nil
	if cutSys != "" {
		out.Messages = append(out.Messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: cutSys})
	}
	out.Messages = append(out.Messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: cutUser})
	return out
}

// runeStart moves i forward to the start of a rune of s (clamped to s).
func runeStart(s string, i int) int {
	i = max(0, min(i, len(s)))
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}
