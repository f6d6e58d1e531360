package llm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Member is one server of a Pool: its client (with its own base URL, key,
// model name, retries and rate limits) and how many requests it serves at
// once.
type Member struct {
	Client *Client
	// Slots is how many requests go to this server at once (at least 1).
	Slots int
}

// Pool spreads requests over several servers: each request goes to a live
// server with a free slot, so a fast server, freeing its slots sooner, does
// more of the work. A server that goes down (unreachable, a fatal answer
// such as a rejected key or an unknown model, or failing every retry) is
// taken out of the run with one line to Logf, and the request is sent again
// to another; the error only reaches the caller when no server is left (or,
// for a request that fails on every try, when it was the last one).
//
// Rate limits and Retry-After stay per server: each Client has its own
// limiter. Each server's preflight runs before its first request, and
// then the server is asked for its context window (ready).
type Pool struct {
	servers []*poolServer
	logf    func(format string, args ...any)
	window  WindowPolicy // how each server's context window is chosen

	mu sync.Mutex
	// waiting are the requests waiting for a slot, oldest first: a freed
	// slot goes to the oldest, so no request waits behind later ones.
	// Only the oldest is woken (wakeOldestLocked) when a slot is freed, a
	// server taken out or a waiter leaves: waking every waiter for each
	// freed slot costs waiters × requests (310 ms of wake-ups for 3,000
	// requests behind one slot at -j 1000).
	waiting []chan struct{}
}

type poolServer struct {
	c     *Client
	slots int
	// pre guards ready's once-only preflight and its result.
	pre      sync.Mutex
	readied  bool
	readyErr error

	busy int   // guarded by Pool.mu
	down error // guarded by Pool.mu; set once
}

var _ Completer = (*Pool)(nil)

// NewPool returns a pool over servers; logf (may be nil) gets the line of a
// server taken out.
func NewPool(servers []Member, logf func(format string, args ...any)) *Pool {
	p := &Pool{logf: logf}
	for _, s := range servers {
		p.servers = append(p.servers, &poolServer{c: s.Client, slots: max(s.Slots, 1)})
	}
	return p
}

// Complete sends req to a live server with a free slot, waiting for one
// when all are busy, and sends it again elsewhere when its server goes down.
func (p *Pool) Complete(ctx context.Context, req Request) (Response, error) {
	attempts := 0
	for {
		s, err := p.acquire(ctx)
		if err != nil {
			return Response{}, err
		}
		resp, err := p.complete(ctx, s, req)
		p.release(s)
		attempts += max(resp.Attempts, 0)
		if err == nil {
			resp.Attempts = max(attempts, 1)
			return resp, nil
		}
		if ctx.Err() != nil || !p.takeOut(s, err) {
			return resp, err
		}
	}
}

func (p *Pool) complete(ctx context.Context, s *poolServer, req Request) (Response, error) {
	if err := p.ready(ctx, s); err != nil {
		return Response{}, err
	}
	return s.c.Complete(context.WithValue(ctx, othersKey{}, func() bool { return p.othersLive(s) }), req)
}

// othersKey marks a request sent by a pool: its value says whether another
// server is live. A server that timed out then gets no retry of it (it may
// hang for every try, --timeout each); the pool takes it out and sends the
// request elsewhere.
type othersKey struct{}

// othersLive reports whether a server other than s is live.
func (p *Pool) othersLive(s *poolServer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.ContainsFunc(p.servers, func(o *poolServer) bool { return o != s && o.down == nil })
}

// handOff says whether a request that timed out should go back to its pool
// rather than be retried on the same server.
func handOff(ctx context.Context, err error) bool {
	others, ok := ctx.Value(othersKey{}).(func() bool)
	return ok && (errors.Is(err, errAttemptTimeout) || errors.Is(err, errIdle)) && others()
}

// acquire takes a free slot of a live server, the one with the most free
// slots, waiting in line for it. With every server down it returns the
// error that took the last one out.
func (p *Pool) acquire(ctx context.Context) (*poolServer, error) {
	me := make(chan struct{}, 1) // a wake-up is kept until it is read
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waiting = append(p.waiting, me)
	defer func() {
		p.waiting = slices.DeleteFunc(p.waiting, func(w chan struct{}) bool { return w == me })
		p.wakeOldestLocked() // the next in line may be served now
	}()
	for {
		if p.liveLocked() == 0 {
			return nil, p.lastDownLocked()
		}
		if s := p.freeLocked(); s != nil && p.waiting[0] == me {
			s.busy++
			return s, nil
		}
		p.mu.Unlock()
		select {
		case <-me:
		case <-ctx.Done():
		}
		p.mu.Lock()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
	}
}

// wakeOldestLocked tells the oldest waiter to look again.
func (p *Pool) wakeOldestLocked() {
	if len(p.waiting) > 0 {
		select {
		case p.waiting[0] <- struct{}{}:
		default: // already told
		}
	}
}

// freeLocked is the live server with the most free slots, nil when none
// has one.
func (p *Pool) freeLocked() *poolServer {
	var best *poolServer
	for _, s := range p.servers {
		if free := s.slots - s.busy; s.down == nil && free > 0 && (best == nil || free > best.slots-best.busy) {
			best = s
		}
	}
	return best
}

func (p *Pool) release(s *poolServer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.busy--
	p.wakeOldestLocked()
}

// lastDownLocked is the error of the last server taken out.
func (p *Pool) lastDownLocked() error {
	var err error
	for _, s := range p.servers {
		if s.down != nil {
			err = s.down
		}
	}
	return err
}

// takeOut decides whether err means s is down, takes it out if so, and
// reports whether the request should go to another server. A fatal error
// takes the server out even when it is the last one (the run then fails
// with that error); a request that failed every retry only does when
// another server is left, since a lone server's transient trouble fails the
// article, not the run. Errors about the request itself (ErrArticle) are
// the caller's.
func (p *Pool) takeOut(s *poolServer, err error) bool {
	fatal := errors.Is(err, ErrFatal)
	if !fatal && !errors.Is(err, ErrTransient) {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.down != nil {
		// Another request already took it out: go elsewhere if anyone is left.
		return p.liveLocked() > 0
	}
	others := p.liveLocked() - 1
	if !fatal && others == 0 {
		return false
	}
	s.down = err
	p.wakeOldestLocked()
	if len(p.servers) > 1 && p.logf != nil {
		p.logf("%s is taken out of this run: %s; %s", s.c.Endpoint(), strings.TrimSuffix(err.Error(), "."), p.remainingLocked(others))
	}
	return others > 0
}

func (p *Pool) liveLocked() int {
	n := 0
	for _, s := range p.servers {
		if s.down == nil {
			n++
		}
	}
	return n
}

func (p *Pool) remainingLocked(others int) string {
	if others == 0 {
		return "no server is left"
	}
	var names []string
	for _, s := range p.servers {
		if s.down == nil {
			names = append(names, s.c.Endpoint())
		}
	}
	return fmt.Sprintf("its requests go to %s", strings.Join(names, ", "))
}

// Stats sums the servers' totals.
func (p *Pool) Stats() Stats {
	var st Stats
	for _, s := range p.servers {
		st = st.Add(s.c.Stats())
	}
	return st
}

// ServerStats are the totals of each server, in the pool's order.
func (p *Pool) ServerStats() []ServerStats {
	out := make([]ServerStats, len(p.servers))
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, s := range p.servers {
		out[i] = ServerStats{Endpoint: s.c.Endpoint(), Stats: s.c.Stats(), Down: s.down != nil}
	}
	return out
}

// ServerStats is one server's share of a pool's work.
type ServerStats struct {
	Endpoint string
	Stats    Stats
	Down     bool
}

// WindowPolicy is how a Pool chooses each server's context window.
type WindowPolicy struct {
	// Given is --context: 0 asks each server (auto); a number is used
	// unless a server gives less (ChooseWindow).
	Given int
	// Verbose says each server's window and its source.
	Verbose bool
}

// SetWindowPolicy sets how windows are chosen; call it before the first
// request.
func (p *Pool) SetWindowPolicy(w WindowPolicy) { p.window = w }

var _ Windowed = (*Pool)(nil)

// ready runs the server's preflight and then learns its window, once; the
// others wait for its result. A context's end is not remembered, so a
// later caller tries again.
func (p *Pool) ready(ctx context.Context, s *poolServer) error {
	s.pre.Lock()
	defer s.pre.Unlock()
	if s.readied {
		return s.readyErr
	}
	err := s.c.Preflight(ctx)
	if err == nil {
		err = p.learnWindow(ctx, s)
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		s.readied, s.readyErr = true, err
	}
	return err
}

// learnWindow asks the server what it is and what window it gives the
// model, chooses the window and hands it to the server's client, which
// checks every answer against it (detectCut). It says one line when
// a given --context was lowered, and with Verbose always (a guessed window
// is said by -v, brief check and the manifest).
func (p *Pool) learnWindow(ctx context.Context, s *poolServer) error {
	server := s.c.Discover(ctx)
	if err := ctx.Err(); err != nil {
		return err // not remembered: a later caller asks again
	}
	w := ChooseWindow(p.window.Given, server, s.c.cfg.Model, s.c.cfg.Hints)
	s.c.SetWindow(w, server)
	if p.logf == nil {
		return nil
	}
	prefix := ""
	if len(p.servers) > 1 {
		prefix = s.c.Endpoint() + ": "
	}
	switch {
	case w.Lowered != "":
		p.logf("%s%s", prefix, w.Lowered)
	case p.window.Verbose:
		p.logf("%scontext window %s; server %s", prefix, w, server.Name())
	}
	return nil
}

// ContextWindow is the window every request must fit: the smallest of the
// live servers' windows, since a request may go to any of them. It runs
// the preflight and discovery of each server first (once); a server whose
// preflight fails is taken out as a request would take it out.
func (p *Pool) ContextWindow(ctx context.Context) (int, error) {
	var lastErr error
	for _, s := range p.servers {
		if p.isDown(s) {
			continue
		}
		if err := p.ready(ctx, s); err != nil {
			if ctx.Err() != nil || !p.takeOut(s, err) {
				return 0, err
			}
			lastErr = err
		}
	}
	if w, ok := p.Window(); ok {
		return w.Tokens, nil
	}
	if lastErr != nil {
		return 0, lastErr
	}
	return 0, errors.New("no server is left to ask for its context window")
}

// Window is the window requests are fitted into, for the manifest: the
// smallest a live server learnt, and false before any server was asked.
func (p *Pool) Window() (Window, bool) {
	var best Window
	for _, s := range p.servers {
		if p.isDown(s) {
			continue
		}
		if w := s.c.Window(); w.Tokens > 0 && (best.Tokens == 0 || w.Tokens < best.Tokens) {
			best = w
		}
	}
	return best, best.Tokens > 0
}

func (p *Pool) isDown(s *poolServer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return s.down != nil
}
