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
	prompts []string
	systems map[string]bool
	// shared: with the best earlier prompt (a cache that keeps every
	// prefix, like vLLM's or OpenAI's); sharedLast: with the one just
	// before (a server slot that keeps only its last prompt).
	shared, sharedLast, total int
}

// add records a request's system prompt and user message and their longest
// common prefix (system, NUL, user: the order a chat template lays them
// out) with earlier ones. Quadratic, so only on when a benchmark asks.
func (p *prefixLog) add(system, user string) {
	prompt := system + "\x00" + user
	best, last := 0, 0
	for _, q := range p.prompts {
		best = max(best, commonPrefix(q, prompt))
	}
	if n := len(p.prompts); n > 0 {
		last = commonPrefix(p.prompts[n-1], prompt)
	}
	if p.systems == nil {
		p.systems = map[string]bool{}
	}
	p.systems[system] = true
	p.prompts = append(p.prompts, prompt)
	p.shared += best
	p.sharedLast += last
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
	// shared with any earlier one, and all of them; SharedLast is the part
	// shared with the request just before. Systems counts distinct system
	// prompts.
	Shared, SharedLast, Total, Systems int
	Run                                Measurement
}

// Share is Shared / Total.
func (r PrefixResult) Share() float64 { return float64(r.Shared) / float64(max(r.Total, 1)) }

// ShareLast is SharedLast / Total.
func (r PrefixResult) ShareLast() float64 {
	return float64(r.SharedLast) / float64(max(r.Total, 1))
}

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
	return PrefixResult{N: n, Requests: st.Served["translate"], Shared: st.Prefix.shared, SharedLast: st.Prefix.sharedLast,
		Total: st.Prefix.total, Systems: len(st.Prefix.systems), Run: m}, nil
}

// DescribePrefix is one line about a shared-prefix run.
func DescribePrefix(r PrefixResult) string {
	return fmt.Sprintf("%d articles, %d translate requests, %d distinct system prompts: %.1f%% of their prompt bytes shared with some earlier request, %.1f%% with the one just before (%d, %d of %d bytes), wall %v",
		r.N, r.Requests, r.Systems, 100*r.Share(), 100*r.ShareLast(), r.Shared, r.SharedLast, r.Total, r.Run.Wall.Round(time.Millisecond))
}

// ArticlesPerMinute is a rate-limited run's throughput.
func (r RateResult) ArticlesPerMinute() float64 {
	return float64(r.Scenario.N-r.Run.Totals.Failed) / max(r.Run.Wall.Minutes(), 1e-9)
}
