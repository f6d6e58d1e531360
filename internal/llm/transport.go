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

func (i *respInfo) contentType() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.header.Get("Content-Type")
}

type recordingDoer struct{ c *http.Client }

func (d recordingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if err == nil {
		if info, ok := req.Context().Value(infoKey{}).(*respInfo); ok {
			info.set(resp)
		}
	}
	return resp, err
}
