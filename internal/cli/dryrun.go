package cli

import (
	"cmp"
	"fmt"
	"text/tabwriter"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/safetext"
)

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
