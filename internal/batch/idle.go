package batch

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// errIdle is a Batch API answer that stopped arriving.
var errIdle = errors.New("no byte for the idle timeout")

// idleTransport closes an answer's body when no byte of it arrived for
// idle, so a stalled download fails with errIdle instead of waiting.
type idleTransport struct {
	next http.RoundTripper
	idle time.Duration
}

func (t idleTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	b := &idleBody{ReadCloser: resp.Body, idle: t.idle}
	body := resp.Body
	b.timer = time.AfterFunc(t.idle, func() {
		b.fired.Store(true)
		body.Close()
	})
	resp.Body = b
	return resp, nil
}

type idleBody struct {
	io.ReadCloser
	idle  time.Duration
	timer *time.Timer
	fired atomic.Bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.fired.Load() {
		return n, errIdle
	}
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}

// timedOut reports whether err is an HTTP client's timeout.
func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
