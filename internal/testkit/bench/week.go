package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// WriteWeek writes a realistic week of wire copy into dir: stories, each
// followed by one to three updates that repeat 60–90 % of the version
// before (the rest rewritten, one paragraph added), some sent twice (a
// resend, word for word), and background paragraphs from a small pool
// that recur across stories. It returns how many files it wrote. The same
// stories and seed give the same bytes.
func WriteWeek(dir string, stories int, seed uint64) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	g := newGen(seed)
	pool := make([]string, 12)
	for i := range pool {
		pool[i] = body(g.article(100000 + i))[1]
	}
	files := 0
	write := func(name, text string) error {
		files++
		return os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	for s := 1; s <= stories; s++ {
		parts := body(g.article(s))
		// one or two background paragraphs before the agency line
		for k := 0; k < 1+g.r.IntN(2); k++ {
			parts = append(parts[:len(parts)-1], pool[g.r.IntN(len(pool))], parts[len(parts)-1])
		}
		if err := write(fmt.Sprintf("s%03d-0.txt", s), strings.Join(parts, "\n\n")+"\n"); err != nil {
			return files, err
		}
		for u := 1; u <= 1+g.r.IntN(3); u++ {
			parts = g.update(parts, s*10+u)
			if err := write(fmt.Sprintf("s%03d-%d.txt", s, u), strings.Join(parts, "\n\n")+"\n"); err != nil {
				return files, err
			}
		}
		if g.r.IntN(4) == 0 { // a resend of the latest version
			if err := write(fmt.Sprintf("s%03d-r.txt", s), strings.Join(parts, "\n\n")+"\n"); err != nil {
				return files, err
			}
		}
	}
	return files, nil
}

// body splits a generated article into header, paragraphs and agency line.
func body(article string) []string {
	return strings.Split(strings.TrimSpace(article), "\n\n")
}

// update keeps 60–90 % of a version's body paragraphs (the header and the
// agency line stay), rewrites the others from a fresh article, and adds one.
func (g *gen) update(parts []string, n int) []string {
	fresh := body(g.article(200000 + n))
	out := []string{parts[0]}
	keep := 0.6 + 0.3*g.r.Float64()
	for i, p := range parts[1 : len(parts)-1] {
		if g.r.Float64() < keep {
			out = append(out, p)
		} else {
			out = append(out, fresh[1+i%(len(fresh)-2)])
		}
	}
	out = append(out, fresh[len(fresh)-2], parts[len(parts)-1])
	return out
}

// WeekResult compares a week run with the translation memory and without.
type WeekResult struct {
	Files, Stories int
	// With and Without are the runs (fresh caches both; Without passes
	// --no-memory, so the whole-article cache still takes the resends).
	With, Without Measurement
	// Translate requests and tokens (prompt + completion) each run sent.
	WithRequests, WithoutRequests int
	WithTokens, WithoutTokens     int
	// Repeated is how many source paragraphs occur more than once in the
	// week; Same how many of them read the same wherever they occur in
	// the run with the memory (and SameWithout without it).
	Repeated, Same, SameWithout int
	// NewFindings are QA findings of the run with the memory that the run
	// without it does not have (file: code).
	NewFindings []string
}

// Week runs the week of stories with the memory and without it against
// one fake endpoint.
func (s *Suite) Week(ctx context.Context, stories int) (WeekResult, error) {
	in := filepath.Join(s.Work, fmt.Sprintf("week-%d", stories))
	os.RemoveAll(in)
	files, err := WriteWeek(in, stories, s.Seed)
	if err != nil {
		return WeekResult{}, err
	}
	res := WeekResult{Files: files, Stories: stories}
	e := NewEndpoint(EndpointConfig{Slots: s.jobs()})
	defer e.Close()
	for _, with := range []bool{true, false} {
		var args []string
		if !with {
			args = append(args, "--no-memory")
		}
		r := s.newRun(fmt.Sprintf("week-%v", with), e.URL(), in, args...)
		s.logf("week: %d files, memory %v", files, with)
		before := len(e.srv.Requests())
		m, err := r.Exec(ctx)
		if err != nil {
			return res, err
		}
		reqs, toks := 0, 0
		for _, q := range e.srv.Requests()[before:] {
			if q.Stage == "translate" {
				reqs++
				// the fake's completion count: its answer's bytes / 4 + 1
				answer := llmtest.EnglishTranslation(llmtest.Between(q.User, "<article>", "</article>"))
				toks += q.PromptTokens + len(answer)/4 + 1
			}
		}
		same, repeated, findings, err := readWeek(r.Out)
		cleanup(r)
		if err != nil {
			return res, err
		}
		if with {
			res.With, res.WithRequests, res.WithTokens, res.Same, res.Repeated = m, reqs, toks, same, repeated
			res.NewFindings = findings
		} else {
			res.Without, res.WithoutRequests, res.WithoutTokens, res.SameWithout = m, reqs, toks, same
			res.NewFindings = minus(res.NewFindings, findings)
		}
	}
	return res, nil
}

// readWeek reads a run's pages: of the source paragraphs that occur more
// than once, how many have one translation everywhere; and the run's
// findings as "file: code".
func readWeek(out string) (same, repeated int, findings []string, err error) {
	pages, _ := filepath.Glob(filepath.Join(out, "articles", "*.md"))
	seen := map[string]map[string]int{} // source → translation → count
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			return 0, 0, nil, err
		}
		for src, tr := range reviewPairs(string(data)) {
			if seen[src] == nil {
				seen[src] = map[string]int{}
			}
			seen[src][tr]++
		}
	}
	for _, trs := range seen {
		n := 0
		for _, c := range trs {
			n += c
		}
		if n > 1 {
			repeated++
			if len(trs) == 1 {
				same++
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		return 0, 0, nil, err
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return 0, 0, nil, err
	}
	for _, e := range m.Entries {
		for _, f := range e.Findings {
			findings = append(findings, filepath.Base(e.Source)+": "+f.Code)
		}
	}
	return same, repeated, findings, nil
}

// reviewPairs reads the review section of a Markdown page (brief writes it
// there when it writes no HTML page): "> source" then the translation.
func reviewPairs(page string) map[string]string {
	out := map[string]string{}
	_, review, ok := strings.Cut(page, "## Source and translation")
	if !ok {
		return out
	}
	for _, block := range strings.Split(review, "\n### ")[1:] {
		paras := strings.Split(strings.TrimSpace(block), "\n\n")
		if len(paras) >= 3 && strings.HasPrefix(paras[1], "> ") {
			out[strings.TrimPrefix(paras[1], "> ")] = paras[2]
		}
	}
	return out
}

// minus is a without the items of b (as many times as b has them).
func minus(a, b []string) []string {
	have := map[string]int{}
	for _, x := range b {
		have[x]++
	}
	var out []string
	for _, x := range a {
		if have[x] > 0 {
			have[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

// DescribeWeek is the week's figures in one line each.
func DescribeWeek(r WeekResult) string {
	saved := 100 * (1 - float64(r.WithTokens)/float64(max(r.WithoutTokens, 1)))
	return fmt.Sprintf("week of %d stories (%d files): translate tokens %d with the memory, %d without (%.0f %% fewer); translate requests %d / %d; wall %s / %s; "+
		"repeated paragraphs reading the same everywhere: %d of %d with the memory, %d without; QA findings only with the memory: %d %v",
		r.Stories, r.Files, r.WithTokens, r.WithoutTokens, saved, r.WithRequests, r.WithoutRequests,
		r.With.Wall.Round(1e7), r.Without.Wall.Round(1e7), r.Same, r.Repeated, r.SameWithout, len(r.NewFindings), r.NewFindings)
}
