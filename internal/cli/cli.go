// Package cli is brief's command line: flags, config layering, signals, exit
// codes and wiring. The work itself happens in the packages it wires.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
)

// Exit codes, documented in the README.
const (
	ExitOK          = 0   // every article ok (or cached)
	ExitFatal       = 1   // nothing useful could be done: bad config, endpoint down, auth
	ExitPartial     = 2   // some articles failed or were left; the briefing was written
	ExitPending     = 3   // --batch --no-wait: a batch is still running; run again later
	ExitInterrupted = 130 // Ctrl-C / SIGTERM; what finished was written
)

// exitError carries an exit code through cobra together with a message that
// is meant for the user (the message may be empty when it was printed).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// Main runs brief with os.Args and the real streams and returns the exit
// code; cmd/brief's main is os.Exit(cli.Main()), and tests call it too.
func Main() int {
	// A run's live heap is small (per article its summary and a 1 KiB
	// fingerprint) but Go lets the heap grow to twice the live data
	// before collecting; half of that keeps a 10,000-article run under
	// 100 MB for a little more GC work (BENCHMARKS.md). GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	io := iostreams.System()
	if os.Getenv("BRIEF_FORCE_TTY") == "1" {
		io.SetStderrTTY(true)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		// First signal: stop dispatching, cancel in-flight requests, write
		// what finished. Second: the user means it, leave at once.
		if _, ok := <-sigs; !ok {
			return
		}
		fmt.Fprintln(io.ErrOut, "brief: interrupted: writing what finished (press Ctrl-C again to quit at once)")
		cancel()
		if _, ok := <-sigs; ok {
			fmt.Fprintln(io.ErrOut, "brief: quit")
			os.Exit(ExitInterrupted)
		}
	}()
	return Run(ctx, io, os.Args[1:])
}

// Run executes one command line and returns its exit code.
func Run(ctx context.Context, io *iostreams.IOStreams, args []string) int {
	root := newRoot(io)
	root.SetArgs(args)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	err := root.ExecuteContext(ctx)
	return exitCode(io, err)
}

// exitCode is the one place that maps errors to exit codes and prints them.
func exitCode(io *iostreams.IOStreams, err error) int {
	if err == nil {
		return ExitOK
	}
	code := ExitFatal
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.Is(err, context.Canceled):
		code = ExitInterrupted
	case errors.Is(err, llm.ErrFatal):
		code = ExitFatal
	}
	// An error can carry a server's words or a file's name: printed
	// without control or bidirectional characters.
	if msg := safetext.Text(err.Error()); msg != "" {
		fmt.Fprintln(io.ErrOut, "brief: "+msg)
	}
	return code
}

func newRoot(io *iostreams.IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "brief",
		Short: "Translate a folder of Danish news articles into an English briefing",
		Long: `brief turns a folder of Danish news articles into English: a faithful
translation and a short summary of each, one Markdown file per article,
and one merged briefing.md that editors read.

It talks to any OpenAI-compatible chat endpoint: a local Ollama (the
default), OpenAI, vLLM or llama.cpp.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// `brief --version` is what people type first; `brief version` says more.
	root.Version = versionString()
	root.SetVersionTemplate("brief {{.Version}}\n")
	root.AddCommand(newRunCmd(io), newSingleCmd(io, "translate", false), newSingleCmd(io, "summarize", true),
		newCheckCmd(io), newModelsCmd(io), newPromptsCmd(io), newCacheCmd(io), newBatchCmd(io),
		newVersionCmd(io), newManCmd(io))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return exitWith(ExitFatal, fmt.Errorf("%v (see `%s --help`)", err, c.CommandPath()))
	})
	return root
}
