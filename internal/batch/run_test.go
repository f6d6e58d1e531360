package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
		// No paragraph in common: the translation memory would fill one
		// in the run proper and change its request (a known gap).
		text := " date 2026-11 Nationalbanken hæver renten, siger " + name + ".\n\nRenten stiger til 2,1 procent, oplyser " + name + ".\n\n/ritzau/"
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

// Each stage's requests are learnt once, by the run it is given: its own
// steps with its request cache collecting, reading each input once per
// step, not a second run wired in a scratch folder per stage and again for
// every batch it fetches. Two batches (translations, summaries) answer
// everything, and the run proper then needs only the digest's request.
func TestRunnerLearnsEachStageOnceFromTheRun(t *testing.T) {
	srv := llmtest.New(t)
	r, run := runner(t, srv)
	reads := map[string]int{}
	load := run.Config.Load
	run.Config.Load = func(in article.Input) (article.Article, error) {
		reads[in.ID]++
		return load(in)
	}
	if err := r.Answer(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	// Round 1 translates (1 read); round 2 finds the translations answered
	// and collects the summaries (2); round 3 finds nothing left (2).
	for _, id := range []string{"rente", "derby"} {
		if reads[id] != 5 {
			t.Errorf("%s read %d times through the run, want 5: one per collecting step", id, reads[id])
		}
	}
	if n := len(srv.Batches()); n != 2 {
		t.Errorf("%d batches, want 2 (translations, summaries)", n)
	}
	run.Config.Load = load // the run reads in parallel
	before := srv.Count()
	out := pipeline.Run(context.Background(), run.Config, r.Inputs)
	var stages []string
	for _, req := range srv.Requests()[before:] {
		stages = append(stages, req.Stage)
	}
	if out.Failed() || slices.Contains(stages, "translate") || slices.Contains(stages, "summarize") {
		t.Errorf("run after the batches: failed %v, requests %q: want none failed and no translation or summary sent", out.Failed(), stages)
	}
}
