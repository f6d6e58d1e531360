package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// prefixLog keeps the translate prompts an endpoint served, to measure how
// much of each one a server's prefix cache (Ollama, vLLM, llama.cpp and
// OpenAI all reuse the computed prefix two requests share) could have
// reused from an earlier one.
type prefixLog struct {
	prompts       []string
	shared, total int
}

// add records prompt (the system prompt, a NUL, the user message: the
// order a chat template lays them out) and its longest common prefix with
// any earlier prompt. Quadratic, so only on when a benchmark asks.
func (p *prefixLog) add(prompt string) {
	best := 0
	for _, q := range p.prompts {
		best = max(best, commonPrefix(q, prompt))
	}
	p.prompts = append(p.prompts, prompt)
	p.shared += best
	p.total += len(prompt)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// PrefixResult is the shared-prefix share of a run's translate requests.
type PrefixResult struct {
	N        int
	Requests int
	// Shared and Total are bytes of translate prompts: the part each
	// shared with an earlier one, and all of them.
	Shared, Total int
	Run           Measurement
}

// Share is Shared / Total.
func (r PrefixResult) Share() float64 { return float64(r.Shared) / float64(max(r.Total, 1)) }

// benchGlossary holds terms the corpus uses (its organisations), so some
// parts carry glossary lines and others do not, as in a newsroom's runs.
const benchGlossary = "Dansk Industri\tthe Confederation of Danish Industry\n" +
	"Rigspolitiet\tthe Danish National Police\n" +
	"Sundhedsstyrelsen\tthe Danish Health Authority\n" +
	"Vejdirektoratet\tthe Danish Road Directorate\n" +
	"Finanstilsynet\tthe Danish Financial Supervisory Authority\n" +
	"Danmarks Statistik\tStatistics Denmark\n" +
	"Nationalbanken\tDanmarks Nationalbank\n"

// Prefix runs n articles with a glossary and measures how much of the
// translate prompts' bytes a prefix cache could reuse.
func (s *Suite) Prefix(ctx context.Context, n int) (PrefixResult, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return PrefixResult{}, err
	}
	gl := filepath.Join(s.Work, "glossary.tsv")
	if err := os.WriteFile(gl, []byte(benchGlossary), 0o644); err != nil {
		return PrefixResult{}, err
	}
	e := NewEndpoint(EndpointConfig{Latency: s.Latency, Slots: s.Slots, MeasurePrefix: true})
	defer e.Close()
	r := s.newRun("prefix", e.URL(), in, "--glossary", gl)
	defer cleanup(r)
	s.logf("shared prefix: %d articles with a glossary", n)
	m, err := r.Exec(ctx)
	if err != nil {
		return PrefixResult{}, err
	}
	st := e.Stats()
	return PrefixResult{N: n, Requests: st.Served["translate"], Shared: st.PrefixShared, Total: st.PrefixTotal, Run: m}, nil
}

// DescribePrefix is one line about a shared-prefix run.
func DescribePrefix(r PrefixResult) string {
	return fmt.Sprintf("%d articles, %d translate requests: %.1f%% of their prompt bytes shared with an earlier request (%d of %d), wall %v",
		r.N, r.Requests, 100*r.Share(), r.Shared, r.Total, r.Run.Wall.Round(time.Millisecond))
}

// ArticlesPerMinute is a rate-limited run's throughput.
func (r RateResult) ArticlesPerMinute() float64 {
	return float64(r.Scenario.N-r.Run.Totals.Failed) / max(r.Run.Wall.Minutes(), 1e-9)
}
