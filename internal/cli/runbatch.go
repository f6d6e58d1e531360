package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/wiring"
)

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
func runBatched(ctx context.Context, io *iostreams.IOStreams, o *options, s wiring.Settings, run *wiring.Run, inputs []article.Input) error {
	r := &batch.Runner{Settings: s, Inputs: inputs, NoWait: o.NoWait, Fallback: o.BatchFallback, Poll: o.BatchPoll,
		Out: io.ErrOut, TTY: io.IsStderrTTY(), Quiet: o.Quiet}
	if !o.Quiet {
		r.Logf = stderrLogf(io, "brief: ")
	}
	err := r.Answer(ctx, run)
	if errors.Is(err, context.Canceled) || (o.Quiet && errors.Is(err, batch.ErrStillRunning)) {
		// Still running is the normal state of a cron-driven batch run:
		// -q says nothing about it, only the exit code.
		return reported{err}
	}
	return err
}
