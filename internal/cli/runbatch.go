package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/internal/wiring"
)

// maxBatchRounds bounds the stages a run sends through batches: the
// translations, the summaries, and a few more for lines an expired batch
// left or an answer cut short asked again in smaller parts.
const maxBatchRounds = 8

// batcher is `brief run --batch`: every request of a stage the cache does
// not hold goes into a batch (translations, then summaries); the results
// land in the cache, and the run proper then makes only the digest's plain
// request.
type batcher struct {
	io       *iostreams.IOStreams
	o        *options
	s        wiring.Settings
	inputs   []article.Input
	api      *batch.API
	base     string // the Batch API's base URL
	cache    *cache.Cache
	state    string           // OUT/.brief/batches.json
	failures map[string]error // error lines: their articles fail with the reason
	requests *requestcache.Completer
	logf     func(string, ...any)
}

func newBatcher(io *iostreams.IOStreams, o *options, s wiring.Settings, run *wiring.Run, inputs []article.Input) (*batcher, error) {
	state, err := stateDir(o.Out)
	if err != nil {
		return nil, err
	}
	logf := func(string, ...any) {}
	if !o.Quiet {
		logf = stderrLogf(io, "brief: ")
	}
	// The Batch API of the run's (first) server.
	base, key := o.baseURL(), o.APIKey
	if len(s.Servers) > 0 {
		base, key = s.Servers[0].BaseURL, s.Servers[0].APIKey
	}
	return &batcher{io: io, o: o, s: s, inputs: inputs, api: batch.NewAPI(base, key, llm.SameOriginClient(nil)), base: base, cache: run.Config.Cache,
		state: filepath.Join(state, "batches.json"), failures: map[string]error{}, requests: run.Requests, logf: logf}, nil
}

// run sends the stages through batches, picking up recorded ones first. It
// returns batch.ErrStillRunning when --no-wait found a batch not finished.
func (b *batcher) run(ctx context.Context) error {
	fallback := false
	for round := 0; round < maxBatchRounds; round++ {
		st, err := batch.LoadState(b.state)
		if err != nil {
			return err
		}
		if len(st.Batches) == 0 {
			stage, lines, err := b.collect(ctx)
			if err != nil || len(lines) == 0 || stage == "digest" {
				return err
			}
			if fallback {
				b.sendPlain(ctx, lines)
				fallback = false
				continue
			}
			if st, err = b.submit(ctx, stage, lines); err != nil {
				return err
			}
		}
		incomplete, err := b.await(ctx, st)
		if err != nil {
			return err
		}
		if incomplete > 0 && b.o.BatchFallback {
			b.logf("%d requests were not done in their batch; --batch-fallback: sending them as plain requests", incomplete)
			fallback = true
		}
	}
	return nil
}

// submit sends the stage's lines, split at the Batch API's limits,
// recording each batch before any wait.
func (b *batcher) submit(ctx context.Context, stage string, lines []batch.Line) (batch.State, error) {
	var st batch.State
	if err := b.withinBudget(lines); err != nil {
		return st, err
	}
	for _, part := range batch.Split(lines, batch.MaxRequests, batch.MaxBytes) {
		file, err := b.api.Upload(ctx, stage, part)
		if err != nil {
			return st, err
		}
		// Recorded before the batch exists, and again with its id: a run
		// killed in between finds the batch by its input file.
		st.Batches = append(st.Batches, batch.Submitted{InputFileID: file, Stage: stage, Requests: len(part), Submitted: time.Now().UTC(), Endpoint: llm.RedactURL(b.base)})
		if err := b.save(st); err != nil {
			return st, err
		}
		if err := b.create(ctx, &st.Batches[len(st.Batches)-1]); err != nil {
			return st, err
		}
		if err := b.save(st); err != nil {
			return st, err
		}
		b.logf("submitted batch %s: %s", st.Batches[len(st.Batches)-1].ID, requests(len(part), stage))
	}
	return st, nil
}

// create starts the recorded batch from its input file (or finds the one
// a killed run started).
func (b *batcher) create(ctx context.Context, sub *batch.Submitted) error {
	bt, err := b.api.Create(ctx, sub.Stage, sub.InputFileID)
	if err != nil {
		return err
	}
	sub.ID = bt.ID
	return nil
}

func (b *batcher) save(st batch.State) error {
	if err := st.Save(b.state); err != nil {
		return fmt.Errorf("recording batches in %s: %v (a batch already created runs on; brief finds it again by its input file)", b.state, err)
	}
	return nil
}

// sendPlain sends lines as plain requests (--batch-fallback), storing the
// answers as a batch's would be.
func (b *batcher) sendPlain(ctx context.Context, lines []batch.Line) {
	for _, l := range lines {
		if err := b.requests.Send(ctx, l); err != nil {
			b.failures[l.CustomID] = err
		}
	}
}

// collect finds the requests of the next stage, as brief batch export does.
func (b *batcher) collect(ctx context.Context) (string, []batch.Line, error) {
	tmp, err := os.MkdirTemp("", "brief-batch-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(tmp)
	s := b.s
	s.Out, s.Collect, s.Progress = tmp, true, nil
	run, err := wiring.New(s)
	if err != nil {
		return "", nil, err
	}
	run.Config.Cache = b.cache
	run.Requests.SetCache(b.cache)
	for k, e := range b.failures {
		run.Requests.Fail(k, e)
	}
	stage, lines := collectRequests(ctx, run, b.inputs)
	return stage, lines, nil
}

// asked says whether a key is one of the requests this run still needs
// answered (the next stage's, as collect finds them): a batch's result line
// for any other key is not the batch's to give.
func (b *batcher) asked(ctx context.Context) (func(string) bool, error) {
	_, lines, err := b.collect(ctx)
	if err != nil {
		return nil, err
	}
	keys := make(map[string]bool, len(lines))
	for _, l := range lines {
		keys[l.CustomID] = true
	}
	return func(k string) bool { return keys[k] }, nil
}

// withinBudget refuses a batch whose most it could cost (prompts plus
// max_tokens, at the batch price) passes --max-cost.
func (b *batcher) withinBudget(lines []batch.Line) error {
	if b.o.MaxCost <= 0 {
		return nil
	}
	prompt, out := 0, 0
	for _, l := range lines {
		for _, m := range l.Body.Messages {
			prompt += llm.EstimateTokens(m.Content)
		}
		out += l.Body.MaxTokens
	}
	most := b.o.cost(prompt, out)
	if most > b.o.MaxCost {
		return pipeline.Partial(fmt.Errorf("the next batch (%d requests) could cost up to $%.4f at the batch price, more than --max-cost $%.4f: nothing was submitted; raise --max-cost or run fewer articles (--since)", len(lines), most, b.o.MaxCost))
	}
	return nil
}

// await polls the recorded batches until each is finished (or, with
// --no-wait, checks once), fetches their results into the cache and drops
// them from the state. It returns how many requests finished batches left
// undone (expired or cancelled).
func (b *batcher) await(ctx context.Context, st batch.State) (int, error) {
	incomplete := 0
	for len(st.Batches) > 0 {
		if st.Batches[0].ID == "" {
			if err := b.create(ctx, &st.Batches[0]); err != nil {
				return incomplete, err
			}
			if err := b.save(st); err != nil {
				return incomplete, err
			}
		}
		sub := st.Batches[0]
		bt, err := b.poll(ctx, sub)
		if err != nil {
			return incomplete, err
		}
		asked, err := b.asked(ctx)
		if err != nil {
			return incomplete, err
		}
		got, err := b.api.Fetch(ctx, bt, b.cache, asked, func(k string, e error) { b.failures[k] = e })
		if err != nil {
			return incomplete, err
		}
		left := max(sub.Requests-got.Stored-got.Failed, 0)
		incomplete += left
		b.logf("batch %s %s: %d answers, %d failed, %d not done", bt.ID, bt.Status, got.Stored, got.Failed, left)
		if got.Ignored > 0 {
			b.logf("warning: ignored %d result line(s) for a request the batch did not hold (the Batch API at %s sent answers nobody asked for)", got.Ignored, llm.RedactURL(b.base))
		}
		st.Batches = st.Batches[1:]
		if err := b.save(st); err != nil {
			return incomplete, err
		}
	}
	return incomplete, nil
}

// poll waits for one batch to finish, with its requests done of total on
// a bar (a line per change in cron).
func (b *batcher) poll(ctx context.Context, sub batch.Submitted) (openai.Batch, error) {
	var shown progress.Counter
	defer func() {
		if shown != nil {
			shown.Finish()
		}
	}()
	for {
		bt, err := b.api.Retrieve(ctx, sub.ID)
		if err != nil {
			return bt, err
		}
		if batch.Finished(bt) {
			return bt, nil
		}
		if shown == nil {
			desc := fmt.Sprintf("batch %s (%s, submitted %s)", sub.ID, sub.Stage, sub.Submitted.Format(time.RFC3339))
			shown = progress.NewCounter(b.io.ErrOut, bt.RequestCounts.Total, b.io.IsStderrTTY(), b.o.Quiet, desc)
		}
		shown.Set(bt.RequestCounts.Completed + bt.RequestCounts.Failed)
		if b.o.NoWait {
			// Still running is the normal state of a cron-driven batch
			// run: -q says nothing about it, only the exit code.
			if b.o.Quiet {
				return bt, reported{batch.ErrStillRunning}
			}
			return bt, fmt.Errorf("batch %s is %w (%s): run brief again later; it picks the batch up, nothing is submitted twice", sub.ID, batch.ErrStillRunning, bt.Status)
		}
		select {
		case <-ctx.Done():
			return bt, reported{ctx.Err()}
		case <-time.After(b.o.BatchPoll):
		}
	}
}

func (o *options) validateBatch() error {
	if !o.BatchWait {
		o.NoWait = true
	}
	switch {
	case !o.Batch && (o.NoWait || o.BatchFallback):
		return fmt.Errorf("--no-wait, --batch-wait and --batch-fallback go with --batch")
	case o.Batch && o.NoCache:
		return fmt.Errorf("--batch needs the cache (its results land there): drop --no-cache")
	case o.BatchDiscount <= 0 || o.BatchDiscount > 1:
		return fmt.Errorf("--batch-discount %g: give the batch price as a share of the normal one, e.g. 0.5", o.BatchDiscount)
	case o.BatchPoll < time.Millisecond:
		return fmt.Errorf("--batch-poll must be positive, e.g. 30s")
	}
	return nil
}

// runBatched sends the run's stages through batches; what the batches
// failed then fails its articles in the run proper, with the reason.
func runBatched(ctx context.Context, io *iostreams.IOStreams, o *options, start time.Time, period string, run *wiring.Run, inputs []article.Input) error {
	b, err := newBatcher(io, o, o.settings(start, period, nil), run, inputs)
	if err != nil {
		return err
	}
	if err := b.run(ctx); err != nil {
		return err
	}
	for k, e := range b.failures {
		run.Requests.Fail(k, e)
	}
	return nil
}
