package llm

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/safetext"
)

// Internal failure causes, classified by classify.
var (
	errIdle           = errors.New("idle timeout")
	errAttemptTimeout = errors.New("request timeout")
	errCutStream      = errors.New("stream ended before finish_reason")
	errStreamIgnored  = errors.New("stream request answered without event stream")
	errEmpty          = errors.New("empty answer")
	errNoChoices      = errors.New("answer without choices")
	errContentFilter  = errors.New("content filter")
)

// apiFailure is what an endpoint said about a failure, from whichever of
// the many error shapes it used.
type apiFailure struct {
	status    int    // HTTP status; 0 for an error inside a 200 stream
	midStream bool   // the error arrived as a `data: {"error":...}` event
	code      string // "insufficient_quota", "context_length_exceeded", "429", ...
	typ       string
	msg       string
	html      bool // the body was an HTML page (a proxy's)
}

var htmlTitle = regexp.MustCompile(`(?is)<title>\s*(.*?)\s*</title>`)

// failureOf extracts the endpoint's account of err, if err came from one.
func failureOf(err error) (apiFailure, bool) {
	var f apiFailure
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &reqErr):
		// go-openai could not read the body as {"error": {...}}: an HTML
		// page from a proxy, an old vLLM flat body, or Ollama's
		// {"error": "text"}.
		f.status = reqErr.HTTPStatusCode
		body := strings.TrimSpace(string(reqErr.Body))
		var flat struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Code    any             `json:"code"`
			Error   json.RawMessage `json:"error"`
		}
		switch {
		case json.Unmarshal(reqErr.Body, &flat) == nil:
			f.msg, f.typ, f.code = flat.Message, flat.Type, anyCode(flat.Code)
			var s string
			if f.msg == "" && json.Unmarshal(flat.Error, &s) == nil {
				f.msg = s
			}
		case strings.HasPrefix(body, "<") || strings.Contains(strings.ToLower(body), "<html"):
			f.html = true
			if m := htmlTitle.FindStringSubmatch(body); m != nil {
				f.msg = m[1]
			}
		default:
			f.msg = body
		}
		if f.msg == "" && errors.As(reqErr.Err, &apiErr) {
			f.msg, f.typ, f.code = apiErr.Message, apiErr.Type, anyCode(apiErr.Code)
		}
		return f, true
	case errors.As(err, &apiErr):
		f.status, f.msg, f.typ, f.code = apiErr.HTTPStatusCode, apiErr.Message, apiErr.Type, anyCode(apiErr.Code)
		if f.status == 0 {
			// go-openai leaves the status 0 for an error object that
			// arrived inside a 200 stream; some servers put an HTTP
			// status in its code.
			f.midStream = true
			if n, err := strconv.Atoi(f.code); err == nil && n >= 400 && n < 600 {
				f.status = n
			}
		}
		return f, true
	}
	return f, false
}

// anyCode is an error code as text, whether the endpoint sent a string or
// a number (a JSON number decodes as float64, which prints whole).
func anyCode(c any) string {
	if c == nil {
		return ""
	}
	return fmt.Sprint(c)
}

var contextLengthRe = regexp.MustCompile(`(?i)context[ _-]?(length|window|size)|maximum context|too many tokens|prompt is too long|input is too long|exceeds? the (model|maximum)|reduce the length`)

func (f apiFailure) contextLength() bool {
	return f.code == "context_length_exceeded" || f.code == "string_above_max_length" || contextLengthRe.MatchString(f.msg)
}

// modelNotFound tells a 404 for an unknown model from a 404 for a wrong
// URL (Ollama answers the latter with a plain "404 page not found").
func (f apiFailure) modelNotFound() bool {
	return f.code == "model_not_found" || strings.Contains(strings.ToLower(f.msg), "model")
}

func (f apiFailure) quota() bool {
	return f.code == "insufficient_quota" || f.typ == "insufficient_quota" ||
		strings.Contains(strings.ToLower(f.msg), "exceeded your current quota")
}

// describe is the endpoint's own words, short and safe to show.
func (f apiFailure) describe(c *Client) string {
	s := "error in the answer stream"
	if f.status != 0 && !f.midStream {
		s = strings.TrimSpace(fmt.Sprintf("HTTP %d %s", f.status, http.StatusText(f.status)))
	}
	switch m := c.scrub(f.msg); {
	case f.html:
		return s + " (an HTML error page, likely from a proxy in front of the model server)"
	case m != "":
		return s + ": " + m
	}
	return s
}

// classify turns any failure of one attempt into an *Error with a class
// and a message that says what happened and what to do.
func (c *Client) classify(err error, info *respInfo) *Error {
	ep := c.Endpoint()
	e := func(class error, status int, format string, args ...any) *Error {
		return &Error{Class: class, Status: status, Msg: c.scrub(fmt.Sprintf(format, args...)), Err: err}
	}
	var redir *redirectError
	switch {
	case errors.Is(err, errTooLong) || (info != nil && info.overCap.Load()):
		return e(ErrTransient, 0, "%s", c.tooLongMsg(info))
	case errors.As(err, &redir):
		// Status 0: the endpoint is not usable as named, so brief check
		// must not call it reachable.
		return e(ErrFatal, 0, c.hint("%s redirected the request (HTTP %d) to %s: redirects to another server are not followed, since they would carry the API key and the articles there", SettingBaseURL), ep, redir.status, redir.to)
	case errors.Is(err, http.ErrSchemeMismatch):
		// Only an https:// base URL meets a plain-HTTP server this way.
		return e(ErrFatal, 0, c.hint("cannot reach %s: the server answered in plain HTTP, not HTTPS (it is at %s)", SettingBaseURL), ep, RedactURL("http"+strings.TrimPrefix(c.cfg.BaseURL, "https")))
	case errors.Is(err, errIdle):
		return e(ErrTransient, 0, "%s sent no token for %s in the middle of an answer (the stream stalled)", ep, c.cfg.IdleTimeout)
	case errors.Is(err, errAttemptTimeout):
		return e(ErrTransient, 0, c.hint("%s gave no complete answer within %s", SettingTimeout), ep, c.cfg.Timeout)
	case errors.Is(err, errCutStream):
		return e(ErrTransient, 0, "the answer from %s stopped before the model finished (the stream closed without a finish_reason); the server may have restarted", ep)
	case errors.Is(err, errEmpty):
		return e(ErrTransient, 0, "model %s at %s returned an empty answer", c.cfg.Model, ep)
	case errors.Is(err, errNoChoices), errors.Is(err, errStreamIgnored), errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return e(ErrTransient, 0, "%s sent an answer brief cannot read (no completion in it)", ep)
	case errors.Is(err, errContentFilter):
		return e(ErrArticle, 0, "the endpoint's content filter stopped the answer (finish_reason content_filter): this text cannot be processed with model %s", c.cfg.Model)
	}

	if f, ok := failureOf(err); ok {
		return c.classifyAPI(err, f)
	}

	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return e(ErrFatal, 0, c.hint("cannot reach %s: host %s not found", SettingBaseURL), ep, dnsErr.Name)
	case errors.As(err, new(tls.RecordHeaderError)):
		return e(ErrFatal, 0, c.hint("cannot reach %s: the server does not speak TLS (HTTPS) on that port (a local server usually speaks plain http://)", SettingBaseURL), ep)
	case errors.As(err, new(*tls.CertificateVerificationError)), errors.As(err, new(x509.UnknownAuthorityError)), errors.As(err, new(x509.HostnameError)):
		return e(ErrFatal, 0, c.hint("cannot reach %s: its TLS certificate is not trusted (a local server usually speaks plain http://)", SettingBaseURL), ep)
	case isRefused(err):
		return e(ErrTransient, 0, "cannot connect to %s (connection refused)", ep)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE):
		return e(ErrTransient, info.status, "the connection to %s broke before the answer was complete", ep)
	}
	if errors.As(err, new(*json.SyntaxError)) || errors.As(err, new(*json.UnmarshalTypeError)) {
		return e(ErrTransient, info.status, "%s sent a malformed answer (not valid JSON)", ep)
	}
	return e(ErrTransient, info.status, "request to %s failed: %s", ep, errText(err))
}

func (c *Client) classifyAPI(err error, f apiFailure) *Error {
	ep, model := c.Endpoint(), c.cfg.Model
	e := func(class error, format string, args ...any) *Error {
		return &Error{Class: class, Status: f.status, Msg: c.scrub(fmt.Sprintf(format, args...)), Err: err}
	}
	what := f.describe(c)
	switch s := f.status; {
	case s == http.StatusUnauthorized:
		// The body may echo the key; never show it.
		return e(ErrFatal, c.hint("%s rejected the API key (HTTP 401): the key is missing or wrong", SettingAPIKey), ep)
	case s == http.StatusForbidden:
		return e(ErrFatal, "%s refused access (HTTP 403): the API key lacks permission for model %s: check the key and the model", ep, model)
	case s == http.StatusNotFound:
		if f.modelNotFound() {
			return e(ErrFatal, "%s", c.modelNotFoundMsg(nil, c.kind() == KindOllama))
		}
		return e(ErrFatal, c.hint("%s has no chat completions API (%s; an OpenAI-compatible endpoint usually ends in /v1)", SettingBaseURL), ep, what)
	case s == http.StatusTooManyRequests && f.quota():
		return e(ErrFatal, "the account behind the API key at %s has no quota left (%s): add credit or use another key; retrying will not help", ep, what)
	case s == http.StatusTooManyRequests:
		return e(ErrTransient, "%s is rate limiting requests (%s)", ep, what)
	case f.contextLength():
		ce := e(ErrArticle, "the text is too long for model %s's context window (%s): split the article or use a model with a larger context", model, what)
		ce.Err = errors.Join(ErrContextLength, err)
		return ce
	case f.midStream && f.quota():
		return e(ErrFatal, "the account behind the API key at %s has no quota left (%s): add credit or use another key", ep, what)
	case s == 0:
		return e(ErrTransient, "%s reported a failure while answering (%s)", ep, what)
	case s == http.StatusRequestTimeout, s == http.StatusConflict, s == http.StatusTooEarly:
		return e(ErrTransient, "%s could not answer now (%s)", ep, what)
	case s == http.StatusServiceUnavailable:
		return e(ErrTransient, "%s is busy or not ready (%s)", ep, what)
	case s >= 500:
		return e(ErrTransient, "%s failed (%s)", ep, what)
	case s == http.StatusBadRequest, s == http.StatusRequestEntityTooLarge, s == http.StatusUnprocessableEntity:
		return e(ErrArticle, "%s rejected this request (%s)", ep, what)
	}
	return e(ErrFatal, c.hint("%s answered %s to a chat completion", SettingBaseURL, SettingModel), ep, what)
}

func (c *Client) modelNotFoundMsg(available []string, ollama bool) string {
	m := c.cfg.Model
	msg := fmt.Sprintf("model %s not found at %s", m, c.Endpoint())
	if len(available) > 0 {
		if len(available) > 8 {
			available = append(available[:8:8], "...")
		}
		msg += " (it serves: " + strings.Join(available, ", ") + ")"
	}
	if ollama {
		msg += fmt.Sprintf("; Ollama fetches it with `ollama pull %s`", m)
	}
	return c.hint(msg, SettingModel)
}

func (c *Client) unreachableMsg(err error) string {
	why := "the server may not be running"
	if localOllama(c.cfg.BaseURL) {
		why = "Ollama does not seem to be running (`ollama serve` starts it)"
	}
	return c.scrub(c.hint(fmt.Sprintf("cannot reach %s (%s): %s", c.Endpoint(), errText(err), why), SettingBaseURL))
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// localOllama says whether base is Ollama's port on this machine, where
// `ollama serve` is the fix for a refused connection.
func localOllama(base string) bool {
	u, err := url.Parse(base)
	return err == nil && u.Port() == "11434" && slices.Contains([]string{"localhost", "127.0.0.1", "::1", "0.0.0.0"}, u.Hostname())
}

// errText is a network error's short text without the request URL (which
// url.Error adds and which may carry credentials).
func errText(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return err.Error()
}

// scrub removes the endpoint's secrets from s (safetext.Redact), and keeps
// it to one line of reasonable length.
func (c *Client) scrub(s string) string {
	s = strings.Join(strings.Fields(safetext.Redact(s, c.secrets...)), " ")
	if r := []rune(s); len(r) > 400 {
		s = string(r[:400]) + "..."
	}
	return s
}

// streamRejected says whether err means the endpoint does not stream.
func streamRejected(err error) bool {
	return errors.Is(err, errStreamIgnored) || refusedFor(err, "stream")
}

// jsonRejected says whether err means the endpoint does not take
// response_format json_object.
func jsonRejected(err error) bool {
	return refusedFor(err, "response_format", "json_object", "json mode", "response format")
}

// refusedFor says whether the endpoint refused the request (400, 422 or
// 501, not mid-stream) naming one of words: a feature it does not have.
func refusedFor(err error, words ...string) bool {
	f, ok := failureOf(err)
	switch {
	case !ok || f.midStream:
		return false
	case f.status != http.StatusBadRequest && f.status != http.StatusUnprocessableEntity && f.status != http.StatusNotImplemented:
		return false
	}
	m := strings.ToLower(f.msg)
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(m, w) })
}

func (c *Client) tooLongMsg(info *respInfo) string {
	if info == nil || info.caps.raw == 0 {
		return fmt.Sprintf("the answer from %s was larger than brief accepts (%d MB)", c.Endpoint(), capListBytes>>20)
	}
	return fmt.Sprintf("the answer from %s was longer than brief accepts for at most %d tokens (the server ignored max_tokens, or the stream did not end): it was cut off, like a broken answer",
		c.Endpoint(), info.caps.tokens)
}

// Setting is a setting of the client a user can change to get past an
// error. The client's messages say what happened; how to change a setting
// (a flag, a config key, a field) is the caller's to word, through
// Config.Hints, so the library names none of brief's flags.
type Setting int

// The settings an error can point at.
const (
	SettingBaseURL Setting = iota + 1
	SettingModel
	SettingAPIKey
	SettingTimeout
	// SettingContext is the model's context window, when the server does
	// not say it.
	SettingContext
)

// withHints appends the caller's hints for the settings that could fix
// what msg describes; without hints msg is returned as it is.
func withHints(hints map[Setting]string, msg string, settings ...Setting) string {
	var fixes []string
	for _, s := range settings {
		if h := hints[s]; h != "" {
			fixes = append(fixes, h)
		}
	}
	if len(fixes) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(fixes, "; ")
}

// hint is withHints with the client's hints.
func (c *Client) hint(msg string, settings ...Setting) string {
	return withHints(c.cfg.Hints, msg, settings...)
}
