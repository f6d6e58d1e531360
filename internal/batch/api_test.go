package batch

import (
	"context"
	"testing"

	"github.com/brief-news/brief/internal/llmtest"
)

// A run killed after creating a batch but before recording its id left
// only the input file in the state: the next run finds that batch instead
// of creating (and paying for) another.
func TestCreateFindsTheBatchAKilledRunMade(t *testing.T) {
	srv := llmtest.New(t)
	api := NewAPI(srv.URL(), "", nil)
	ctx := context.Background()
	file, err := api.Upload(ctx, "translate", []Line{line("a"), line("b")})
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
	other, err := api.Upload(ctx, "translate", []Line{line("c")})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := api.Create(ctx, "translate", other); err != nil || b.ID == first.ID || len(srv.Batches()) != 2 {
		t.Errorf("another file: batch %s, err %v, %d batches; want a new batch", b.ID, err, len(srv.Batches()))
	}
}
