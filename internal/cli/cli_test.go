package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/translate"
)

// Each exit code comes from what the error is, however deep it is
// wrapped, and an error already reported is not printed again.
func TestExitCodesComeFromOnePlace(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{reported{pipeline.ErrPartial}, ExitPartial},
		{fmt.Errorf("a.txt: %w", pipeline.Partial(translate.ErrQA)), ExitPartial},
		{fmt.Errorf("batch b1 is still running: %w", batch.ErrStillRunning), ExitPending},
		{fmt.Errorf("run: %w", context.Canceled), ExitInterrupted},
		{&llm.Error{Class: llm.ErrFatal, Msg: "model x not found"}, ExitFatal},
		{errors.New("anything else"), ExitFatal},
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// A run's outcome reaches the exit code here, not only end to end: a run
// with a failed or pending article, or no digest, exits 2; an interrupted
// one 130; a fatal one 1; a clean one, and one with warnings, 0.
func TestARunsOutcomeIsItsExitCode(t *testing.T) {
	run := func(o pipeline.Outcome) int {
		if o.Manifest == nil {
			o.Manifest = &manifest.Manifest{Totals: manifest.Totals{Inputs: 2, OK: 2}}
		}
		return exitCode(outcomeError(o))
	}
	with := func(t manifest.Totals) *manifest.Manifest { return &manifest.Manifest{Totals: t} }
	cases := []struct {
		name string
		o    pipeline.Outcome
		want int
	}{
		{"clean", pipeline.Outcome{}, ExitOK},
		{"warnings", pipeline.Outcome{Manifest: with(manifest.Totals{Inputs: 2, OK: 2, Warned: 1})}, ExitOK},
		{"a failed article", pipeline.Outcome{Manifest: with(manifest.Totals{Inputs: 2, OK: 1, Failed: 1})}, ExitPartial},
		{"a pending article", pipeline.Outcome{Manifest: with(manifest.Totals{Inputs: 2, OK: 1, Pending: 1})}, ExitPartial},
		{"no digest", pipeline.Outcome{DigestErr: errors.New("digest failed")}, ExitPartial},
		{"interrupted", pipeline.Outcome{Interrupted: true}, ExitInterrupted},
		{"fatal", pipeline.Outcome{Fatal: &llm.Error{Class: llm.ErrFatal, Msg: "401"}}, ExitFatal},
		{"nothing read", pipeline.Outcome{Manifest: with(manifest.Totals{Inputs: 2, Skipped: 2})}, ExitFatal},
	}
	for _, c := range cases {
		if got := run(c.o); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

func TestUsageErrorsExitOneAndSayWhatToDo(t *testing.T) {
	io, _, errOut := testStreams()
	code := Execute(context.Background(), io, []string{"run", "x", "--concurrency", "0"})
	if code != ExitFatal || !strings.Contains(errOut.String(), "--concurrency must be at least 1") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	io, _, errOut = testStreams()
	code = Execute(context.Background(), io, []string{"run", "x", "--no-such-flag"})
	if code != ExitFatal || !strings.Contains(errOut.String(), "brief run --help") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// testStreams are streams backed by buffers, none a terminal, so commands
// under test print plain lines.
func testStreams() (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &iostreams.IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut}, out, errOut
}

// A server's words reach stderr through the client's and the Batch API's
// log lines (a batch id and status, an error): no escape sequence or line
// break in them reaches the terminal.
func TestStderrLogfPrintsServerTextSafely(t *testing.T) {
	var errOut bytes.Buffer
	logf := stderrLogf(&iostreams.IOStreams{ErrOut: &errOut}, "brief: ")
	logf("batch %s %s: %d answers", "batch_1\x1b]0;owned\x07", "completed\nbrief: 0 failed", 3)
	got := errOut.String()
	if strings.ContainsAny(got, "\x1b\x07") || strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "brief: batch batch_1") {
		t.Errorf("logged %q: want one line, no control characters", got)
	}
}
