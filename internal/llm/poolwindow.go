package llm

import (
	"context"
	"errors"
)

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
