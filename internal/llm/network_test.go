package llm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// elsewhere is a server the endpoint redirects to, which must never be
// reached: it records every request and any Authorization header.
type elsewhere struct {
	*httptest.Server
	hits, auth atomic.Int32
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			e.auth.Add(1)
		}
		http.Error(w, "not here", http.StatusNotFound)
	}))
	t.Cleanup(e.Close)
	return e
}

// A redirect to another port, or from https to plain http, would carry the
// key and the article there: it is a fatal error naming where it pointed
// (without credentials), and the other server sees nothing.
func TestRedirectToAnotherOriginIsNotFollowed(t *testing.T) {
	const key = "sk-redirect-SECRET-0123456789"
	for _, tc := range []struct {
		name   string
		status int
		tls    bool
	}{
		{"307 to another port", http.StatusTemporaryRedirect, false},
		{"308 to another port", http.StatusPermanentRedirect, false},
		{"307 from https to http", http.StatusTemporaryRedirect, true},
		{"302 to another port", http.StatusFound, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := newElsewhere(t)
			target := strings.Replace(other.URL, "http://", "http://bob:hunter2@", 1)
			srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{
				Redirect: target, RedirectStatus: tc.status, TLS: tc.tls,
			}))
			c, h := newClient(t, srv, func(c *llm.Config) {
				c.APIKey = key
				if tc.tls {
					c.HTTPClient = srv.HTTPClient()
				}
			})
			_, err := c.Complete(context.Background(), translateReq())
			if classOf(err) != "fatal" {
				t.Fatalf("Complete: %v (%s), want fatal", err, classOf(err))
			}
			msg := err.Error()
			if !strings.Contains(msg, "redirected") || !strings.Contains(msg, strings.TrimPrefix(other.URL, "http://")) || !strings.Contains(msg, "--base-url") {
				t.Errorf("message %q should say it was redirected, where to, and what to do", msg)
			}
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, "SECRET") || strings.Contains(h.Logs(), "SECRET") {
				t.Errorf("credentials in %q / %q", msg, h.Logs())
			}
			if err := c.Preflight(context.Background()); classOf(err) != "fatal" {
				t.Errorf("Preflight: %v, want fatal", err)
			}
			if r := c.Check(context.Background()); r.OK() || r.Reachable {
				t.Errorf("Check = %+v, want the redirect reported", r)
			}
			if n := srv.Hits(); n == 0 {
				t.Fatal("the endpoint was never asked")
			}
			if other.hits.Load() != 0 || other.auth.Load() != 0 {
				t.Fatalf("the other server got %d requests, %d with the key", other.hits.Load(), other.auth.Load())
			}
		})
	}
}

// A redirect within the endpoint's own origin (a path fix) is followed,
// with the key, since it goes to the server the user named.
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithAPIKey("sk-same"))
	srv.Enqueue(llmtest.Reply{Status: http.StatusPermanentRedirect, Header: http.Header{"Location": {"/v1/chat/completions?moved=1"}}})
	c, _ := newClient(t, srv, func(c *llm.Config) { c.APIKey = "sk-same" })
	resp, err := c.Complete(context.Background(), translateReq())
	if err != nil || resp.Text != translated {
		t.Fatalf("Complete = %+v, %v; want the answer after the redirect", resp, err)
	}
	if srv.Count() != 2 {
		t.Fatalf("%d chat requests, want 2 (the redirect, then the answer)", srv.Count())
	}
}

// A server whose TLS certificate is not trusted is not a passing fault
// either: fatal at once, with the reason.
func TestUntrustedCertificateIsFatal(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: llmtest.Model, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Complete(context.Background(), translateReq())
	if classOf(err) != "fatal" || !strings.Contains(err.Error(), "its TLS certificate is not trusted") {
		t.Fatalf("Complete: %v (%s), want fatal about the certificate", err, classOf(err))
	}
}

// https:// pointed at a plain-HTTP port is a configuration mistake, not a
// passing fault: fatal at once, with the http:// URL to use, and brief
// check does not call the endpoint ok.
func TestHTTPSToPlainHTTPPortIsFatalWithTheFix(t *testing.T) {
	srv := llmtest.New(t)
	base := strings.Replace(srv.URL(), "http://", "https://", 1)
	c, h := newClient(t, srv, func(c *llm.Config) { c.BaseURL = base })
	_, err := c.Complete(context.Background(), translateReq())
	if classOf(err) != "fatal" || !strings.Contains(err.Error(), "it is at "+srv.URL()) || !strings.Contains(err.Error(), "check --base-url") {
		t.Fatalf("Complete: %v (%s), want fatal naming %s", err, classOf(err), srv.URL())
	}
	if len(h.Sleeps()) != 0 {
		t.Errorf("retried %d times; a TLS mismatch does not go away", len(h.Sleeps()))
	}
	r := c.Check(context.Background())
	if r.Reachable || r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "plain HTTP") {
		t.Fatalf("Check = %+v, want not reachable with the reason", r)
	}
}

// Base URLs: upper-case scheme and host work; a query string is sent with
// every request (not glued in front of the path); what is not an http(s)
// URL with a host is refused, and the message never shows a password.
func TestBaseURLIsNormalisedAndRedacted(t *testing.T) {
	srv := llmtest.New(t)
	upper := strings.Replace(srv.URL(), "http://127.0.0.1", "HTTP://127.0.0.1", 1)
	c, _ := newClient(t, srv, func(c *llm.Config) { c.BaseURL = upper + "/?api-version=2024-10&token=SECRET-q" })
	if _, err := c.Complete(context.Background(), translateReq()); err != nil {
		t.Fatalf("upper-case scheme with a query: %v", err)
	}
	if err := c.Preflight(context.Background()); err != nil {
		t.Fatalf("preflight with a query: %v", err)
	}
	if q := srv.Requests()[0].Query; q != "api-version=2024-10&token=SECRET-q" {
		t.Errorf("query sent = %q, want the base URL's", q)
	}
	if ep := c.Endpoint(); strings.Contains(ep, "SECRET") || !strings.Contains(ep, "api-version=2024-10") {
		t.Errorf("Endpoint() = %q", ep)
	}

	for _, bad := range []string{
		"alice:secret@host/v1",
		`http:/\alice:secret@127.0.0.1/v1`,
		`http:\\alice:secret@127.0.0.1/v1`,
		"http://alice:secret@127.0.0.1:port/v1",
		"http://alice:sec ret@127.0.0.1/v1",
		"ftp://alice:secret@host/v1",
		"http://alice:secret@host/v1#frag",
		"http://h o s t/v1?api_key=secret",
	} {
		_, err := llm.New(llm.Config{BaseURL: bad, Model: "m", Hints: testHints})
		var e *llm.Error
		if !errors.As(err, &e) || !errors.Is(err, llm.ErrFatal) {
			t.Errorf("New(%q): %v, want a fatal *llm.Error", bad, err)
			continue
		}
		if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "--base-url") {
			t.Errorf("New(%q): %q", bad, err)
		}
		if r := llm.RedactURL(bad); strings.Contains(r, "secret") {
			t.Errorf("RedactURL(%q) = %q", bad, r)
		}
	}
}

// An answer far over max_tokens (a server that ignores it, or never ends)
// is cut off at a cap and fails like a cut answer, long before --timeout;
// so does one SSE line that never ends. The streaming and the
// non-streaming path alike.
func TestOversizedAnswersFailLikeCutOnes(t *testing.T) {
	for name, rep := range map[string]llmtest.Reply{
		"endless stream":          {Content: "EN: start ", Flood: -1},
		"50 MB stream":            {Content: "EN: start ", Flood: 50 << 20},
		"100 MB line":             {Content: "EN: start ", Flood: 100 << 20, FloodLine: true},
		"endless line":            {Content: "EN: start ", Flood: -1, FloodLine: true},
		"50 MB plain answer":      {Flood: 50 << 20, IgnoreStream: true},
		"endless plain answer":    {Flood: -1, IgnoreStream: true},
		"50 MB answer, no stream": {Flood: 50 << 20},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return rep }))
			if name == "50 MB answer, no stream" {
				srv.SetHandler(llmtest.RejectStreaming(func(llmtest.ChatRequest) llmtest.Reply { return rep }))
			}
			c, h := newClient(t, srv, func(c *llm.Config) {
				c.Retries, c.Timeout, c.IdleTimeout = 1, time.Hour, time.Hour
			})
			// The backstop only: a cap that does not work hangs here.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := c.Complete(ctx, translateReq())
			if ctx.Err() != nil {
				t.Fatalf("still reading after a minute: %v", err)
			}
			if classOf(err) != "transient" || !strings.Contains(err.Error(), "longer than brief accepts for at most 512 tokens") {
				t.Fatalf("Complete: %v (%s), want a transient too-long error", err, classOf(err))
			}
			if !strings.Contains(h.Logs(), "retrying") {
				t.Errorf("logs %q: a cut answer is retried", h.Logs())
			}
		})
	}
}

// Answers within the caps still pass: a long finished answer for a large
// max_tokens, streamed in chunks or as one line, and one JSON body.
func TestLongAnswersWithinTheCapPass(t *testing.T) {
	req := translateReq()
	req.MaxTokens = 40000 // caps: 704 KB of text, a line of 768 KB
	for name, rep := range map[string]llmtest.Reply{
		"stream":   {Content: "EN: ", Flood: 600 << 10},
		"one line": {Content: "EN: ", Flood: 600 << 10, FloodLine: true},
	} {
		srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return rep }))
		c, _ := newClient(t, srv, func(c *llm.Config) { c.Timeout = time.Minute })
		resp, err := c.Complete(context.Background(), req)
		if err != nil || len(resp.Text) < 600<<10 {
			t.Fatalf("%s: %d bytes, %v", name, len(resp.Text), err)
		}
	}

	// One JSON body, not streamed: æøå and a few quotes cost escaping.
	dansk := strings.Repeat("Ærø og \"Østerbro\" får nye cykelstier. ", 15000) // 630 KB
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Reply{Content: dansk, IgnoreStream: true}
	}))
	c, _ := newClient(t, srv, func(c *llm.Config) { c.Timeout = time.Minute })
	if resp, err := c.Complete(context.Background(), req); err != nil || resp.Text != dansk {
		t.Fatalf("plain answer: %d bytes, %v", len(resp.Text), err)
	}
}
