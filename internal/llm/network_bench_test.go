package llm_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// BenchmarkOversizedAnswer measures what an answer far over max_tokens
// costs the client: bytes allocated per request (-benchmem) and the peak
// live heap while it is read (peak-heap-MB). The fake sends the flood from
// the same process, so its own buffers are in the figures too.
//
//	go test ./internal/llm -run '^$' -bench OversizedAnswer -benchmem -benchtime 3x
func BenchmarkOversizedAnswer(b *testing.B) {
	for _, bc := range []struct {
		name string
		rep  llmtest.Reply
	}{
		{"endless-stream", llmtest.Reply{Content: "EN: ", Flood: -1}},
		{"50MB-stream", llmtest.Reply{Content: "EN: ", Flood: 50 << 20}},
		{"100MB-line", llmtest.Reply{Content: "EN: ", Flood: 100 << 20, FloodLine: true}},
		{"50MB-plain", llmtest.Reply{Flood: 50 << 20, IgnoreStream: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := llmtest.New(b, llmtest.WithHandler(func(llmtest.ChatRequest) llmtest.Reply { return bc.rep }))
			c, err := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Timeout: time.Hour, IdleTimeout: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			peak := watchHeap(b)
			b.ResetTimer()
			for range b.N {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				_, err := c.Complete(ctx, llm.Request{User: "Oversæt.", MaxTokens: 4096})
				cancel()
				if err == nil {
					b.Fatal("an oversized answer was accepted")
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
}

// watchHeap samples the live heap every millisecond until the benchmark
// ends and returns a function giving the highest value seen.
func watchHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	b.Cleanup(func() { close(done); wg.Wait() })
	return func() uint64 { return peak.Load() }
}
