package llm

import (
	"net/http"
	"sync"
	"sync/atomic"
)

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

func (i *respInfo) set(resp *http.Response) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.status = resp.StatusCode
	i.header = resp.Header.Clone()
	i.started.Store(true)
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
		if req.URL.RawQuery == "" {
			req.URL.RawQuery = d.query
		} else {
			req.URL.RawQuery = d.query + "&" + req.URL.RawQuery
		}
	}
	resp, err := d.c.Do(req)
	if err == nil {
		info, ok := req.Context().Value(infoKey{}).(*respInfo)
		if !ok {
			info = &respInfo{}
		}
		info.set(resp)
		capBody(resp, info)
	}
	return resp, err
}
