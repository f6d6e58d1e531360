package llm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/safetext"
)

// This file asks the server behind the endpoint what it is and what
// context window it really gives the model. The OpenAI wire format has no
// such question, and Ollama cuts a prompt longer than its window (4,096
// tokens on most laptops) without an error, so brief asks each kind of
// server the way it answers: Ollama /api/ps and /api/show, vLLM's
// max_model_len, llama.cpp's /props, LM Studio's /api/v0/models.

// Server kinds, as Server.Kind names them.
const (
	KindOllama   = "Ollama"
	KindVLLM     = "vLLM"
	KindLlamaCpp = "llama.cpp"
	KindLMStudio = "LM Studio"
	KindOpenAI   = "OpenAI"
)

// Server is what brief learnt about the server behind the endpoint.
type Server struct {
	// Kind is one of the Kind* constants, "" when the server did not say.
	Kind    string `json:"kind,omitempty"`
	Version string `json:"version,omitempty"`
	// Window is the context window the server gives the model, in tokens;
	// 0 when it does not say. WindowSource says which answer told it.
	Window       int    `json:"window,omitempty"`
	WindowSource string `json:"window_source,omitempty"`
	// Slots is how many requests the server works on at once (llama.cpp's
	// total_slots); 0 when it does not say.
	Slots int `json:"slots,omitempty"`
	// Ignored says which window the server claimed and why it was not
	// believed (see believable); "" when there was none.
	Ignored string `json:"ignored,omitempty"`
}

// Name is the kind and version for people: "Ollama 0.17.4", "unknown".
// Discovery sets a Version only with its Kind.
func (s Server) Name() string {
	return strings.TrimSpace(cmp.Or(s.Kind, "unknown") + " " + s.Version)
}

// discoverTimeout bounds each question that needs no model load.
const discoverTimeout = 10 * time.Second

// maxDiscoverBody caps an answer to a discovery question: /api/show can be
// large, but not megabytes, and brief reads what the endpoint sends.
const maxDiscoverBody = 4 << 20

// Discover asks the server what it is and what window it gives the model.
// It never fails: a server that answers none of the questions is an
// unknown kind with no window (ctx ending stops it early, the same way).
// Run it after Preflight, so the model exists; on Ollama it loads the model
// (as the first request would) to read the window it is loaded with.
func (c *Client) Discover(ctx context.Context) Server {
	if u, err := url.Parse(c.cfg.BaseURL); err == nil && strings.EqualFold(u.Hostname(), "api.openai.com") {
		return Server{Kind: KindOpenAI}
	}
	root := rootURL(c.cfg.BaseURL)
	for _, ask := range []func(context.Context, string) (Server, bool){
		c.discoverOllama, c.discoverLlamaCpp, c.discoverVLLM, c.discoverLMStudio,
	} {
		if ctx.Err() != nil {
			break
		}
		if s, ok := ask(ctx, root); ok {
			return believable(s)
		}
	}
	return Server{}
}

// Bounds of a window a server may claim: below MinServerWindow not even the
// instructions fit, and no model has more than MaxWindow (the --context
// flag's limit too).
const (
	MinServerWindow = 512
	MaxWindow       = 10_000_000
	maxSlots        = 4096
)

// believable drops what no real server says: a window of 3 tokens would
// fail every article with advice that cannot help (the server's number
// beats --context), one of 10^12 plans whole articles into one request.
// The run then plans as if the server had not said (--context, a known
// model, or the guess), and the cut detection still guards it.
func believable(s Server) Server {
	if s.Window != 0 && (s.Window < MinServerWindow || s.Window > MaxWindow) {
		s.Ignored = fmt.Sprintf("%s said %d tokens, which no model has: ignored", s.WindowSource, s.Window)
		s.Window, s.WindowSource = 0, ""
	}
	if s.Slots < 0 || s.Slots > maxSlots {
		s.Slots = 0
	}
	return s
}

// askOllama says whether the server is Ollama, the one server `ollama pull`
// fetches a model for: as discovered, or, before discovery (a preflight that
// found no model), by its answer to /api/version.
func (c *Client) askOllama(ctx context.Context) bool {
	if k := c.kind(); k != "" {
		return k == KindOllama
	}
	var v struct {
		Version string `json:"version"`
	}
	return c.getJSON(ctx, rootURL(c.cfg.BaseURL)+"/api/version", &v) == nil && v.Version != ""
}

// kind is the server's kind as discovery found it ("" before).
func (c *Client) kind() string {
	c.winMu.Lock()
	defer c.winMu.Unlock()
	return c.server.Kind
}

// discoverOllama recognises Ollama by /api/version and /api/ps, then reads
// the loaded model's window; a model not loaded yet is loaded first, and
// an Ollama too old to say falls back to /api/show.
func (c *Client) discoverOllama(ctx context.Context, root string) (Server, bool) {
	var v struct {
		Version string `json:"version"`
	}
	if err := c.getJSON(ctx, root+"/api/version", &v); err != nil || v.Version == "" {
		return Server{}, false
	}
	s := Server{Kind: KindOllama, Version: serverText(v.Version)}
	n, loaded, err := c.ollamaPS(ctx, root)
	if err != nil {
		return Server{}, false // answers /api/version, but is no Ollama
	}
	if !loaded {
		c.ollamaLoad(ctx, root)
		n, _, _ = c.ollamaPS(ctx, root)
	}
	if n > 0 {
		s.Window, s.WindowSource = n, "Ollama /api/ps"
		return s, true
	}
	s.Window, s.WindowSource = c.ollamaShow(ctx, root)
	return s, true
}

// ollamaPS is the context_length of the loaded model (0 when /api/ps does
// not say, as before Ollama 0.6) and whether it is loaded at all.
func (c *Client) ollamaPS(ctx context.Context, root string) (int, bool, error) {
	var ps struct {
		Models []struct {
			Name          string `json:"name"`
			Model         string `json:"model"`
			ContextLength int    `json:"context_length"`
		} `json:"models"`
	}
	if err := c.getJSON(ctx, root+"/api/ps", &ps); err != nil {
		return 0, false, err
	}
	for _, m := range ps.Models {
		if hasModel([]string{m.Name, m.Model}, c.cfg.Model) {
			return m.ContextLength, true, nil
		}
	}
	return 0, false, nil
}

// ollamaLoad loads the model with the server's defaults, as the first chat
// request would (an empty prompt to /api/generate only loads). It may take
// minutes; the usual slow-start notice says so.
func (c *Client) ollamaLoad(ctx context.Context, root string) {
	body, _ := json.Marshal(map[string]string{"model": c.cfg.Model})
	notice := time.AfterFunc(c.cfg.LoadNotice, func() {
		c.loadNotice.Do(func() {
			c.logf("%s is loading model %s, which can take minutes on first use; waiting up to %s", c.Endpoint(), c.cfg.Model, c.cfg.Timeout)
		})
	})
	defer notice.Stop()
	var out struct{}
	_ = c.doJSON(ctx, http.MethodPost, root+"/api/generate", body, c.cfg.Timeout, &out)
}

// ollamaShow reads the window from the model's Modelfile (num_ctx), else
// from what the model was trained for, capped at the 4,096 tokens Ollama
// gives a model on a machine with less than 23 GB of GPU memory.
func (c *Client) ollamaShow(ctx context.Context, root string) (int, string) {
	body, _ := json.Marshal(map[string]string{"model": c.cfg.Model})
	var show struct {
		Parameters string         `json:"parameters"`
		ModelInfo  map[string]any `json:"model_info"`
	}
	if err := c.doJSON(ctx, http.MethodPost, root+"/api/show", body, discoverTimeout, &show); err != nil {
		return 0, ""
	}
	for _, line := range strings.Split(show.Parameters, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "num_ctx" {
			if n, err := strconv.Atoi(f[1]); err == nil && n > 0 {
				return n, "Ollama /api/show (the Modelfile's num_ctx)"
			}
		}
	}
	arch, _ := show.ModelInfo["general.architecture"].(string)
	if trained, ok := show.ModelInfo[arch+".context_length"].(float64); ok && trained > 0 {
		return min(int(trained), ollamaDefaultWindow), fmt.Sprintf("Ollama /api/show (model trained for %d; Ollama's default window is %d)", int(trained), ollamaDefaultWindow)
	}
	return 0, ""
}

// serverText is what a server says about itself made fit to print: one
// line, no control or bidi characters, a version's length at most.
func serverText(s string) string { return safetext.Clip(s, 60) }

// ollamaDefaultWindow is the window Ollama gives a model on a machine with
// less than 23 GB of GPU memory, unless OLLAMA_CONTEXT_LENGTH says more.
const ollamaDefaultWindow = 4096

// discoverLlamaCpp reads llama.cpp's /props: the window per slot and the
// number of slots.
func (c *Client) discoverLlamaCpp(ctx context.Context, root string) (Server, bool) {
	var p struct {
		Settings struct {
			NCtx int `json:"n_ctx"`
		} `json:"default_generation_settings"`
		NCtx       int    `json:"n_ctx"`
		TotalSlots int    `json:"total_slots"`
		BuildInfo  string `json:"build_info"`
	}
	if err := c.getJSON(ctx, root+"/props", &p); err != nil {
		return Server{}, false
	}
	n := cmp.Or(p.Settings.NCtx, p.NCtx)
	if n == 0 && p.TotalSlots == 0 {
		return Server{}, false
	}
	s := Server{Kind: KindLlamaCpp, Version: serverText(p.BuildInfo), Slots: p.TotalSlots}
	if n > 0 {
		s.Window, s.WindowSource = n, "llama.cpp /props n_ctx (per slot)"
	}
	return s, true
}

// discoverVLLM reads max_model_len from vLLM's model list, which the
// OpenAI format does not have.
func (c *Client) discoverVLLM(ctx context.Context, _ string) (Server, bool) {
	var list struct {
		Data []struct {
			ID          string `json:"id"`
			MaxModelLen int    `json:"max_model_len"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, c.cfg.BaseURL+"/models", &list); err != nil {
		return Server{}, false
	}
	for _, m := range list.Data {
		if m.MaxModelLen > 0 && hasModel([]string{m.ID}, c.cfg.Model) {
			return Server{Kind: KindVLLM, Window: m.MaxModelLen, WindowSource: "vLLM /v1/models max_model_len"}, true
		}
	}
	return Server{}, false
}

// discoverLMStudio reads LM Studio's own model list.
func (c *Client) discoverLMStudio(ctx context.Context, root string) (Server, bool) {
	var list struct {
		Data []struct {
			ID                  string `json:"id"`
			LoadedContextLength int    `json:"loaded_context_length"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, root+"/api/v0/models", &list); err != nil || len(list.Data) == 0 {
		return Server{}, false
	}
	s := Server{Kind: KindLMStudio}
	for _, m := range list.Data {
		if m.LoadedContextLength > 0 && hasModel([]string{m.ID}, c.cfg.Model) {
			s.Window, s.WindowSource = m.LoadedContextLength, "LM Studio /api/v0/models loaded_context_length"
		}
	}
	return s, true
}

func (c *Client) getJSON(ctx context.Context, u string, v any) error {
	return c.doJSON(ctx, http.MethodGet, u, nil, discoverTimeout, v)
}

// doJSON sends one discovery request (no retries: a server that does not
// answer is simply not that kind) and decodes a 200 JSON answer into v.
func (c *Client) doJSON(ctx context.Context, method, u string, body []byte, timeout time.Duration, v any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	c.count(func(s *Stats) { s.Requests++ })
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDiscoverBody))
		return fmt.Errorf("%s %s: HTTP %d", method, RedactURL(u), resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, maxDiscoverBody)).Decode(v)
}

// rootURL is the server's root: the base URL without its /v1.
func rootURL(base string) string {
	return strings.TrimSuffix(strings.TrimRight(base, "/"), "/v1")
}
