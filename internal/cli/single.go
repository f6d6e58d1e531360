package cli

import (
	"context"
	"errors"
	"fmt"
	stdio "io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/wiring"
	"github.com/brief-news/brief/translate"
)

// newSingleCmd builds `brief translate` and `brief summarize`: one article
// from a file or stdin, through the same cache and checks as a run, the
// result on stdout and the findings on stderr, as llm and mods do.
func newSingleCmd(io *iostreams.IOStreams, name string, withSummary bool) *cobra.Command {
	what := map[bool]string{false: "the translation (--lang, English by default)", true: "the summary"}[withSummary]
	cmd := configured(&cobra.Command{
		Use:   name + " [FILE|-]",
		Short: "Print " + what + " of one article (a file, or stdin) on stdout",
		Long: `Reads one article in the wire format from FILE, or from stdin when FILE is -
or missing, and prints ` + what + ` on stdout. Findings of the quality checks
go to stderr as "warn:" lines. The cache and the checks are those of brief run,
so an article already translated by a run costs no request.

Exit codes: 0 done (even with warnings); 1 it could not be done (no article,
endpoint down, the model failed); 2 the quality checks (or --strict) refused
the translation, whose findings are on stderr; 130 interrupted.`,
		Example: `  brief ` + name + ` testdata/articles/vulkan-island.txt
  pbpaste | brief ` + name + ` - --model gemma3:12b`,
		Args: cobra.MaximumNArgs(1),
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		src := "-"
		if len(args) == 1 {
			src = args[0]
		}
		return runSingle(cmd.Context(), io, o, src, withSummary)
	}, config.Server, config.Requests, config.Identity, config.Translation, config.Talk)
	usage(cmd, "quiet", "print no retry or slow-load lines on stderr")
	usage(cmd, "verbose", "say on stderr whether the result came from the cache, and its requests and tokens")
	return cmd
}

func runSingle(ctx context.Context, io *iostreams.IOStreams, o *config.Options, src string, withSummary bool) error {
	a, err := readSingle(io, src, o.MaxSize)
	if err != nil {
		return err
	}
	// Retries and slow loads are said on stderr, as in a run.
	rep := progress.New(io.ErrOut, 1, false, o.Quiet)
	s := o.Settings(time.Now())
	s.Progress, s.Client = rep, o.ClientConfig(rep.Logf)
	run, err := wiring.New(s)
	if err != nil {
		return err
	}
	if err := run.OpenCache(); err != nil {
		return err
	}
	res, err := pipeline.Article(ctx, run.Config, a, withSummary)
	switch {
	case ctx.Err() != nil:
		return reported{ctx.Err()}
	case errors.Is(err, translate.ErrQA) || (err != nil && o.Strict && len(res.Warnings) > 0):
		// The checks (or --strict) refused it: say why, nothing on stdout.
		printWarnings(io, res.Warnings)
		return pipeline.Partial(fmt.Errorf("%s: %w", a.Path, err))
	case err != nil:
		return fmt.Errorf("%s: %w", a.Path, err)
	}
	printSingle(io, res)
	if o.Verbose {
		fmt.Fprintf(io.ErrOut, "brief: %s, %s, %s\n", map[bool]string{true: "from the cache", false: "made now"}[res.Cached],
			progress.Count(res.Translation.Requests, "model request"), progress.Count(res.Translation.Usage.Total(), "token"))
	}
	return nil
}

// readSingle reads FILE or stdin ("-") with the same size limit and parser
// as a run; an input that is no article is an error, not a skip.
func readSingle(io *iostreams.IOStreams, src string, maxSize int64) (article.Article, error) {
	var a article.Article
	var err error
	if src == "-" {
		if io.IsStdinTTY() {
			// Otherwise a person who typed just `brief translate` waits on a silent terminal.
			fmt.Fprintln(io.ErrOut, "brief: reading the article from standard input (end with Ctrl-D)…")
		}
		// At most one byte past the limit, so an endless pipe cannot fill
		// memory; Parse then refuses what is over it.
		data, rerr := stdio.ReadAll(stdio.LimitReader(io.In, maxSize+1))
		if rerr != nil {
			return a, fmt.Errorf("read stdin: %v", rerr)
		}
		a, err = article.Parse("stdin", data, maxSize)
	} else {
		a, err = article.ReadFile(src, maxSize)
	}
	var skip *article.SkipError
	if errors.As(err, &skip) {
		return a, fmt.Errorf("%s is not an article brief can translate: %s", skip.Path, skip.Reason)
	}
	return a, err
}

// printSingle writes the result on stdout and the findings on stderr.
func printSingle(io *iostreams.IOStreams, res pipeline.ArticleResult) {
	if s := res.Summary; s != nil {
		fmt.Fprintln(io.Out, s.Headline)
		fmt.Fprintln(io.Out)
		fmt.Fprintln(io.Out, s.Summary.Summary)
		if len(s.KeyPoints) > 0 {
			fmt.Fprintln(io.Out)
			for _, k := range s.KeyPoints {
				fmt.Fprintln(io.Out, "- "+k)
			}
		}
	} else {
		fmt.Fprintln(io.Out, res.Translation.Text())
	}
	printWarnings(io, res.Warnings)
}

func printWarnings(io *iostreams.IOStreams, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(io.ErrOut, "warn: "+safetext.Line(strings.TrimSpace(w)))
	}
}
