package pipeline

import (
	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
)

// PlannedArticle is one input as a dry run sees it.
type PlannedArticle struct {
	File         string `json:"file"`
	Status       string `json:"status"` // "new", "cached", "skipped", "failed" or "would fail"
	Date         string `json:"date,omitempty"`
	Paragraphs   int    `json:"paragraphs,omitempty"`
	Requests     int    `json:"requests"`
	PromptTokens int    `json:"prompt_tokens"`
	OutputTokens int    `json:"output_tokens"`
	Note         string `json:"note,omitempty"`
}

// Estimate is what a run would send (--dry-run), as the CLI prints it in a
// table or as JSON for scripts; nothing is called to make it.
type Estimate struct {
	Articles []PlannedArticle `json:"articles"`
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
	NewArticles  int    `json:"-"` // of which BudgetStarts start
}

// coverage fills in how many new articles a run under the budget's
// MaxTokens or MaxCost would start: a run starts the next article while
// what it spent is under the budget, so the estimates (calibrated to the
// model's tokenizer when an earlier run measured it) tell where it stops.
// With more than one article in flight a few more are when it does.
func (e *Estimate) coverage(b Budget) {
	if b.MaxTokens <= 0 && b.MaxCost <= 0 {
		return
	}
	starts, tokens, cost := 0, 0, 0.0
	for _, a := range e.Articles {
		if a.Status != "new" {
			continue
		}
		e.NewArticles++
		if (b.MaxTokens > 0 && tokens >= b.MaxTokens) || (b.MaxCost > 0 && cost >= b.MaxCost) {
			continue
		}
		starts++
		tokens += a.PromptTokens + a.OutputTokens
		cost += b.Cost(a.PromptTokens, a.OutputTokens)
	}
	e.BudgetStarts = &starts
}

// Plan is what a run over inputs with cfg would send: per input (read
// and planned, no call) and in total with the digest, priced at the
// budget's prices, with how far a token or cost budget would reach.
func Plan(inputs []article.Input, cfg Config) Estimate {
	plan := Estimate{Articles: []PlannedArticle{}, Estimated: true, TokensPerByte: cfg.Translator.TokensPerByte()}
	t := &plan.Totals
	for _, in := range inputs {
		row := planArticle(in, cfg)
		plan.Articles = append(plan.Articles, row)
		// Only a new article's row counts requests and tokens.
		t.Requests, t.PromptTokens, t.OutputTokens = t.Requests+row.Requests, t.PromptTokens+row.PromptTokens, t.OutputTokens+row.OutputTokens
		switch row.Status {
		case "cached":
			t.Cached++
			fallthrough
		case "new":
			t.Articles++
		}
	}
	if t.Articles > t.Cached { // the digest is cached too when no article changed
		d := cfg.Summarizer.EstimateDigest(t.Articles)
		t.Requests, t.PromptTokens, t.OutputTokens = t.Requests+d.Requests, t.PromptTokens+d.PromptTokens, t.OutputTokens+d.CompletionTokens
	}
	if b := cfg.Budget; b.PriceIn > 0 || b.PriceOut > 0 {
		cost := usd(b.Cost(t.PromptTokens, t.OutputTokens))
		t.CostUSD = &cost
	}
	plan.coverage(cfg.Budget)
	return plan
}

func planArticle(in article.Input, cfg Config) PlannedArticle {
	a, status, reason := cfg.read(in)
	row := PlannedArticle{File: in.Path, Status: status, Note: reason}
	if status != "" {
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

// Cost is what prompt and output tokens cost at the budget's prices (per
// million tokens).
func (b Budget) Cost(prompt, output int) float64 {
	return float64(prompt)*b.PriceIn/1e6 + float64(output)*b.PriceOut/1e6
}
