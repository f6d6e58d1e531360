package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// A run killed after creating a batch but before recording its id left
// only the input file in the state: the next run finds that batch instead
// of creating (and paying for) another.
func TestCreateFindsTheBatchAKilledRunMade(t *testing.T) {
	srv := llmtest.New(t)
	api := NewAPI(srv.URL(), "", nil, 0, 0)
	ctx := context.Background()
	file, err := api.Upload(ctx, "translate", encode(t, line("a"), line("b")))
	if err != nil {
		t.Fatal(err)
	}
	first, err := api.Create(ctx, "translate", file)
	if err != nil {
		t.Fatal(err)
	}
	again, err := api.Create(ctx, "translate", file)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || len(srv.Batches()) != 1 {
		t.Errorf("second Create gave %s (first %s), %d batches on the server: want the same one, 1 batch", again.ID, first.ID, len(srv.Batches()))
	}
	other, err := api.Upload(ctx, "translate", encode(t, line("c")))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := api.Create(ctx, "translate", other); err != nil || b.ID == first.ID || len(srv.Batches()) != 2 {
		t.Errorf("another file: batch %s, err %v, %d batches; want a new batch", b.ID, err, len(srv.Batches()))
	}
}

// An endpoint without the Batch API (Ollama, vLLM's server) gets a fatal
// error that says what to do instead.
func TestNoBatchAPIIsFatalWithTheWayOut(t *testing.T) {
	other := llmtest.NewServer(llmtest.Config{})
	defer other.Close()
	api := NewAPI(other.Root()+"/no-such/v1", "", nil, 0, 0)
	_, err := api.Upload(context.Background(), "translate", encode(t, line("a")))
	if !errors.Is(err, llm.ErrFatal) || !strings.Contains(err.Error(), "brief batch export") {
		t.Fatalf("err = %v, want a fatal error pointing at brief batch export", err)
	}
}

// A Batch API whose result file never ends (or holds far more lines than
// any batch) is read only as far as a batch can hold: brief stops with an
// error instead of reading, and storing, forever.
func TestFetchStopsAtMoreLinesThanABatchHolds(t *testing.T) {
	var extra bytes.Buffer
	for i := 0; i <= MaxRequests; i++ {
		extra.Write(llmtest.BatchErrorLine(fmt.Sprintf("%064x", i), "x", "y"))
		extra.WriteByte('\n')
	}
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{Batch: llmtest.BatchAPI{ExtraOutput: extra.Bytes()}}))
	api := NewAPI(srv.URL(), "", nil, 0, 0)
	ctx := context.Background()
	file, err := api.Upload(ctx, "translate", encode(t, line("a")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := api.Create(ctx, "translate", file)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = api.Retrieve(ctx, b.ID); err != nil || b.Status != "completed" {
		t.Fatalf("batch %+v, err %v: want it finished", b, err)
	}
	got, err := api.Fetch(ctx, b, nil, func(string) bool { return false }, func(string, error) {})
	if err == nil || !strings.Contains(err.Error(), "more lines than a batch holds") {
		t.Fatalf("err = %v after %+v, want the results refused as longer than a batch", err, got)
	}
	if got.Ignored > MaxRequests {
		t.Errorf("read %d lines, past the %d a batch holds", got.Ignored, MaxRequests)
	}
}
