package llm

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// What the client accepts from the network, beyond what go-openai checks:
// which URL it talks to, where a redirect may take the API key, and how
// many bytes one answer may be.

// ParseBaseURL checks an endpoint URL and returns it normalised: scheme and
// host lower-case (so HTTP://Host/v1 works), no trailing slash. A query
// string is kept (the client sends it with every request); a fragment, a
// missing host or another scheme is an error whose text never shows the
// URL's credentials.
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	bad := func(why string) error {
		return &Error{Class: ErrFatal, Msg: fmt.Sprintf("endpoint %q %s: it should look like %s (Ollama) or https://api.openai.com/v1", RedactURL(raw), why, DefaultBaseURL)}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		// The parse error quotes the URL, password and all: not shown.
		return nil, bad("is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("is not an http(s) URL")
	case u.Opaque != "" || u.Host == "" || strings.Contains(u.Host, "\\"):
		return nil, bad("has no host")
	case u.Fragment != "" || strings.HasSuffix(raw, "#"):
		return nil, bad("has a #fragment, which a server never sees")
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// origin is scheme://host:port, the unit a redirect may stay within.
// (url.Parse lower-cases the scheme, not the host.)
func origin(u *url.URL) string {
	port := cmp.Or(u.Port(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	return u.Scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// maxSameOriginRedirects is how many redirects within the endpoint's own
// origin are followed (a trailing-slash fix, say) before giving up.
const maxSameOriginRedirects = 3

// redirectError is a redirect the client refused to follow.
type redirectError struct {
	status int
	to     string // redacted
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("redirect (HTTP %d) to %s not followed", e.status, e.to)
}

// RefusedRedirect says, for an error of a client from SameOriginClient,
// where a refused redirect pointed (without credentials); "" if err is not
// one.
func RefusedRedirect(err error) string {
	var r *redirectError
	if errors.As(err, &r) {
		return r.Error()
	}
	return ""
}

// checkRedirect keeps API calls on the endpoint the user named: the
// request carries the API key and the articles, so a redirect to another
// scheme, host or port is an error, never followed. Go's own rule only
// drops Authorization for another host name, not for another port or for
// https to http.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if origin(req.URL) == origin(via[0].URL) && len(via) <= maxSameOriginRedirects {
		return nil
	}
	// req.Response is the redirect itself, always set here.
	return &redirectError{status: req.Response.StatusCode, to: RedactURL(req.URL.String())}
}

// SameOriginClient returns a copy of hc (nil: a plain http.Client) that
// refuses redirects to another origin, whatever policy it had: for every
// client that sends the API key (this one's and the Batch API's).
func SameOriginClient(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{CheckRedirect: checkRedirect}
	}
	c := *hc
	c.CheckRedirect = checkRedirect
	return &c
}

// Answer size caps. An answer is text of at most MaxTokens tokens, a few
// bytes each; a server that ignores max_tokens, streams forever or sends
// one endless line must not take the memory of the machine. What is over a
// cap fails like a cut answer (ErrTransient).
const (
	capTokensDefault = 8192      // for requests without MaxTokens
	capTextPerToken  = 16        // bytes of answer text per token of max_tokens
	capRawPerToken   = 1 << 10   // bytes on the wire per token: SSE framing and JSON around each one
	capTextSlack     = 64 << 10  // plus this much text
	capRawSlack      = 1 << 20   // plus this much on the wire
	capListBytes     = 16 << 20  // GET /models (OpenRouter lists hundreds of models)
	capErrorBytes    = 256 << 10 // an error body worth reading
)

var errTooLong = errors.New("answer over the size limit")

// answerCaps are the limits of one answer.
type answerCaps struct {
	tokens int   // the max_tokens they were made for
	text   int   // answer text, bytes
	raw    int64 // response body, bytes
	line   int   // one SSE line, bytes
}

func capsFor(maxTokens int) answerCaps {
	n := maxTokens
	if n <= 0 {
		n = capTokensDefault
	}
	text := capTextPerToken*n + capTextSlack
	return answerCaps{tokens: n, text: text, raw: int64(capRawPerToken*n + capRawSlack), line: text + capTextSlack}
}

// cappedBody ends a response body with errTooLong once it has given max
// bytes, or (for an event stream) a line longer than line bytes, and says
// so in over, so the error is classified even if go-openai rewraps it.
type cappedBody struct {
	rc      io.ReadCloser
	left    int64
	line    int // 0: no line limit
	curLine int
	over    *atomic.Bool
	// truncate ends the body with io.EOF at the limit instead: an error
	// page's start is enough to classify it by its status.
	truncate bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		if b.truncate {
			return 0, io.EOF
		}
		b.over.Store(true)
		return 0, errTooLong
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.line > 0 {
		for _, c := range p[:n] {
			if c == '\n' {
				b.curLine = 0
			} else if b.curLine++; b.curLine > b.line {
				b.over.Store(true)
				return 0, errTooLong
			}
		}
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// capBody wraps resp.Body with the limits the attempt put in info.
func capBody(resp *http.Response, info *respInfo) {
	limit, line := int64(capListBytes), 0
	if info.caps.raw > 0 {
		// A stream frames every token in JSON; one JSON body only
		// escapes the text (at worst \uXXXX, six bytes a byte).
		limit = min(info.caps.raw, int64(6*info.caps.text+capTextSlack))
		if strings.Contains(resp.Header.Get("Content-Type"), "event-stream") {
			limit, line = info.caps.raw, info.caps.line
		}
	}
	body := &cappedBody{rc: resp.Body, left: limit, line: line, over: &info.overCap}
	if resp.StatusCode >= 400 {
		body.left, body.line, body.truncate = min(limit, capErrorBytes), 0, true
	}
	resp.Body = body
}

// go-openai neither retries nor exposes response headers on errors, but
// Retry-After and x-ratelimit-* decide how long to wait. recordingDoer
// wraps the http.Client and files each response's status and headers in the
// respInfo that the attempt put into the request's context.

type infoKey struct{}

// respInfo is what one attempt learnt about its HTTP response.
type respInfo struct {
	mu      sync.Mutex
	status  int
	header  http.Header
	started atomic.Bool // response headers arrived
	caps    answerCaps  // limits of the answer; zero for other requests
	overCap atomic.Bool // the body went over a limit
}

func (i *respInfo) headers() http.Header {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.header
}

// recordingDoer also adds the base URL's query string to every request
// (go-openai appends paths to the base URL as text, which would put them
// after the query) and caps what is read of each response body.
type recordingDoer struct {
	c     *http.Client
	query string
}

func (d recordingDoer) Do(req *http.Request) (*http.Response, error) {
	if d.query != "" {
		req.URL.RawQuery = strings.TrimSuffix(d.query+"&"+req.URL.RawQuery, "&")
	}
	resp, err := d.c.Do(req)
	if err == nil {
		info, ok := req.Context().Value(infoKey{}).(*respInfo)
		if !ok {
			info = &respInfo{}
		}
		info.mu.Lock()
		info.status, info.header = resp.StatusCode, resp.Header.Clone()
		info.mu.Unlock()
		info.started.Store(true)
		capBody(resp, info)
	}
	return resp, err
}
