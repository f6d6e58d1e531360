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
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/safetext"
)

// Exit codes, documented in the README. exitCode is the one place that
// chooses them, from what the error is.
const (
	ExitOK          = 0   // every article ok (or cached)
	ExitFatal       = 1   // nothing useful could be done: bad config, endpoint down, auth
	ExitPartial     = 2   // some articles failed or were left; the briefing was written
	ExitPending     = 3   // --batch --no-wait: a batch is still running; run again later
	ExitInterrupted = 130 // Ctrl-C / SIGTERM; what finished was written
)

// reported is an error the command has already told the user about (the
// run's final line, the check's problems): only its exit code is left.
type reported struct{ error }

func (r reported) Unwrap() error { return r.error }

// Main runs brief with os.Args and the real streams and returns the exit
// code; cmd/brief's main is os.Exit(cli.Main()).
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
	done := make(chan int, 1)
	go func() { done <- Execute(ctx, io, os.Args[1:]) }()
	// First signal: stop dispatching, cancel in-flight requests, write
	// what finished. Second: the user means it, leave at once.
	for interrupted := false; ; interrupted = true {
		select {
		case code := <-done:
			return code
		case <-sigs:
		}
		if interrupted {
			fmt.Fprintln(io.ErrOut, "brief: quit")
			return exitCode(context.Canceled)
		}
		fmt.Fprintln(io.ErrOut, "brief: interrupted: writing what finished (press Ctrl-C again to quit at once)")
		cancel()
	}
}

// Execute runs one command line, prints its error and returns its exit
// code.
func Execute(ctx context.Context, io *iostreams.IOStreams, args []string) int {
	root := newRoot(io)
	config.Warnings = io.ErrOut
	root.SetArgs(args)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	err := root.ExecuteContext(ctx)
	var shown reported
	// An error can carry a server's words or a file's name: printed
	// without control or bidirectional characters.
	if err != nil && !errors.As(err, &shown) {
		if msg := safetext.Text(err.Error()); msg != "" {
			fmt.Fprintln(io.ErrOut, "brief: "+msg)
		}
	}
	return exitCode(err)
}

// exitCode maps what went wrong to the exit code, once for every command:
// the packages that know say so with their sentinel errors.
func exitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, batch.ErrStillRunning):
		return ExitPending
	case errors.Is(err, pipeline.ErrPartial):
		return ExitPartial
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	return ExitFatal
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
	// No -v: below the root it is --verbose.
	root.Version = versionString()
	root.SetVersionTemplate("brief {{.Version}}\n")
	root.Flags().Bool("version", false, "print brief's version")
	root.AddCommand(newRunCmd(io), newSingleCmd(io, "translate", false), newSingleCmd(io, "summarize", true),
		newCheckCmd(io), newModelsCmd(io), newPromptsCmd(io), newCacheCmd(io), newBatchCmd(io), newMemoryCmd(io),
		newVersionCmd(io), newManCmd(io))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%v%s (see `%s --help`)", err, suggestFlag(c, err), c.CommandPath())
	})
	root.InitDefaultCompletionCmd()
	plainBools(root)
	return root
}

// plainBools shows boolean flags as every other tool does, `--force`, not
// pflag's `--force[=true|false]`: a value that does not call itself a
// bool flag (it still takes none, by its NoOptDefVal).
func plainBools(c *cobra.Command) {
	c.InitDefaultHelpFlag()
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Value.Type() == "bool" {
			f.Value = plainBool{f.Value}
		}
	})
	for _, sub := range c.Commands() {
		plainBools(sub)
	}
}

type plainBool struct{ pflag.Value }

// suggestFlag is ": did you mean --format?" for a misspelt flag, or where
// the flag belongs when it is another command's.
func suggestFlag(c *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		if !c.HasParent() && strings.HasPrefix(err.Error(), "unknown shorthand flag: 'v'") {
			return "; the version is --version (-v is a command's --verbose)"
		}
		return ""
	}
	best, bestD := "", 3
	c.Flags().VisitAll(func(f *pflag.Flag) {
		d := distance(name, f.Name)
		if strings.HasPrefix(f.Name, name) {
			d = min(d, 1) // --dry for --dry-run
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best != "" {
		return "; did you mean --" + best + "?"
	}
	if c.Name() != "run" && newRunCmd(nil).Flags().Lookup(name) != nil {
		return "; it is a flag of brief run, not of " + c.CommandPath()
	}
	return ""
}

// distance is the edit distance between a and b (Levenshtein).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := []int{i}
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur = append(cur, min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost))
		}
		prev = cur
	}
	return prev[len(b)]
}

// configured gives cmd --config and the flags of lists and makes it run do
// with them loaded (command line, environment, brief.yaml) and checked.
func configured(cmd *cobra.Command, do func(*cobra.Command, *config.Options, []string) error, lists ...[]string) *cobra.Command {
	o := config.New()
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if err := o.Load(c.Flags()); err != nil {
			return err
		}
		return do(c, o, args)
	}
	o.Register(cmd.Flags(), lists...)
	return cmd
}

// group makes cmd a command of commands: alone it shows its help; with an
// unknown command it fails, suggesting the nearest.
func group(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.AddCommand(subs...)
	cmd.Args, cmd.SuggestionsMinimumDistance = cobra.ArbitraryArgs, 2
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + s[0] + "?"
		}
		return fmt.Errorf("%s (see `%s --help`)", msg, c.CommandPath())
	}
	return cmd
}

// needs is cobra.MinimumNArgs(1) in words: what is missing, with an
// example.
func needs(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("%s needs %s (see `%s --help`)", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

// fileOut makes -o name the file a command writes (def unless given)
// instead of the briefing's folder; a config file's `out` does not become
// it.
func fileOut(cmd *cobra.Command, usage, def string) {
	out := cmd.Flags().Lookup("out")
	out.Usage, out.DefValue = usage, def
	_ = out.Value.Set(def)
	out.Changed = true
}

// stderrLogf is a Logf for the llm client and the Batch API: a line on
// stderr per message, made safe to print, since a server's words (an
// error, a batch's id and status) are in it.
func stderrLogf(io *iostreams.IOStreams, prefix string) func(format string, args ...any) {
	return func(format string, args ...any) {
		fmt.Fprintln(io.ErrOut, prefix+safetext.Line(fmt.Sprintf(format, args...)))
	}
}
