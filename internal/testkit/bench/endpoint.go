package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// EndpointConfig is the fake endpoint a benchmark runs against.
type EndpointConfig struct {
	// Latency is waited before answering each request (prompt processing);
	// TokenLatency between streamed output chunks (about one per word).
	Latency, TokenLatency time.Duration
	// Slots is how many requests the endpoint serves at once; the rest
	// queue, as on a local server with that many parallel slots.
	Slots int

	// RPM and TPM, when set, limit the endpoint like a hosted API: a
	// request over either budget is answered at once with a 429 and a
	// Retry-After saying when the budget allows it.
	RPM, TPM int
	// Window is how much of a minute's budget may be spent at once: the
	// budgets are token buckets refilled continuously at RPM/60 and
	// TPM/60 a second and holding at most Window's worth (60s, the
	// default, holds a whole minute; 10s is the quantised enforcement
	// some providers describe). Buckets start full.
	Window time.Duration
	// ChargeUsage charges the TPM budget with the tokens a request really
	// used (prompt + answer). The default charges what OpenAI admits a
	// request against: its prompt plus its max_tokens, before it runs.
	ChargeUsage bool
	// RateHeaders sends OpenAI's x-ratelimit-{limit,remaining,reset}-
	// {requests,tokens} headers on every answer.
	RateHeaders bool
	// Mangle makes every translation drop the paragraph with DropMarker
	// and misspell RenameFrom (the shapes suite).
	Mangle bool
	// MeasurePrefix records the translate prompts' shared prefixes
	// (EndpointStats.Prefix).
	MeasurePrefix bool
}

// Endpoint is a running fake endpoint with the figures a benchmark needs:
// what it served, how long that kept its slots busy, and what it refused.
type Endpoint struct {
	cfg EndpointConfig
	srv *llmtest.Server

	mu    sync.Mutex
	stats EndpointStats
	reqs  bucket
	toks  bucket
	clock func() time.Time
	pfx   prefixLog
}

// EndpointStats are an endpoint's counters.
type EndpointStats struct {
	// Served counts chat requests answered with a completion, by stage
	// ("translate", "summarize", "digest", "" for others).
	Served map[string]int
	// Refused counts 429 answers.
	Refused int
	// Busy is the slot time the served requests needed: per request its
	// Latency plus TokenLatency between its streamed chunks. Busy/Slots
	// is the shortest time any client could have been served in: the
	// physical limit of the endpoint.
	Busy time.Duration
	// Charged is the tokens charged to the TPM budget by served requests
	// (as ChargeUsage says), and Used what they really used.
	Charged, Used int
	// MaxInFlight and MaxServing are llmtest's counters: the most
	// requests open at once, and the most being served at once.
	MaxInFlight, MaxServing int
	// Arrivals are the served requests in arrival order, for a timeline
	// of the run.
	Arrivals []Arrival
	// Prefix: with MeasurePrefix, how the translate prompts shared
	// prefixes (a snapshot of the totals).
	Prefix prefixLog
}

// Arrival is when a served request arrived, its stage and how long it
// held its slot.
type Arrival struct {
	At    time.Time
	Stage string
	Busy  time.Duration
}

// Total is the number of served chat requests.
func (s EndpointStats) Total() int {
	n := 0
	for _, v := range s.Served {
		n += v
	}
	return n
}

// NewEndpoint starts a fake endpoint; Close it when done.
func NewEndpoint(cfg EndpointConfig) *Endpoint {
	if cfg.Window <= 0 {
		cfg.Window = time.Minute
	}
	e := &Endpoint{cfg: cfg, clock: time.Now, stats: EndpointStats{Served: map[string]int{}}}
	now := e.clock()
	if cfg.RPM > 0 {
		e.reqs = newBucket(float64(cfg.RPM), cfg.Window, now)
	}
	if cfg.TPM > 0 {
		e.toks = newBucket(float64(cfg.TPM), cfg.Window, now)
	}
	e.srv = llmtest.NewServer(llmtest.Config{
		Handler: e.handle, Latency: cfg.Latency, TokenLatency: cfg.TokenLatency, Slots: cfg.Slots,
	})
	return e
}

// URL is the base URL brief is pointed at.
func (e *Endpoint) URL() string { return e.srv.URL() }

// Close stops the endpoint.
func (e *Endpoint) Close() { e.srv.Close() }

// Stats returns the counters so far.
func (e *Endpoint) Stats() EndpointStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.Arrivals = append([]Arrival(nil), e.stats.Arrivals...)
	s.Served = make(map[string]int, len(e.stats.Served))
	for k, v := range e.stats.Served {
		s.Served[k] = v
	}
	s.MaxInFlight, s.MaxServing = e.srv.MaxInFlight(), e.srv.MaxServing()
	return s
}

// Reset zeroes the counters and refills the rate-limit buckets, so one
// endpoint can serve several measured runs.
func (e *Endpoint) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats = EndpointStats{Served: map[string]int{}}
	now := e.clock()
	if e.cfg.RPM > 0 {
		e.reqs = newBucket(float64(e.cfg.RPM), e.cfg.Window, now)
	}
	if e.cfg.TPM > 0 {
		e.toks = newBucket(float64(e.cfg.TPM), e.cfg.Window, now)
	}
}

// handle answers like llmtest.Default, after the rate limits admit the
// request. It runs when the request arrives, before it waits for a slot,
// which is when hosted APIs count it too.
func (e *Endpoint) handle(req llmtest.ChatRequest) llmtest.Reply {
	rep := llmtest.Default(req)
	if rep.Status != 0 && rep.Status != http.StatusOK {
		return rep
	}
	switch llmtest.Stage(req) {
	case "digest":
		rep.Content = shortDigest(rep.Content)
	case "translate":
		if e.cfg.Mangle {
			rep.Content = mangle(rep.Content)
		}
	}
	sys, user := llmtest.Messages(req)
	// The same estimate llmtest reports as usage, so charged and reported
	// tokens agree.
	prompt := (len(sys)+len(user))/4 + 8
	answer := len(rep.Content)/4 + 1
	charge := prompt + max(req.MaxTokens, req.MaxCompletionTokens)
	if e.cfg.ChargeUsage {
		charge = prompt + answer
	}
	chunks := 1
	if req.Stream {
		chunks = len(llmtest.Tokens(rep.Content))
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock()
	reqWait, tokWait := e.reqs.wait(now, 1), e.toks.wait(now, float64(charge))
	if wait := max(reqWait, tokWait); wait > 0 {
		e.stats.Refused++
		r := e.refusal(reqWait >= tokWait, charge, wait)
		e.rateHeaders(r.Header, now)
		return r
	}
	e.reqs.take(now, 1)
	e.toks.take(now, float64(charge))
	stage := llmtest.Stage(req)
	busy := e.cfg.Latency + time.Duration(max(chunks-1, 0))*e.cfg.TokenLatency
	e.stats.Served[stage]++
	e.stats.Busy += busy
	e.stats.Arrivals = append(e.stats.Arrivals, Arrival{At: now, Stage: stage, Busy: busy})
	e.stats.Charged += charge
	if e.cfg.MeasurePrefix && stage == "translate" {
		e.pfx.add(sys, user)
		e.stats.Prefix = prefixLog{systems: e.pfx.systems, shared: e.pfx.shared, sharedLast: e.pfx.sharedLast, total: e.pfx.total}
	}
	e.stats.Used += prompt + answer
	if e.cfg.RateHeaders {
		rep.Header = http.Header{}
		e.rateHeaders(rep.Header, now)
	}
	return rep
}

// shortDigest cuts llmtest's digest, which names every story's headline
// (thousands of words for a big batch), to the first few, the length of
// the paragraph a model writes: the fake should cost what a model's answer
// costs brief to read, not more.
func shortDigest(s string) string {
	const keep = 6
	head, list, ok := strings.Cut(s, ": ")
	if !ok {
		return s
	}
	items := strings.Split(strings.TrimSuffix(list, "."), "; ")
	if len(items) <= keep {
		return s
	}
	return head + ": " + strings.Join(items[:keep], "; ") + "; and more."
}

// refusal is OpenAI's 429 for the budget that ran out, with the wait in
// Retry-After (whole seconds) and retry-after-ms.
func (e *Endpoint) refusal(requests bool, charge int, wait time.Duration) llmtest.Reply {
	secs := wait.Seconds()
	msg := fmt.Sprintf("Rate limit reached for requests per min (RPM): Limit %d, Requested 1. Please try again in %.3fs.", e.cfg.RPM, secs)
	if !requests {
		msg = fmt.Sprintf("Rate limit reached for tokens per min (TPM): Limit %d, Requested %d. Please try again in %.3fs.", e.cfg.TPM, charge, secs)
	}
	kind := map[bool]string{true: "requests", false: "tokens"}[requests]
	r := llmtest.Error(http.StatusTooManyRequests, kind, "rate_limit_exceeded", msg)
	r.Header = http.Header{}
	r.Header.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	r.Header.Set("retry-after-ms", strconv.FormatInt(wait.Milliseconds()+1, 10))
	// A refusal is answered at once, not after a model's latency.
	r.Latency = time.Nanosecond
	return r
}

func (e *Endpoint) rateHeaders(h http.Header, now time.Time) {
	if !e.cfg.RateHeaders {
		return
	}
	set := func(kind string, limit int, b *bucket) {
		if b.rate == 0 {
			return
		}
		b.refill(now)
		h.Set("x-ratelimit-limit-"+kind, strconv.Itoa(limit))
		h.Set("x-ratelimit-remaining-"+kind, strconv.Itoa(int(b.level)))
		// OpenAI's reset is the time until the budget is whole again.
		h.Set("x-ratelimit-reset-"+kind, fmt.Sprintf("%dms", int64((b.size-b.level)/b.rate*1000)))
	}
	set("requests", e.cfg.RPM, &e.reqs)
	set("tokens", e.cfg.TPM, &e.toks)
}

// bucket is a token bucket; the zero value admits everything.
type bucket struct {
	rate  float64 // per second; 0 = no limit
	size  float64
	level float64
	at    time.Time
}

func newBucket(perMinute float64, window time.Duration, now time.Time) bucket {
	rate := perMinute / 60
	size := rate * window.Seconds()
	return bucket{rate: rate, size: size, level: size, at: now}
}

func (b *bucket) refill(now time.Time) {
	if b.rate == 0 {
		return
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.level = min(b.size, b.level+d*b.rate)
		b.at = now
	}
}

// wait is how long until n fits (0: now). A request larger than the whole
// bucket is admitted once the bucket is full, as it could never fit
// otherwise.
func (b *bucket) wait(now time.Time, n float64) time.Duration {
	if b.rate == 0 {
		return 0
	}
	b.refill(now)
	need := min(n, b.size)
	if b.level >= need {
		return 0
	}
	return time.Duration((need - b.level) / b.rate * float64(time.Second))
}

func (b *bucket) take(now time.Time, n float64) {
	if b.rate == 0 {
		return
	}
	b.refill(now)
	b.level -= min(n, b.size)
}

// Floor measures the best any client could do with the requests this
// endpoint served: it sends the first limit of them again, in order, to a
// fresh endpoint with the same latencies and slots, from a client that
// keeps depth requests open and does nothing else (no parsing, no files).
// It returns that client's wall time and the ideal (Busy/Slots) of the
// same requests; their ratio is the fake endpoint's own overhead, which
// no client can beat (answers are written a chunk at a time after the
// latency, so a slot is held a little longer than Latency).
func (e *Endpoint) Floor(ctx context.Context, limit, depth int) (wall, ideal time.Duration, err error) {
	var bodies [][]byte
	for _, r := range e.srv.Requests() {
		if r.Status != http.StatusOK || r.Stage == "" {
			continue
		}
		b, err := json.Marshal(r.Raw)
		if err != nil {
			return 0, 0, err
		}
		bodies = append(bodies, b)
		if len(bodies) == limit {
			break
		}
	}
	if len(bodies) == 0 {
		return 0, 0, nil
	}
	cfg := e.cfg
	cfg.RPM, cfg.TPM = 0, 0
	f := NewEndpoint(cfg)
	defer f.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: depth, MaxConnsPerHost: depth}}
	defer client.CloseIdleConnections()
	url := f.URL() + "/chat/completions"
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	start := time.Now()
	for range depth {
		g.Go(func() error {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return nil
				}
				req, err := http.NewRequestWithContext(gctx, http.MethodPost, url, bytes.NewReader(bodies[i]))
				if err != nil {
					return err
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return 0, 0, err
	}
	wall = time.Since(start)
	return wall, f.Stats().Busy / time.Duration(max(cfg.Slots, 1)), nil
}
