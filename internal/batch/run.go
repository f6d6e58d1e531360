package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/wiring"
)

// maxRounds bounds the stages a run sends through batches: the
// translations, the summaries, and a few more for lines an expired batch
// left or an answer cut short asked again in smaller parts.
const maxRounds = 8

// Runner is `brief run --batch`: every request of a stage the cache does
// not hold goes into a batch (translations, then summaries); the results
// land in the cache, and the run proper then makes only the digest's plain
// request. Each stage's requests are learnt once, by the run's own steps
// with its request cache collecting (Collect).
type Runner struct {
	Settings wiring.Settings // the run's: its server, key, deadline and budget
	Inputs   []article.Input
	NoWait   bool          // check once; ErrStillRunning while a batch runs
	Fallback bool          // send what a finished batch left undone as plain requests
	Poll     time.Duration // how often to check a running batch
	Logf     func(string, ...any)
	// Out shows a running batch's progress: a bar when TTY, lines
	// otherwise, nothing when Quiet or nil.
	Out        io.Writer
	TTY, Quiet bool

	// State is OUT/.brief/batches.json.
	State string
	api   *API
	base  string // the Batch API's base URL
	run   *wiring.Run
}

// Answer sends the stages of run through the Batch API of its (first)
// server; what the batches failed then fails its articles in the run
// proper, with the reason.
func (r *Runner) Answer(ctx context.Context, run *wiring.Run) error {
	state, err := pipeline.StateDir(r.Settings.Out)
	if err != nil {
		return err
	}
	r.base, r.State = r.Settings.Client.BaseURL, filepath.Join(state, "batches.json")
	key := r.Settings.Client.APIKey
	if len(r.Settings.Servers) > 0 {
		r.base, key = r.Settings.Servers[0].BaseURL, r.Settings.Servers[0].APIKey
	}
	r.api = NewAPI(r.base, key, llm.SameOriginClient(nil), r.Settings.Client.Timeout, r.Settings.Client.IdleTimeout)
	r.run = run
	if r.Logf == nil {
		r.Logf = func(string, ...any) {}
	}
	if r.Out == nil {
		r.Out = io.Discard
	}
	wait := ctx
	if dl := r.Settings.Budget.Deadline; !dl.IsZero() {
		// The run's deadline ends the wait like NoWait: the batch runs
		// on, recorded, and the next run picks it up.
		var cancel context.CancelFunc
		wait, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	err = r.sendStages(wait)
	if err != nil && ctx.Err() == nil && errors.Is(wait.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("--deadline passed while brief waited for the Batch API: the batch is %w: run brief again later; it picks the batch up, nothing is submitted twice", ErrStillRunning)
	}
	return err
}

// sendStages sends the stages through batches, picking up recorded ones
// first. It returns ErrStillRunning when NoWait found a batch not finished.
func (r *Runner) sendStages(ctx context.Context) error {
	fallback := false
	for round := 0; round < maxRounds; round++ {
		st, err := LoadState(r.State)
		if err != nil {
			return err
		}
		// The stage's requests: those a batch of this round may answer
		// (a recorded one too, which an earlier run submitted).
		stage, lines, err := Collect(ctx, r.run, r.Inputs, false)
		if err != nil {
			return err
		}
		if len(st.Batches) == 0 {
			if len(lines) == 0 {
				return nil
			}
			if fallback {
				r.sendPlain(ctx, lines)
				fallback = false
				continue
			}
			if st, err = r.submit(ctx, stage, lines); err != nil {
				return err
			}
		}
		incomplete, err := r.await(ctx, st, lines)
		if err != nil {
			return err
		}
		if incomplete > 0 && r.Fallback {
			r.Logf("%s not done in their batch; --batch-fallback: sending them as plain requests", progress.Count(incomplete, "request"))
			fallback = true
		}
	}
	return nil
}

// submit sends the stage's lines, split at the Batch API's limits,
// recording each batch before any wait.
func (r *Runner) submit(ctx context.Context, stage string, lines []Line) (State, error) {
	var st State
	if err := r.withinBudget(lines); err != nil {
		return st, err
	}
	files, err := Files(lines, MaxRequests, MaxBytes)
	if err != nil {
		return st, err
	}
	for _, data := range files {
		n := bytes.Count(data, []byte{'\n'})
		file, err := r.api.Upload(ctx, stage, data)
		if err != nil {
			return st, err
		}
		// Recorded before the batch exists, and again with its id: a run
		// killed in between finds the batch by its input file.
		st.Batches = append(st.Batches, Submitted{InputFileID: file, Stage: stage, Requests: n, Submitted: time.Now().UTC(), Endpoint: llm.RedactURL(r.base)})
		if err := r.save(st); err != nil {
			return st, err
		}
		if err := r.create(ctx, &st.Batches[len(st.Batches)-1]); err != nil {
			return st, err
		}
		if err := r.save(st); err != nil {
			return st, err
		}
		r.Logf("submitted batch %s: %s", st.Batches[len(st.Batches)-1].ID, progress.Count(n, stage+" request"))
	}
	return st, nil
}

// create starts the recorded batch from its input file (or finds the one
// a killed run started).
func (r *Runner) create(ctx context.Context, sub *Submitted) error {
	bt, err := r.api.Create(ctx, sub.Stage, sub.InputFileID)
	if err != nil {
		return err
	}
	sub.ID = bt.ID
	return nil
}

// save writes the state file atomically (synced: it guards against paying
// twice) in the state folder Answer made.
func (r *Runner) save(st State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err == nil {
		err = atomicfile.Write(r.State, append(data, '\n'), 0o644)
	}
	if err != nil {
		return fmt.Errorf("recording batches in %s: %v (a batch already created runs on; brief finds it again by its input file)", r.State, err)
	}
	return nil
}

// sendPlain sends lines as plain requests (--batch-fallback), storing the
// answers as a batch's would be.
func (r *Runner) sendPlain(ctx context.Context, lines []Line) {
	for _, l := range lines {
		if err := r.run.Requests.Send(ctx, l); err != nil {
			r.run.Requests.Fail(l.CustomID, err)
		}
	}
}

// withinBudget refuses a batch whose most it could cost (prompts plus
// max_tokens, at the batch price) passes --max-cost.
func (r *Runner) withinBudget(lines []Line) error {
	b := r.Settings.Budget // its prices are the batch price
	if b.MaxCost <= 0 {
		return nil
	}
	prompt, out := 0, 0
	for _, l := range lines {
		for _, m := range l.Body.Messages {
			prompt += llm.EstimateTokens(m.Content)
		}
		out += l.Body.MaxTokens
	}
	most := b.Cost(prompt, out)
	if most > b.MaxCost {
		return pipeline.Partial(fmt.Errorf("the next batch (%s) could cost up to $%.4f at the batch price, more than --max-cost $%.4f: nothing was submitted; raise --max-cost or run fewer articles (--since)", progress.Count(len(lines), "request"), most, b.MaxCost))
	}
	return nil
}

// await polls the recorded batches until each is finished (or, with
// --no-wait, checks once), fetches their results into the cache and drops
// them from the state. A result line is believed only for one of the
// stage's requests: a line for any other (a hostile server can work one
// out, say the same article for another model) would stand in the cache as
// its answer. It returns how many requests finished batches left undone
// (expired or cancelled).
func (r *Runner) await(ctx context.Context, st State, stage []Line) (int, error) {
	asked := make(map[string]bool, len(stage))
	for _, l := range stage {
		asked[l.CustomID] = true
	}
	incomplete := 0
	for len(st.Batches) > 0 {
		if st.Batches[0].ID == "" {
			if err := r.create(ctx, &st.Batches[0]); err != nil {
				return incomplete, err
			}
			if err := r.save(st); err != nil {
				return incomplete, err
			}
		}
		sub := st.Batches[0]
		bt, err := r.poll(ctx, sub)
		if err != nil {
			return incomplete, err
		}
		got, err := r.api.Fetch(ctx, bt, r.run.Config.Cache, func(k string) bool { return asked[k] }, r.run.Requests.Fail)
		if err != nil {
			return incomplete, err
		}
		left := max(sub.Requests-got.Stored-got.Failed, 0)
		incomplete += left
		r.Logf("batch %s %s: %s, %d failed, %d not done", bt.ID, bt.Status, progress.Count(got.Stored, "answer"), got.Failed, left)
		if got.Ignored > 0 {
			r.Logf("warning: ignored %d result line(s) for a request the batch did not hold (the Batch API at %s sent answers nobody asked for)", got.Ignored, llm.RedactURL(r.base))
		}
		st.Batches = st.Batches[1:]
		if err := r.save(st); err != nil {
			return incomplete, err
		}
	}
	return incomplete, nil
}

// poll waits for one batch to finish, with its requests done of total on
// a bar (a line per change in cron).
func (r *Runner) poll(ctx context.Context, sub Submitted) (openai.Batch, error) {
	var shown *progress.Counter
	defer func() {
		if shown != nil {
			shown.Finish()
		}
	}()
	for {
		bt, err := r.api.Retrieve(ctx, sub.ID)
		if err != nil {
			return bt, err
		}
		switch bt.Status {
		case "completed", "failed", "expired", "cancelled":
			return bt, nil
		}
		if shown == nil {
			desc := fmt.Sprintf("batch %s (%s, submitted %s)", sub.ID, sub.Stage, sub.Submitted.Format(time.RFC3339))
			shown = progress.NewCounter(r.Out, bt.RequestCounts.Total, r.TTY, r.Quiet, desc)
		}
		shown.Set(bt.RequestCounts.Completed + bt.RequestCounts.Failed)
		if r.NoWait {
			return bt, fmt.Errorf("batch %s is %w (%s): run brief again later; it picks the batch up, nothing is submitted twice", sub.ID, ErrStillRunning, bt.Status)
		}
		select {
		case <-ctx.Done():
			return bt, ctx.Err()
		case <-time.After(r.Poll):
		}
	}
}
