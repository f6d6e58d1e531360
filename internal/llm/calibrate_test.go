package llm_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// Each answer's prompt_tokens against the bytes sent is a measurement; the
// client keeps the worst, and the estimator plans with it (plus a margin)
// wherever it says more than EstimateTokens.
func TestClientLearnsItsModelsTokensPerByte(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{TokensPerByte: 1}))
	c, _ := newClient(t, srv)
	est := llm.EstimatorFor(c)
	danish := strings.Repeat("Regeringen fremlægger i dag sit forslag til finansloven. ", 40)
	if got, want := est.Tokens(danish), llm.EstimateTokens(danish); got != want {
		t.Fatalf("before any answer the estimate is %d, want EstimateTokens' %d", got, want)
	}
	if _, err := c.Complete(context.Background(), llm.Request{Stage: "translate", System: "Oversæt.", User: danish}); err != nil {
		t.Fatal(err)
	}
	if r := c.TokensPerByte(); math.Abs(r-1) > 0.05 {
		t.Fatalf("measured %.3f tokens a byte; the server counted one", r)
	}
	if got := est.Tokens(danish); got < len(danish) {
		t.Errorf("after the answer the estimate is %d tokens for %d bytes the server counts a token each", got, len(danish))
	}
}

func TestCalibrationKeepsTheWorstAndIgnoresShortPrompts(t *testing.T) {
	var c llm.Calibration
	var told []float64
	c.OnWorse(func(r float64) { told = append(told, r) })
	if c.Observe(100, 90) {
		t.Error("a 100-byte prompt measures the chat template, not the tokenizer")
	}
	if !c.Observe(1000, 516) || !c.Observe(1000, 1016) {
		t.Fatal("larger measurements were not kept")
	}
	if c.Observe(1000, 316) {
		t.Error("a better ratio replaced the worst")
	}
	if got := c.TokensPerByte(); got != 1 {
		t.Errorf("worst ratio %.3f, want 1 (the template's tokens taken off)", got)
	}
	if len(told) != 2 {
		t.Errorf("OnWorse called %d times, want 2", len(told))
	}
	c.Seed(0.3)
	c.Seed(math.Inf(1))
	c.Seed(math.NaN())
	if got := c.TokensPerByte(); got != 1 {
		t.Errorf("Seed lowered or broke the ratio: %v", got)
	}
}

// A pool plans with its worst server: a request may go to any of them.
func TestPoolPlansWithItsWorstServer(t *testing.T) {
	good, bad := llmtest.New(t), llmtest.New(t, llmtest.WithConfig(llmtest.Config{TokensPerByte: 1}))
	cg, _ := newClient(t, good)
	cb, _ := newClient(t, bad)
	cb.Calibration().Seed(0.9)
	cg.Calibration().Seed(0.25)
	p := llm.NewPool([]llm.Member{{Client: cg, Slots: 1}, {Client: cb, Slots: 1}}, nil)
	if got := p.TokensPerByte(); got != 0.9 {
		t.Errorf("pool ratio %.2f, want the worst server's 0.9", got)
	}
	if r := llm.EstimatorFor(p).Ratio(); r < 0.9 {
		t.Errorf("planning ratio %.2f is below the worst measured", r)
	}
}

// One answer whose usage claims absurdly many prompt tokens (a buggy proxy,
// a hostile server) must not make every later sentence "too long for the
// window": the ratio only ever rises and is kept with the cache, so
// believing it would fail every run from then on. No tokenizer spends more
// than about a token a byte (byte fallback); a claim far past that is not a
// measurement, and neither is such a ratio read back from the cache.
func TestCalibrationIgnoresImpossibleRatios(t *testing.T) {
	var c llm.Calibration
	if c.Observe(2000, 1_000_000_000) || c.TokensPerByte() != 0 {
		t.Fatalf("a claim of 10^9 tokens for 2,000 bytes was believed: ratio %g", c.TokensPerByte())
	}
	c.Seed(500_000)
	if c.TokensPerByte() != 0 {
		t.Fatalf("a kept ratio of 500,000 tokens a byte was believed: ratio %g", c.TokensPerByte())
	}
	if !c.Observe(2000, 2016) || c.TokensPerByte() != 1 {
		t.Fatalf("byte fallback (one token a byte) not learnt: ratio %g", c.TokensPerByte())
	}
}
