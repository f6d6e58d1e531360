package pipeline_test

import (
	"testing"

	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// A dry run's plan counts every new article's requests and tokens, prices
// them at the budget's prices, and says how many a token budget lets a run
// start; it sends nothing.
func TestPlanEstimatesPricesAndStopsAtTheBudget(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 6)
	cfg := newConfig(t, srv, nil)
	cfg.Budget = pipeline.Budget{PriceIn: 1, PriceOut: 2}
	plan := pipeline.Plan(jobs, cfg)
	tot := plan.Totals
	if srv.Hits() != 0 {
		t.Fatalf("the plan sent %d requests", srv.Hits())
	}
	if tot.Articles != 6 || tot.Requests < 6*2+1 || tot.PromptTokens == 0 || tot.OutputTokens == 0 {
		t.Fatalf("totals %+v: want 6 articles, a translation and a summary each and the digest", tot)
	}
	if want := float64(tot.PromptTokens)/1e6 + 2*float64(tot.OutputTokens)/1e6; tot.CostUSD == nil || *tot.CostUSD != want {
		t.Errorf("cost %v, want %v", tot.CostUSD, want)
	}
	if plan.BudgetStarts != nil {
		t.Errorf("no budget, yet %d starts", *plan.BudgetStarts)
	}
	one := plan.Articles[0].PromptTokens + plan.Articles[0].OutputTokens
	cfg.Budget.MaxTokens = 2*one + 1 // a third article starts while under it
	plan = pipeline.Plan(jobs, cfg)
	if plan.BudgetStarts == nil || *plan.BudgetStarts != 3 || plan.NewArticles != 6 {
		t.Errorf("with --max-tokens %d: %v starts of %d new, want 3 of 6", cfg.Budget.MaxTokens, plan.BudgetStarts, plan.NewArticles)
	}
}
