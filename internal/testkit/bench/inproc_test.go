package bench

import (
	"context"
	"io"
	"time"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/internal/wiring"
)

// InProcess runs the pipeline in this process, wired by wiring.New from
// `brief run`'s defaults exactly as `brief run` wires it (lazy preflight,
// endpoint identity, timeouts), so a benchmark can profile it with
// -cpuprofile or -memprofile.
type InProcess struct {
	URL    string
	Inputs string
	Out    string
	Cache  string // "" = no cache
	Jobs   int    // like -j
	// RPM and TPM are the client's limits, like --rpm and --tpm.
	RPM, TPM int
}

// Result is what an in-process run did.
type Result struct {
	Wall    time.Duration
	Outcome pipeline.Outcome
	Client  llm.Stats
}

// Run runs the pipeline once over every article in p.Inputs.
func (p InProcess) Run(ctx context.Context) (Result, error) {
	start := time.Now()
	s := wiring.Defaults()
	s.Client.BaseURL, s.Client.Model, s.Client.RPM, s.Client.TPM = p.URL, llmtest.Model, p.RPM, p.TPM
	s.Out, s.CacheDir, s.Concurrency = p.Out, p.Cache, p.Jobs
	inputs, _, err := s.Inputs([]string{p.Inputs})
	if err != nil {
		return Result{}, err
	}
	s.Progress = progress.New(io.Discard, len(inputs), false, true)
	run, err := wiring.New(s)
	if err != nil {
		return Result{}, err
	}
	if err := run.OpenCache(); err != nil {
		return Result{}, err
	}
	out := pipeline.Run(ctx, run.Config, inputs)
	return Result{Wall: time.Since(start), Outcome: out, Client: run.Config.ClientStats()}, out.Fatal
}
