package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/tokens"
)

// dryArticle is one input as --dry-run sees it.
type dryArticle struct {
	File         string `json:"file"`
	Status       string `json:"status"` // "new", "cached", "skipped", "failed" or "would fail"
	Date         string `json:"date,omitempty"`
	Paragraphs   int    `json:"paragraphs,omitempty"`
	Requests     int    `json:"requests"`
	PromptTokens int    `json:"prompt_tokens"`
	OutputTokens int    `json:"output_tokens"`
	Note         string `json:"note,omitempty"`
}

// dryPlan is what --dry-run prints, as a table or (--json) for scripts.
type dryPlan struct {
	Articles []dryArticle `json:"articles"`
	Totals   struct {
		Articles     int      `json:"articles"`
		Cached       int      `json:"cached"`
		Requests     int      `json:"requests"`
		PromptTokens int      `json:"prompt_tokens"`
		OutputTokens int      `json:"output_tokens"`
		CostUSD      *float64 `json:"cost_usd,omitempty"` // with --price-in/--price-out
		Batch        bool     `json:"batch,omitempty"`    // CostUSD is at the batch price (--batch)
	} `json:"totals"`
	Estimated bool `json:"estimated"` // always true: nothing was sent
	// Context is the window the parts were planned for: --context, or
	// with auto the window brief guesses, since the dry run asks no server.
	Context llm.Window `json:"context"`
	// TokensPerByte is the model's measured tokenizer the estimates use
	// (kept with the cache by an earlier run), 0 when none was measured.
	TokensPerByte float64 `json:"tokens_per_byte,omitempty"`
	// Budget says how many of the new articles --max-tokens/--max-cost
	// would let a run start, by these estimates; "" without a budget.
	Budget       string `json:"budget,omitempty"`
	BudgetStarts *int   `json:"budget_starts,omitempty"`
}

// dryRun parses every input and prints what a run would send, without
// calling the model or writing a file.
func dryRun(io *iostreams.IOStreams, o *options, inputs []article.Input, cfg pipeline.Config) error {
	plan := planDryRun(inputs, cfg)
	plan.Context = chooseWindow(o.Context, llm.Server{}, o.Model)
	if plan.Context.Guess {
		plan.Context.Source = "a guess: the dry run asks no server; `brief check` shows the server's window"
	}
	if o.PriceIn > 0 || o.PriceOut > 0 {
		cost := o.cost(plan.Totals.PromptTokens, plan.Totals.OutputTokens)
		plan.Totals.CostUSD, plan.Totals.Batch = &cost, o.Batch
	}
	budgetCoverage(&plan, o)
	if o.JSON {
		return writeJSON(io, plan)
	}
	printDryRun(io, plan)
	return nil
}

// cost is what prompt and output tokens cost at --price-in/--price-out:
// pipeline.Cost, at the batch price with --batch (half, at OpenAI).
func (o *options) cost(prompt, output int) float64 {
	c := pipeline.Cost(tokens.Usage{PromptTokens: prompt, CompletionTokens: output}, o.PriceIn, o.PriceOut)
	if o.Batch {
		c *= o.BatchDiscount
	}
	return c
}

// budgetCoverage fills in how many new articles a run under --max-tokens
// or --max-cost would start: a run starts the next article while what it
// spent is under the budget, so the estimates (calibrated to the model's
// tokenizer when an earlier run measured it) tell where it stops. With -j
// above 1 a few more are in flight when it does.
func budgetCoverage(plan *dryPlan, o *options) {
	if o.MaxTokens <= 0 && o.MaxCost <= 0 {
		return
	}
	starts, newArticles, tokens, cost := 0, 0, 0, 0.0
	for _, a := range plan.Articles {
		if a.Status != "new" {
			continue
		}
		newArticles++
		if (o.MaxTokens > 0 && tokens >= o.MaxTokens) || (o.MaxCost > 0 && cost >= o.MaxCost) {
			continue
		}
		starts++
		tokens += a.PromptTokens + a.OutputTokens
		cost += o.cost(a.PromptTokens, a.OutputTokens)
	}
	name := fmt.Sprintf("--max-tokens %d", o.MaxTokens)
	if o.MaxTokens <= 0 {
		name = fmt.Sprintf("--max-cost $%.4f", o.MaxCost)
	}
	plan.BudgetStarts = &starts
	plan.Budget = fmt.Sprintf("%s starts about %d of the %d new articles; the rest wait for the next run", name, starts, newArticles)
	if starts == newArticles {
		plan.Budget = fmt.Sprintf("%s covers all %d new articles", name, newArticles)
	}
}

func planDryRun(inputs []article.Input, cfg pipeline.Config) dryPlan {
	plan := dryPlan{Articles: []dryArticle{}, Estimated: true, TokensPerByte: cfg.Translator.TokensPerByte()}
	t := &plan.Totals
	for _, in := range inputs {
		row := dryRunArticle(in, cfg)
		plan.Articles = append(plan.Articles, row)
		switch row.Status {
		case "cached":
			t.Articles++
			t.Cached++
		case "new":
			t.Articles++
			t.Requests += row.Requests
			t.PromptTokens += row.PromptTokens
			t.OutputTokens += row.OutputTokens
		}
	}
	if t.Articles > t.Cached { // the digest is cached too when no article changed
		d := cfg.Summarizer.EstimateDigest(t.Articles)
		t.Requests, t.PromptTokens, t.OutputTokens = t.Requests+d.Requests, t.PromptTokens+d.PromptTokens, t.OutputTokens+d.CompletionTokens
	}
	return plan
}

func dryRunArticle(in article.Input, cfg pipeline.Config) dryArticle {
	row := dryArticle{File: in.Path}
	if in.Skip != "" {
		row.Status, row.Note = "skipped", in.Skip
		return row
	}
	a, err := cfg.Load(in)
	var skip *article.SkipError
	switch {
	case errors.As(err, &skip):
		row.Status, row.Note = "skipped", skip.Reason
		return row
	case err != nil:
		row.Status, row.Note = "failed", err.Error()
		return row
	}
	row.Date, row.Paragraphs = a.Date, len(a.Paragraphs)
	p, err := cfg.Translator.WithMemory(cfg.Memory()).Plan(a)
	switch {
	case err != nil:
		row.Status, row.Note = "would fail", err.Error()
	case cfg.Cached(a):
		row.Status = "cached"
	default:
		// the summary reads the translation
		sum := cfg.Summarizer.EstimateSummary(p.CompletionTokens)
		row.Status = "new"
		row.Requests = p.Requests + sum.Requests
		row.PromptTokens = p.PromptTokens + sum.PromptTokens
		row.OutputTokens = p.CompletionTokens + sum.CompletionTokens
		if cfg.Reviewer != nil { // --review: the pairs go to the model once more
			rv := cfg.Reviewer.ReviewPlan(a, p.CompletionTokens)
			row.Requests, row.PromptTokens, row.OutputTokens = row.Requests+rv.Requests, row.PromptTokens+rv.PromptTokens, row.OutputTokens+rv.CompletionTokens
		}
	}
	return row
}

func printDryRun(io *iostreams.IOStreams, plan dryPlan) {
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FILE\tDATE\tPARAGRAPHS\tCACHED\tREQUESTS\tPROMPT TOKENS\tOUTPUT TOKENS\tNOTE")
	for _, r := range plan.Articles {
		// names and reasons come from the disk and the model: inert
		r.File, r.Note = safetext.Name(r.File), safetext.Line(r.Note)
		date := r.Date
		if date == "" {
			date = "-"
		}
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
	fmt.Fprintf(io.Out, "\n%d articles (%d cached) · %d requests · about %d prompt + %d output tokens (estimates)", t.Articles, t.Cached, t.Requests, t.PromptTokens, t.OutputTokens)
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
