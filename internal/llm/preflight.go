package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Preflight tells with one cheap request whether the endpoint answers and
// the model exists, so a run fails in a second instead of once per
// article. It asks GET /models where served and checks the model is
// listed; otherwise (or when the model is not listed, since llama.cpp
// lists a file name but serves any name) it sends a one-token completion.
// A server loading the model is waited for (up to Timeout), with a line to
// Logf saying so. The error is an *Error, ErrFatal when the run cannot
// succeed.
func (c *Client) Preflight(ctx context.Context) error {
	models, err := c.listModels(ctx)
	switch {
	case errors.Is(err, errNotListed):
		// /models is optional in the wire format: a completion answers
		// the question for every server.
		return c.probe(ctx, nil)
	case err != nil:
		return err
	case hasModel(models, c.cfg.Model):
		return nil
	}
	return c.probe(ctx, models)
}

// probe sends a one-token completion, retried like any other.
func (c *Client) probe(ctx context.Context, listed []string) error {
	_, err := c.complete(ctx, Request{Stage: "preflight", User: "Reply with OK.", MaxTokens: 1})
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	f, _ := failureOf(e.Err)
	switch {
	case e.Status == http.StatusNotFound && f.modelNotFound():
		return &Error{Class: ErrFatal, Status: e.Status, Msg: c.scrub(c.modelNotFoundMsg(listed, c.askOllama(ctx))), Err: e.Err}
	case errors.Is(e, ErrArticle):
		// A minimal request rejected: every real one will be too.
		return &Error{Class: ErrFatal, Status: e.Status, Msg: c.hint(e.Msg, SettingModel, SettingBaseURL), Err: e.Err}
	}
	return e
}

// errNotListed marks a listModels error that only says the endpoint does
// not list its models.
var errNotListed = errors.New("models not listed")

// listModels asks GET /models. Its error is the context's when ctx ended,
// a fatal one for failures no completion would get past (nothing
// listening, unknown host, rejected key), else one matching errNotListed.
func (c *Client) listModels(ctx context.Context) ([]string, error) {
	info := &respInfo{}
	lctx, cancel := context.WithTimeoutCause(context.WithValue(ctx, infoKey{}, info), c.cfg.Timeout, errAttemptTimeout)
	defer cancel()
	c.count(func(s *Stats) { s.Requests++ })
	list, err := c.oc.ListModels(lctx)
	switch {
	case err == nil:
		var ids []string
		for _, m := range list.Models {
			ids = append(ids, m.ID)
		}
		return ids, nil
	case ctx.Err() != nil:
		return nil, context.Cause(ctx)
	case errors.Is(context.Cause(lctx), errAttemptTimeout):
		err = errAttemptTimeout
	}
	if isRefused(err) || errors.Is(err, errAttemptTimeout) {
		return nil, &Error{Class: ErrFatal, Msg: c.unreachableMsg(err), Err: err}
	}
	// A 404 or 405 only says /models is not served (a rejected key, 401
	// or 403, is fatal like any other).
	e := c.classify(err, info)
	if errors.Is(e, ErrFatal) && e.Status != http.StatusNotFound && e.Status != http.StatusMethodNotAllowed {
		return nil, e
	}
	return nil, &Error{Class: e.Class, Status: e.Status, Err: errors.Join(errNotListed, e.Err),
		Msg: c.Endpoint() + " does not list its models (GET /models): " + e.Msg}
}

// Models lists the models the endpoint serves (GET /models), sorted. An
// endpoint that does not list its models (some llama.cpp and proxy setups)
// gives an *Error that says so.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	models, err := c.listModels(ctx)
	slices.Sort(models)
	return models, err
}

// SameModel compares model names as Ollama does: "llama3.2" is
// "llama3.2:latest".
func SameModel(a, b string) bool {
	return hasModel([]string{a}, b)
}

// hasModel compares model names as Ollama does: "llama3.2" is
// "llama3.2:latest".
func hasModel(models []string, model string) bool {
	norm := func(s string) string {
		if !strings.Contains(s, ":") {
			return s + ":latest"
		}
		return s
	}
	return slices.ContainsFunc(models, func(m string) bool { return m == model || norm(m) == norm(model) })
}

// CheckReport is what `brief check` prints: whether the endpoint works
// for brief, and what to do about each problem.
type CheckReport struct {
	Endpoint   string        `json:"endpoint"`
	Model      string        `json:"model"`
	Reachable  bool          `json:"reachable"`
	ModelFound bool          `json:"model_found"`
	Models     []string      `json:"models,omitempty"` // as listed by GET /models
	Streaming  bool          `json:"streaming"`
	JSONMode   bool          `json:"json_mode"`
	Latency    time.Duration `json:"latency_ns"` // one short answer, end to end
	// Server is what the server said about itself and Context the window
	// a run would use (filled by the caller after Discover and
	// ChooseWindow, when the model answered).
	Server  *Server `json:"server,omitempty"`
	Context *Window `json:"context,omitempty"`
	// Problems are sentences saying what is wrong and what to do.
	Problems []string `json:"problems,omitempty"`
}

// OK says whether brief can run against the endpoint.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check tries the endpoint the way a run uses it: model listing, a
// streamed answer, JSON mode. Each request is sent once, without retries,
// so what it reports is what the endpoint did.
func (c *Client) Check(ctx context.Context) CheckReport {
	r := CheckReport{Endpoint: c.Endpoint(), Model: c.cfg.Model}
	if !c.checkModels(ctx, &r) {
		return r
	}
	stream, ok := c.checkAnswer(ctx, &r)
	if ok {
		c.checkJSON(ctx, &r, stream)
	}
	return r
}

// problem adds a problem to r, with the key scrubbed from it.
func (c *Client) problem(r *CheckReport, format string, args ...any) {
	r.Problems = append(r.Problems, c.scrub(fmt.Sprintf(format, args...)))
}

// checkModels lists the models; false when the check cannot go on.
func (c *Client) checkModels(ctx context.Context, r *CheckReport) bool {
	models, err := c.listModels(ctx)
	var e *Error
	switch {
	case err == nil:
		r.Reachable, r.Models = true, models
		r.ModelFound = hasModel(models, c.cfg.Model)
	case ctx.Err() != nil:
		c.problem(r, "check interrupted: %v", ctx.Err())
		return false
	case errors.Is(err, errNotListed):
		r.Reachable = true
	case errors.As(err, &e):
		// An HTTP status is an answer: a server that says 401 is
		// reachable, its key is the problem.
		r.Reachable = e.Status != 0
		c.problem(r, "%s", e.Msg)
		return false
	}
	return true
}

// checkAnswer asks for a short streamed answer, and a plain one when the
// server will not stream. It returns whether streaming works and whether
// the model answered at all.
func (c *Client) checkAnswer(ctx context.Context, r *CheckReport) (stream, ok bool) {
	ask := Request{Stage: "check", User: "Reply with the single word OK.", MaxTokens: 16}
	for _, stream := range []bool{true, false} {
		start := time.Now()
		_, info, err := c.attempt(ctx, ask, stream, false)
		r.Latency = time.Since(start)
		if err == nil {
			r.Streaming, r.ModelFound = stream, true
			return stream, true
		}
		if stream && streamRejected(err) {
			c.problem(r, "%s does not stream answers: brief falls back to plain requests, where a slow model is only cut off by the %s request timeout", c.Endpoint(), c.cfg.Timeout)
			continue
		}
		e := c.classify(err, info)
		if f, _ := failureOf(err); e.Status == http.StatusNotFound && f.modelNotFound() {
			r.ModelFound = false
			c.problem(r, "%s", c.modelNotFoundMsg(r.Models, c.askOllama(ctx)))
		} else {
			c.problem(r, "a test completion failed: %s", e.Msg)
		}
		break
	}
	return false, false
}

// checkJSON asks for a JSON-mode answer, streamed when the server streams.
func (c *Client) checkJSON(ctx context.Context, r *CheckReport, stream bool) {
	// Room for a model that pads or thinks first: a probe cut short by
	// its own max_tokens said "json mode NO" of a model that runs fine.
	jreq := Request{Stage: "check", System: "Answer with one JSON object and nothing else.",
		User: `Return {"ok": true}.`, MaxTokens: 256, JSON: true}
	resp, jinfo, err := c.attempt(ctx, jreq, stream, true)
	switch {
	case err == nil && (json.Valid([]byte(strings.TrimSpace(resp.Text))) || resp.FinishReason == "length"):
		r.JSONMode = true // a long answer means JSON mode was accepted; it was long, not wrong
	case err == nil:
		c.problem(r, "model %s answered a JSON-mode request with text that is not JSON: summaries may fail; a larger model usually helps", c.cfg.Model)
	case jsonRejected(err):
		c.problem(r, "%s does not support JSON mode (response_format): brief asks without it, and small models then break the summary format more often", c.Endpoint())
	default:
		c.problem(r, "a JSON-mode request failed: %s", c.classify(err, jinfo).Msg)
	}
}
