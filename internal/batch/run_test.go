package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/internal/wiring"
)

// runner is a --batch runner over two articles against srv, with its run
// wired and its cache opened as brief run does.
func runner(t *testing.T, srv *llmtest.Server) (*Runner, *wiring.Run) {
	t.Helper()
	dir := t.TempDir()
	var inputs []article.Input
	for _, name := range []string{"rente", "derby"} {
		p := filepath.Join(dir, name+".txt")
		text := " date 2026-11 Nationalbanken hæver renten.\n\nRenten stiger til 2,1 procent, oplyser " + name + ".\n\n/ritzau/"
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, article.Input{Path: p, ID: name})
	}
	s := wiring.Defaults()
	s.Client.BaseURL, s.Client.Model = srv.URL(), llmtest.Model
	s.Out, s.CacheDir = filepath.Join(t.TempDir(), "out"), t.TempDir()
	run, err := wiring.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.OpenCache(); err != nil {
		t.Fatal(err)
	}
	return &Runner{Settings: s, Inputs: inputs, Poll: 1}, run
}

// A batch that could cost more than --max-cost is not submitted, and the
// run ends partly done (exit 2), not ok: nothing is paid.
func TestRunnerRefusesABatchOverTheBudget(t *testing.T) {
	srv := llmtest.New(t)
	r, run := runner(t, srv)
	r.Settings.Budget = pipeline.Budget{PriceIn: 1000, PriceOut: 1000, MaxCost: 0.01}
	err := r.Answer(context.Background(), run)
	if !errors.Is(err, pipeline.ErrPartial) || len(srv.Batches()) != 0 {
		t.Errorf("err %v, %d batches: want ErrPartial and none submitted", err, len(srv.Batches()))
	}
}

// --no-wait checks once: a batch still running ends the run with
// ErrStillRunning (exit 3), recorded, and the next run picks it up instead
// of submitting another.
func TestRunnerNoWaitRecordsTheRunningBatch(t *testing.T) {
	srv := llmtest.New(t)
	srv.SetBatchAPI(llmtest.BatchAPI{Stuck: true})
	r, run := runner(t, srv)
	r.NoWait = true
	if err := r.Answer(context.Background(), run); !errors.Is(err, ErrStillRunning) {
		t.Fatalf("err %v, want ErrStillRunning", err)
	}
	again, run2 := runner(t, srv)
	again.Settings.Out, again.NoWait = r.Settings.Out, true
	if err := again.Answer(context.Background(), run2); !errors.Is(err, ErrStillRunning) || len(srv.Batches()) != 1 {
		t.Errorf("next run: err %v, %d batches: want it still running and 1 batch", err, len(srv.Batches()))
	}
}
