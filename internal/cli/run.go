package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/wiring"
)

func newRunCmd(io *iostreams.IOStreams) *cobra.Command {
	return configured(&cobra.Command{
		Use:   "run PATH... [flags]",
		Short: "Translate and summarise articles and write the briefing",
		Long: `Reads every *.txt below each PATH folder (or each PATH file), translates and
summarises each article through the model, and writes OUT/articles/SLUG.md,
OUT/briefing.md and OUT/manifest.json.

Exit codes: 0 all ok; 1 nothing useful could be done (bad config, endpoint
down, wrong key or model); 2 some articles failed or were left for the next
run, the briefing was written; 3 (--batch --no-wait) a batch is still
running: run again later; 130 interrupted.`,
		Example: `  brief run ./articles --lang en
  brief run ./articles -o ./out --model qwen2.5:7b -j 8
  OPENAI_API_KEY=... brief run ./articles --base-url https://api.openai.com/v1 --model gpt-4o-mini`,
		Args: needs("a PATH: the folder (or file) of articles to translate, e.g. brief run ./articles"),
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		return runBriefing(cmd.Context(), io, o, args)
	}, config.Server, config.Requests, config.Identity, config.Translation, config.Review, config.Talk, config.Run)
}

func runBriefing(ctx context.Context, io *iostreams.IOStreams, o *config.Options, paths []string) error {
	start := time.Now()
	settings := o.Settings(start)
	inputs, found, err := settings.Inputs(paths)
	if err != nil {
		return err
	}
	settings.LeftOut = leftOut(o, found, len(inputs))
	if settings.LeftOut != "" && (!o.Quiet || len(inputs) == 0) {
		fmt.Fprintln(io.ErrOut, "brief: "+settings.LeftOut)
	}
	rep := progress.New(io.ErrOut, len(inputs), io.IsStderrTTY(), o.Quiet)
	settings.Progress, settings.Client = rep, o.ClientConfig(rep.Logf)
	run, err := wiring.New(settings)
	if err != nil {
		return err
	}
	if o.DryRun {
		run.PeekCache()
		return dryRun(io, o, inputs, run.Config)
	}
	unlock, err := pipeline.LockOut(o.Out)
	if err != nil {
		return err
	}
	defer unlock()
	if err := run.OpenCache(); err != nil {
		return err
	}
	if o.Batch {
		if err := runBatched(ctx, io, o, o.Settings(start), run, inputs); err != nil {
			return err
		}
	}
	outcome := pipeline.Run(ctx, run.Config, inputs)
	rep.Finish()
	reportOutcome(io, o, outcome, run.Config.ClientStats(), time.Since(start))
	sayServers(io, o, run.Pool)
	return outcomeError(outcome)
}

// runBatched sends the run's stages through batches; what the batches
// failed then fails its articles in the run proper, with the reason.
func runBatched(ctx context.Context, io *iostreams.IOStreams, o *config.Options, s wiring.Settings, run *wiring.Run, inputs []article.Input) error {
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

// leftOut says how many inputs --since left out, every time it is given
// (inputs silently missing from a briefing look like lost articles): the
// briefing and the dry run always say it, the run on stderr unless -q, and
// even with -q when the window is empty (the feed may have stopped); a
// weekly cron job with -q mails only that.
func leftOut(o *config.Options, found, kept int) string {
	if o.Since == "" {
		return ""
	}
	msg := fmt.Sprintf("--since %s: %d of %d inputs are older than %s and were left out", o.Since, found-kept, found, o.SinceTime.Format("2 January 2006"))
	if kept == 0 {
		msg += "; no input is in the window"
	}
	return msg
}

// reportOutcome prints the final line to stderr and the briefing's path to
// stdout. -q is for cron, which mails whatever a job prints: a clean run
// prints nothing at all.
func reportOutcome(io *iostreams.IOStreams, o *config.Options, outcome pipeline.Outcome, st llm.Stats, took time.Duration) {
	// Warnings are not "all is well" either: -q then prints their lines and
	// this count.
	clean := outcome.Fatal == nil && !outcome.Interrupted && !outcome.Failed() &&
		(outcome.Manifest == nil || outcome.Manifest.Totals.Warned == 0)
	if outcome.Fatal != nil {
		// The cause first: the counts after it explain what it cost,
		// not the other way round.
		// Each cause on a line of its own (a run can fail to reach the
		// endpoint and to write a file).
		for _, line := range strings.Split(safetext.Text(outcome.Fatal.Error()), "\n") {
			fmt.Fprintln(io.ErrOut, "brief: "+line)
		}
	}
	if !(o.Quiet && clean) {
		printSummary(io, o, outcome, st, took)
	}
	if !o.Quiet && outcome.Manifest != nil && outcome.Manifest.Briefing != "" && outcome.Fatal == nil {
		// stdout carries only the result, for scripts: where the briefing is.
		fmt.Fprintln(io.Out, filepath.Join(o.Out, outcome.Manifest.Briefing))
	}
}

// outcomeError is what the run's outcome means for its exit code.
func outcomeError(outcome pipeline.Outcome) error {
	switch {
	case outcome.Fatal != nil:
		return reported{outcome.Fatal} // reportOutcome printed it first
	case outcome.Interrupted:
		return reported{context.Canceled}
	case outcome.Failed():
		return reported{pipeline.ErrPartial}
	case outcome.NothingRead():
		return fmt.Errorf("none of the %d inputs could be read as an article (see the skipped lines above): check the PATHs", outcome.Manifest.Totals.Inputs)
	}
	return nil
}

// whyStopped names the kind of error that stopped a run, for its final
// line: the endpoint, the output folder, or both.
func whyStopped(err error) string {
	var why []string
	if errors.Is(err, llm.ErrFatal) {
		why = append(why, "the endpoint failed")
	}
	if errors.Is(err, pipeline.ErrOutput) {
		why = append(why, pipeline.ErrOutput.Error())
	}
	if len(why) == 0 {
		return "an error"
	}
	return strings.Join(why, " and ")
}

func printSummary(io *iostreams.IOStreams, o *config.Options, out pipeline.Outcome, st llm.Stats, took time.Duration) {
	t := out.Manifest.Totals
	line := fmt.Sprintf("brief: %d ok, %d cached, %d failed, %d skipped", t.OK, t.Cached, t.Failed, t.Skipped)
	if t.Warned > 0 {
		line += fmt.Sprintf(", %d with warnings", t.Warned)
	}
	if t.Pending > 0 {
		line += fmt.Sprintf(", %d left for the next run", t.Pending)
	}
	usage := progress.Count(st.Usage.Total(), "token")
	if st.Usage.Estimated {
		usage += " (estimated)"
	}
	// Model requests as the dry run plans them (the server's checks are not among them).
	line += " · " + progress.Count(t.Requests, "model request") + ", " + progress.Count(st.Retries, "retry") + " · " + usage
	if t.CostUSD != nil {
		line += fmt.Sprintf(" · $%.4f", *t.CostUSD)
	}
	line += fmt.Sprintf(" · %s → %s", took.Round(100*time.Millisecond), filepath.Join(o.Out, "briefing.md"))
	switch {
	case out.Interrupted:
		line += " (interrupted)"
	case out.Fatal != nil:
		line += " (stopped: " + whyStopped(out.Fatal) + ", see above)"
	case out.Stopped != "":
		line += " (stopped: " + out.Stopped + ")"
	}
	fmt.Fprintln(io.ErrOut, line)
	if out.DigestErr != nil {
		fmt.Fprintln(io.ErrOut, "brief: the briefing has no digest: "+safetext.Line(out.DigestErr.Error()))
	}
	if out.Kept {
		why := "no story was made this run"
		if out.Manifest.Totals.Inputs == 0 {
			why = "no article falls in the --since window"
		}
		fmt.Fprintf(io.ErrOut, "brief: %s: the previous briefing was kept (%s)\n", why, filepath.Join(o.Out, "briefing.md"))
	}
}

// sayServers gives each server's share of the run with -v, when there are
// several: who did the work, and which were taken out.
func sayServers(io *iostreams.IOStreams, o *config.Options, pool *llm.Pool) {
	stats := pool.ServerStats()
	if !o.Verbose || len(stats) < 2 {
		return
	}
	for _, s := range stats {
		state := ""
		if s.Down {
			state = " (taken out)"
		}
		fmt.Fprintf(io.ErrOut, "brief: %s%s: %s, %s, %s\n", s.Endpoint, state, progress.Count(s.Stats.Requests, "request"),
			progress.Count(s.Stats.Completed, "answer"), progress.Count(s.Stats.Usage.Total(), "token"))
	}
}

// dryRun prints what a run would send, without calling the model or
// writing a file.
func dryRun(io *iostreams.IOStreams, o *config.Options, inputs []article.Input, cfg pipeline.Config) error {
	plan := pipeline.Plan(inputs, cfg)
	plan.Context = o.ChooseWindow(llm.Server{}, o.Model)
	if plan.Context.Guess {
		plan.Context.Source = "a guess: the dry run asks no server; `brief check` shows the server's window"
	}
	plan.Totals.Batch = o.Batch && plan.Totals.CostUSD != nil
	if starts := plan.BudgetStarts; starts != nil {
		name := fmt.Sprintf("--max-tokens %d", o.MaxTokens)
		if o.MaxTokens <= 0 {
			name = fmt.Sprintf("--max-cost $%.4f", o.MaxCost)
		}
		plan.Budget = fmt.Sprintf("%s starts about %d of the %d new articles; the rest wait for the next run", name, *starts, plan.NewArticles)
		if *starts == plan.NewArticles {
			plan.Budget = fmt.Sprintf("%s covers all %d new articles", name, plan.NewArticles)
		}
	}
	if o.JSON {
		return writeJSON(io, plan)
	}
	printDryRun(io, plan)
	return nil
}

func printDryRun(io *iostreams.IOStreams, plan pipeline.Estimate) {
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FILE\tDATE\tPARAGRAPHS\tCACHED\tREQUESTS\tPROMPT TOKENS\tOUTPUT TOKENS\tNOTE")
	for _, r := range plan.Articles {
		// names and reasons come from the disk and the model: inert
		r.File, r.Note = safetext.Name(r.File), safetext.Line(r.Note)
		date := cmp.Or(r.Date, "-")
		switch r.Status {
		case "skipped", "failed":
			fmt.Fprintf(w, "%s\t-\t-\t-\t-\t-\t-\t%s: %s\n", r.File, r.Status, r.Note)
		case "would fail":
			fmt.Fprintf(w, "%s\t%s\t%d\t-\t-\t-\t-\twould fail: %s\n", r.File, r.Date, r.Paragraphs, r.Note)
		case "cached":
			fmt.Fprintf(w, "%s\t%s\t%d\tyes\t0\t0\t0\t\n", r.File, date, r.Paragraphs)
		default:
			fmt.Fprintf(w, "%s\t%s\t%d\tno\t%d\t%d\t%d\t\n", r.File, date, r.Paragraphs, r.Requests, r.PromptTokens, r.OutputTokens)
		}
	}
	w.Flush()
	t := plan.Totals
	fmt.Fprintf(io.Out, "\n%s (%d cached) · %s · about %d prompt + %d output tokens (estimates)", progress.Count(t.Articles, "article"), t.Cached, progress.Count(t.Requests, "model request"), t.PromptTokens, t.OutputTokens)
	if t.CostUSD != nil {
		fmt.Fprintf(io.Out, " · about $%.4f", *t.CostUSD)
		if t.Batch {
			fmt.Fprint(io.Out, " at the batch price")
		}
	}
	fmt.Fprintln(io.Out)
	fmt.Fprintf(io.Out, "planned for a context window of %s\n", plan.Context)
	if plan.TokensPerByte > 0 {
		fmt.Fprintf(io.Out, "estimated with the model's tokenizer as an earlier run measured it: about %.2f tokens a byte\n", plan.TokensPerByte)
	}
	if plan.Budget != "" {
		fmt.Fprintln(io.Out, plan.Budget)
	}
}
