package llm_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// deadURL is a base URL where nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}

// sendAll sends n requests from workers goroutines and returns the errors.
func sendAll(p llm.Completer, n, workers int) []error {
	var (
		mu   sync.Mutex
		errs []error
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := p.Complete(context.Background(), translateReq()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

// openCounter is a transport that counts requests open (sent, body not yet
// closed) at once: what a client holds of a server's slots.
type openCounter struct {
	open, most atomic.Int64
}

func (o *openCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	n := o.open.Add(1)
	for m := o.most.Load(); n > m && !o.most.CompareAndSwap(m, n); m = o.most.Load() {
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		o.open.Add(-1)
		return nil, err
	}
	resp.Body = &closeCounter{ReadCloser: resp.Body, o: o}
	return resp, nil
}

type closeCounter struct {
	io.ReadCloser
	o    *openCounter
	once sync.Once
}

func (c *closeCounter) Close() error {
	c.once.Do(func() { c.o.open.Add(-1) })
	return c.ReadCloser.Close()
}

func TestPoolSendsEachRequestToAServerWithAFreeSlot(t *testing.T) {
	slow := llmtest.New(t, llmtest.WithLatency(60*time.Millisecond, 0))
	fast := llmtest.New(t, llmtest.WithLatency(10*time.Millisecond, 0))
	var slowOpen, fastOpen openCounter
	cs, _ := newClient(t, slow, func(c *llm.Config) { c.HTTPClient = &http.Client{Transport: &slowOpen} })
	cf, _ := newClient(t, fast, func(c *llm.Config) { c.HTTPClient = &http.Client{Transport: &fastOpen} })
	p := llm.NewPool([]llm.Member{{Client: cs, Slots: 2}, {Client: cf, Slots: 6}}, nil)
	if errs := sendAll(p, 120, 16); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	// Never more than a server's slots at once, however many callers wait.
	if slowOpen.most.Load() != 2 || fastOpen.most.Load() != 6 {
		t.Errorf("requests open at once: slow %d (slots 2), fast %d (slots 6)", slowOpen.most.Load(), fastOpen.most.Load())
	}
	// The fast server frees its slots sooner, so it does most of the work;
	// the slow one still does its share.
	if fast.Count() <= 3*slow.Count() || slow.Count() == 0 {
		t.Errorf("requests: slow %d, fast %d; the fast server should do most", slow.Count(), fast.Count())
	}
	// 120 chat requests, and per server one model listing (the preflight)
	// and the four questions of the window discovery (Ollama, llama.cpp,
	// vLLM, LM Studio), which a plain server answers with 404s.
	if st := p.Stats(); st.Completed != 120 || st.Requests != 120+2*(1+4) {
		t.Errorf("pool stats %+v, want 120 completed in 130 requests", st)
	}
}

func TestPoolTakesADeadServerOutWithOneLine(t *testing.T) {
	live := llmtest.New(t)
	h := &harness{}
	dead, err := llm.New(llm.Config{BaseURL: deadURL(t), Model: llmtest.Model, Sleep: h.sleep, Logf: h.logf})
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := newClient(t, live)
	p := llm.NewPool([]llm.Member{{Client: dead, Slots: 4}, {Client: cl, Slots: 1}}, h.logf)
	if errs := sendAll(p, 20, 4); len(errs) > 0 {
		t.Fatalf("errors with one server left: %v", errs)
	}
	if live.Count() != 20 {
		t.Errorf("live server answered %d of 20", live.Count())
	}
	if n := strings.Count(h.Logs(), "taken out of this run"); n != 1 {
		t.Errorf("%d lines about taking the server out, want 1:\n%s", n, h.Logs())
	}
	if !strings.Contains(h.Logs(), "its requests go to "+cl.Endpoint()) {
		t.Errorf("the line should say where the work goes:\n%s", h.Logs())
	}
}

func TestPoolFailsOnlyWhenEveryServerIsDown(t *testing.T) {
	h := &harness{}
	var servers []llm.Member
	for i := 0; i < 2; i++ {
		c, err := llm.New(llm.Config{BaseURL: deadURL(t), Model: llmtest.Model, Sleep: h.sleep})
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, llm.Member{Client: c, Slots: 2})
	}
	p := llm.NewPool(servers, h.logf)
	_, err := p.Complete(context.Background(), translateReq())
	if !errors.Is(err, llm.ErrFatal) || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("err = %v, want the fatal cannot-reach error", err)
	}
	if !strings.Contains(h.Logs(), "no server is left") {
		t.Errorf("log should say no server is left:\n%s", h.Logs())
	}
}

func TestPoolTakesOutAServerThatRejectsTheKey(t *testing.T) {
	locked := llmtest.New(t, llmtest.WithAPIKey("right"))
	open := llmtest.New(t)
	cb, _ := newClient(t, locked, func(c *llm.Config) { c.APIKey = "wrong" })
	co, _ := newClient(t, open)
	h := &harness{}
	p := llm.NewPool([]llm.Member{{Client: cb, Slots: 8}, {Client: co, Slots: 1}}, h.logf)
	if errs := sendAll(p, 10, 3); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if open.Count() != 10 || locked.Count() != 0 {
		t.Errorf("open server answered %d, locked %d", open.Count(), locked.Count())
	}
	if strings.Contains(h.Logs(), "wrong") {
		t.Errorf("the key reached the log:\n%s", h.Logs())
	}
}

// A lone server's transient trouble fails the request (the article), not
// the run: it is not taken out.
func TestPoolKeepsItsLastServerOnTransientFailures(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply {
		return llmtest.Error(503, "server_error", "", "overloaded")
	}))
	c, _ := newClient(t, srv, func(c *llm.Config) { c.Retries = 1 })
	h := &harness{}
	p := llm.NewPool([]llm.Member{{Client: c, Slots: 1}}, h.logf)
	for i := 0; i < 2; i++ {
		_, err := p.Complete(context.Background(), translateReq())
		if !errors.Is(err, llm.ErrTransient) {
			t.Fatalf("err = %v, want ErrTransient", err)
		}
	}
	if srv.Count() != 4 {
		t.Errorf("%d requests, want 2 tries for each of 2 calls", srv.Count())
	}
}

func TestPoolMovesWorkOffAServerKilledMidRun(t *testing.T) {
	a := llmtest.New(t, llmtest.WithLatency(5*time.Millisecond, 0))
	b := llmtest.NewServer(llmtest.Config{Latency: 20 * time.Millisecond})
	ca, _ := newClient(t, a)
	cb, _ := newClient(t, b)
	h := &harness{}
	p := llm.NewPool([]llm.Member{{Client: ca, Slots: 2}, {Client: cb, Slots: 2}}, h.logf)
	go func() {
		for b.Count() < 5 {
			time.Sleep(time.Millisecond)
		}
		b.Close()
	}()
	if errs := sendAll(p, 60, 4); len(errs) > 0 {
		t.Fatalf("errors after a server went away: %v", errs)
	}
	if !strings.Contains(h.Logs(), cb.Endpoint()+" is taken out of this run") {
		t.Errorf("no line about the killed server:\n%s", h.Logs())
	}
}

// A request that gives up while waiting for a slot leaves the line without
// taking a slot with it: the next request still gets one.
func TestPoolWaiterThatGivesUpLeavesNoSlotTaken(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithLatency(150*time.Millisecond, 0))
	c, _ := newClient(t, srv)
	p := llm.NewPool([]llm.Member{{Client: c, Slots: 1}}, nil)
	done := make(chan error, 1)
	go func() {
		_, err := p.Complete(context.Background(), translateReq())
		done <- err
	}()
	for srv.Count() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Complete(ctx, translateReq()); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting request: err = %v, want context.Canceled", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := p.Complete(context.Background(), translateReq()); err != nil {
			t.Fatalf("after a waiter gave up: %v", err)
		}
	}
}

// Rate limits are a server's own: a 429 with Retry-After from one pauses
// that server's requests only.
func TestPoolKeepsRateLimitsPerServer(t *testing.T) {
	var limited atomic.Int64
	busy := llmtest.New(t, llmtest.WithHandler(func(req llmtest.ChatRequest) llmtest.Reply {
		if limited.Add(1) <= 3 {
			return llmtest.RateLimited("2")
		}
		return llmtest.Default(req)
	}))
	free := llmtest.New(t)
	cb, hb := newClient(t, busy)
	cf, hf := newClient(t, free)
	p := llm.NewPool([]llm.Member{{Client: cb, Slots: 2}, {Client: cf, Slots: 2}}, nil)
	if errs := sendAll(p, 20, 4); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(hb.Sleeps()) == 0 {
		t.Error("the rate-limited server's client never waited for its Retry-After")
	}
	if s := hf.Sleeps(); len(s) != 0 {
		t.Errorf("the other server's client waited %v: a 429 from one server paused the other", s)
	}
	if free.Count() == 0 || busy.Count() <= 3 {
		t.Errorf("requests: rate-limited server %d, other %d", busy.Count(), free.Count())
	}
}

// A server that hangs is not given the retries of its own timed-out
// requests while another server can answer them: after one timeout per
// slot it is out of the run, and the other server does the work.
func TestPoolTakesOutAServerThatTimedOut(t *testing.T) {
	hung := llmtest.New(t, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return llmtest.Reply{Hang: true} }))
	live := llmtest.New(t)
	ch, _ := newClient(t, hung, func(c *llm.Config) { c.Timeout = 300 * time.Millisecond })
	cl, _ := newClient(t, live)
	h := &harness{}
	p := llm.NewPool([]llm.Member{{Client: ch, Slots: 2}, {Client: cl, Slots: 1}}, h.logf)
	if errs := sendAll(p, 10, 3); len(errs) > 0 {
		t.Fatalf("errors with a live server left: %v", errs)
	}
	if hung.Count() > 2 || live.Count() != 10 {
		t.Errorf("the hung server got %d requests (slots 2), the live one answered %d of 10", hung.Count(), live.Count())
	}
	if !strings.Contains(h.Logs(), "taken out of this run") {
		t.Errorf("no line about taking the hung server out:\n%s", h.Logs())
	}
}
