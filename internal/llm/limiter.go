package llm

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is shared by all requests of one Client. It enforces RPM and TPM
// when configured and a "paused until" time that a 429's Retry-After (or a
// nearly spent x-ratelimit budget) sets for everyone: one worker's 429
// means the endpoint is over its limit for all of them.
type limiter struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	rpm   *rate.Limiter // nil: no limit
	tpm   *rate.Limiter
	// maxPause caps any one pause, like Config.MaxRetryAfter.
	maxPause time.Duration

	mu    sync.Mutex
	until time.Time
}

func newLimiter(rpm, tpm int, maxPause time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	l := &limiter{now: now, sleep: sleep, maxPause: maxPause}
	if rpm > 0 {
		// Burst 1 spreads requests evenly over the minute, as providers
		// that enforce per-minute limits at finer granularity expect.
		l.rpm = rate.NewLimiter(rate.Limit(float64(rpm)/60), 1)
	}
	if tpm > 0 {
		// One second of the budget at most at once, for the same reason
		// as burst 1 above: a minute's tokens sent in one burst are
		// refused by an endpoint that enforces the limit per second or
		// so, even below the per-minute rate. A request larger than that
		// is charged in one-second parts (see wait).
		l.tpm = rate.NewLimiter(rate.Limit(float64(tpm)/60), max(tpm/60, 1))
	}
	return l
}

// wait blocks until a request costing about tokens may be sent.
func (l *limiter) wait(ctx context.Context, tokens int) error {
	var waited time.Time
	for {
		l.mu.Lock()
		until := l.until
		l.mu.Unlock()
		now := l.now()
		// Stop when the pause is over, or when it was not extended while
		// we slept (an injected sleep may not advance the clock).
		if !until.After(now) || !until.After(waited) {
			break
		}
		if err := l.sleep(ctx, until.Sub(now)); err != nil {
			return err
		}
		waited = until
	}
	if err := l.reserve(ctx, l.rpm, 1); err != nil {
		return err
	}
	return l.reserve(ctx, l.tpm, max(tokens, 1))
}

// reserve takes n from lim (nil: no limit), in burst-sized parts reserved
// together when n is larger than the burst, and waits for the last part.
func (l *limiter) reserve(ctx context.Context, lim *rate.Limiter, n int) error {
	if lim == nil {
		return nil
	}
	now := l.now()
	var parts []*rate.Reservation
	var delay time.Duration
	for n > 0 {
		k := min(n, lim.Burst())
		r := lim.ReserveN(now, k)
		parts = append(parts, r)
		delay = max(delay, r.DelayFrom(now))
		n -= k
	}
	if delay <= 0 {
		return nil
	}
	if err := l.sleep(ctx, delay); err != nil {
		for i := len(parts) - 1; i >= 0; i-- {
			parts[i].CancelAt(l.now())
		}
		return err
	}
	return nil
}

// pause holds every request for d from now (a pause already longer stays).
func (l *limiter) pause(d time.Duration) {
	until := l.now().Add(min(d, l.maxPause))
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.until) {
		l.until = until
	}
}

// observe slows down before a 429 when OpenAI-style headers say the
// request or token budget is nearly spent: with nothing left it pauses
// until the reset, with under a tenth left it spreads what is left over
// the time to the reset.
func (l *limiter) observe(h http.Header) {
	for _, kind := range []string{"requests", "tokens"} {
		rem, ok1 := headerInt(h, "x-ratelimit-remaining-"+kind)
		reset, ok2 := parseResetDuration(h.Get("x-ratelimit-reset-" + kind))
		if !ok1 || !ok2 {
			continue
		}
		limit, _ := headerInt(h, "x-ratelimit-limit-"+kind)
		switch {
		case rem <= 0:
			l.pause(reset)
		case limit > 0 && rem*10 <= limit:
			l.pause(reset / time.Duration(rem+1))
		}
	}
}

func headerInt(h http.Header, k string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get(k)))
	return n, err == nil
}

// maxHeaderSeconds bounds a wait read from a header before it becomes a
// Duration: "inf" or "1e300" would overflow to a negative one (every wait
// is capped far lower anyway, by MaxRetryAfter).
const maxHeaderSeconds = 1e6

// parseResetDuration reads OpenAI's reset values: Go-style durations like
// "1s", "6m0s", "20ms", "1h2m3.5s", or plain seconds.
func parseResetDuration(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		return time.Duration(min(f, maxHeaderSeconds) * float64(time.Second)), true
	}
	return 0, false
}

// serverDelay is the wait the server asked for: retry-after-ms,
// Retry-After (seconds or an HTTP date) or, on a 429, OpenAI's
// x-ratelimit-reset-* for the budget that ran out.
func serverDelay(h http.Header, status int, now time.Time) (time.Duration, bool) {
	// Empty or absent headers fail every parse below.
	if f, err := strconv.ParseFloat(strings.TrimSpace(h.Get("retry-after-ms")), 64); err == nil && f >= 0 {
		return time.Duration(min(f, maxHeaderSeconds*1000) * float64(time.Millisecond)), true
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		return time.Duration(min(f, maxHeaderSeconds) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	if status != http.StatusTooManyRequests {
		return 0, false
	}
	var d time.Duration
	found := false
	for _, kind := range []string{"requests", "tokens"} {
		reset, ok := parseResetDuration(h.Get("x-ratelimit-reset-" + kind))
		if !ok {
			continue
		}
		if rem, ok := headerInt(h, "x-ratelimit-remaining-"+kind); ok && rem > 0 {
			continue // not this budget
		}
		d, found = max(d, reset), true
	}
	return d, found
}
