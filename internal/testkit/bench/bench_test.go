package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// The figures of BENCHMARKS.md, one benchmark each. They run only under
// -bench, once each (-benchtime=1x); -short skips the long ones (5,000 and
// 10,000 articles, the minute-long rate-limit runs):
//
//	go test -run '^$' -bench . -benchtime=1x ./internal/testkit/bench
//
// Each builds ./cmd/brief once and runs it as a child process against the
// fake endpoint in this process. brief-bench prints the same figures as a
// table.

var (
	builtOnce sync.Once
	builtBin  string
	builtErr  error
	builtDir  string
)

// suite returns a Suite with the default endpoint (50ms, 4 slots) and a
// brief binary built once per test binary.
func suite(b *testing.B) *Suite {
	b.Helper()
	builtOnce.Do(func() {
		builtDir, builtErr = os.MkdirTemp("", "brief-bench-bin-")
		if builtErr == nil {
			builtBin, builtErr = Build(context.Background(), builtDir)
		}
	})
	if builtErr != nil {
		b.Fatal(builtErr)
	}
	return &Suite{Bin: builtBin, Work: b.TempDir(), Latency: 50 * time.Millisecond, Slots: 4, Seed: 1}
}

func TestMain(m *testing.M) {
	LauncherMain()
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

func long(b *testing.B) {
	if testing.Short() {
		b.Skip("long benchmark; run without -short")
	}
}

func BenchmarkWall(b *testing.B) {
	for _, c := range []struct{ n, jobs int }{{50, 4}, {500, 4}, {5000, 4}, {50, 8}, {500, 8}, {5000, 8}} {
		b.Run(fmt.Sprintf("N=%d,j=%d", c.n, c.jobs), func(b *testing.B) {
			if c.n > 500 {
				long(b)
			}
			s := suite(b)
			for b.Loop() {
				r, err := s.Wall(context.Background(), c.n, c.jobs)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.Ratio, "wall/ideal")
				b.ReportMetric(r.Floor, "floor/ideal")
				b.ReportMetric(100*r.Timeline.Utilisation, "%slots")
				b.Log(DescribeWall(r))
			}
		})
	}
}

func BenchmarkCPUPerArticle(b *testing.B) {
	s := suite(b)
	for b.Loop() {
		r, err := s.CPU(context.Background(), 1000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(r.PerArticle.Microseconds())/1000, "cpu-ms/article")
		b.Log(DescribeCPU(r))
	}
}

func BenchmarkRSS(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			if n > 1000 {
				long(b)
			}
			s := suite(b)
			for b.Loop() {
				m, err := s.RSS(context.Background(), n)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(m.MaxRSS)/(1<<20), "MB-rss")
				b.Log(DescribeRSS(n, m))
			}
		})
	}
}

func BenchmarkCachedRerun(b *testing.B) {
	s := suite(b)
	for b.Loop() {
		r, err := s.Cached(context.Background(), 1000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.Again.Wall.Seconds(), "s/rerun")
		b.ReportMetric(float64(r.Requests), "requests")
		b.Log(DescribeCached(r))
	}
}

func BenchmarkRateLimit(b *testing.B) {
	for _, sc := range RateScenarios() {
		b.Run(sc.Name, func(b *testing.B) {
			long(b)
			s := suite(b)
			for b.Loop() {
				r, err := s.Rate(context.Background(), sc)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(100*r.Share, "%ceiling")
				b.ReportMetric(float64(r.Stats.Refused), "429s")
				b.Log(DescribeRate(r))
			}
		})
	}
}

// BenchmarkPipeline runs the pipeline in this process, for profiles of
// brief's own work:
//
//	go test -run '^$' -bench Pipeline -benchtime=1x -cpuprofile cpu.out ./internal/testkit/bench
//	go tool pprof -top -ignore 'llmtest|http.\(\*conn\).serve' bench.test cpu.out
//
// (the ignore drops the fake endpoint's half of the work).
func BenchmarkPipeline(b *testing.B) {
	for _, c := range []struct {
		name    string
		latency time.Duration
		cached  bool
	}{{"fresh", 50 * time.Millisecond, false}, {"nolatency", 0, false}, {"cached", 0, true}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			in := filepath.Join(dir, "in")
			if err := WriteCorpus(in, 500, 1); err != nil {
				b.Fatal(err)
			}
			e := NewEndpoint(EndpointConfig{Latency: c.latency, Slots: 4})
			defer e.Close()
			p := InProcess{URL: e.URL(), Inputs: in, Out: filepath.Join(dir, "out"), Cache: filepath.Join(dir, "cache"), Jobs: 4}
			if c.cached {
				if _, err := p.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if !c.cached {
					os.RemoveAll(p.Out)
					os.RemoveAll(p.Cache)
				}
				r, err := p.Run(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(r.Wall.Microseconds())/1000/500, "ms/article")
			}
		})
	}
}

// BenchmarkShapes runs one 300 KB article of each shape in-process, fresh
// each time, for profiles of what a shape costs:
//
//	go test ./internal/testkit/bench -run '^$' -bench 'Shapes/giant' -cpuprofile cpu.out
func BenchmarkShapes(b *testing.B) {
	for _, shape := range Shapes {
		b.Run(shape, func(b *testing.B) {
			dir := b.TempDir()
			in := filepath.Join(dir, "in")
			if err := WriteShape(filepath.Join(in, shape+".txt"), shape, shapeBenchSize, 1); err != nil {
				b.Fatal(err)
			}
			e := NewEndpoint(EndpointConfig{Slots: 1, Mangle: true})
			defer e.Close()
			p := InProcess{URL: e.URL(), Inputs: in, Out: filepath.Join(dir, "out"), Cache: filepath.Join(dir, "cache"), Jobs: 1}
			for b.Loop() {
				os.RemoveAll(p.Out)
				os.RemoveAll(p.Cache)
				if _, err := p.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// --- tests of the harness itself (fast; part of go test ./...) ---

// The corpus is what the figures are measured on: every article must be a
// well-formed wire article brief accepts without warnings, distinct from
// the others, and the same bytes for the same seed.
func TestCorpusIsValidDistinctAndReproducible(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCorpus(dir, 200, 7); err != nil {
		t.Fatal(err)
	}
	inputs, err := article.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 200 {
		t.Fatalf("discovered %d inputs, want 200", len(inputs))
	}
	seen := map[string]string{}
	sizes := map[int]bool{}
	agencies := map[string]bool{}
	for _, in := range inputs {
		a, err := article.ReadFile(in.Path, 0)
		if err != nil {
			t.Fatalf("%s: %v", in.Path, err)
		}
		if len(a.Warnings) > 0 || a.Date == "" || a.Lede == "" || len(a.Paragraphs) < 3 || len(a.Agencies) == 0 {
			t.Fatalf("%s parsed as %+v: want a dated lede, 3+ paragraphs, an agency and no warnings", in.Path, a)
		}
		if prev, dup := seen[a.SHA256]; dup {
			t.Fatalf("%s and %s are the same article", prev, in.Path)
		}
		seen[a.SHA256] = in.Path
		sizes[len(a.Paragraphs)] = true
		agencies[a.Agency()] = true
	}
	if len(sizes) < 4 || len(agencies) < 3 {
		t.Errorf("corpus is not varied: paragraph counts %v, agencies %v", sizes, agencies)
	}
	again := t.TempDir()
	if err := WriteCorpus(again, 3, 7); err != nil {
		t.Fatal(err)
	}
	want := articles(7, 3)
	for i, name := range []string{"00001.txt", "00002.txt", "00003.txt"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if string(a) != string(b) || string(a) != want[i] {
			t.Errorf("%s differs between two corpora with the same seed", name)
		}
	}
	other := t.TempDir()
	if err := WriteCorpus(other, 1, 8); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "00001.txt"))
	b, _ := os.ReadFile(filepath.Join(other, "00001.txt"))
	if string(a) == string(b) {
		t.Error("seeds 7 and 8 gave the same first article")
	}
}

// Distinct stories must not look like wire resends of each other, or the
// briefing would fold them and the benchmark would measure a briefing no
// real week produces.
func TestCorpusHasNoResends(t *testing.T) {
	const n = 400
	fps := make([]story.Fingerprint, n)
	for i, text := range articles(3, n) {
		a, err := article.Parse("x.txt", []byte(text), 0)
		if err != nil {
			t.Fatal(err)
		}
		fps[i] = story.FingerprintOf(append([]string{a.Lede}, a.Paragraphs...))
	}
	same, worst := 0, 0.0
	for i := range fps {
		for j := i + 1; j < n; j++ {
			if story.Same(fps[i], fps[j]) {
				same++
			}
			jac, _ := story.Compare(fps[i], fps[j])
			worst = max(worst, jac)
		}
	}
	t.Logf("largest overlap between two of %d articles: %.2f", n, worst)
	if same > 0 {
		t.Errorf("%d pairs of %d articles look like resends of one story (largest overlap %.2f)", same, n, worst)
	}
}

func newClient(t *testing.T, e *Endpoint) *llm.Client {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: e.URL(), Model: llmtest.Model})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A request over the endpoint's per-minute budget is refused with a 429
// that says when to come back, and is not counted as served.
func TestEndpointRefusesOverRequestBudget(t *testing.T) {
	e := NewEndpoint(EndpointConfig{RPM: 60, Window: time.Second}) // one request a second, no burst
	defer e.Close()
	c := newClient(t, e)
	req := llm.Request{User: "<article>\nEt kort stykke tekst.\n</article>", MaxTokens: 100}
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatalf("first request: %v", err)
	}
	_, err := c.Complete(context.Background(), req)
	var le *llm.Error
	if !errors.As(err, &le) || le.Status != 429 || !strings.Contains(le.Msg, "requests per min") {
		t.Fatalf("second request at once: %v, want a 429 for the request budget", err)
	}
	st := e.Stats()
	if st.Refused != 1 || st.Total() != 1 {
		t.Fatalf("stats %+v: want 1 served, 1 refused", st)
	}
	// The bucket refills at one request a second.
	time.Sleep(1100 * time.Millisecond)
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatalf("a second later: %v", err)
	}
}

// The token budget is charged with the prompt plus max_tokens, as OpenAI
// admits requests, so a request asking for more than what is left is
// refused even when its prompt is short; ChargeUsage charges what was used.
func TestEndpointChargesTokens(t *testing.T) {
	req := llm.Request{User: "<article>\nEt kort stykke tekst.\n</article>", MaxTokens: 900}
	for _, c := range []struct {
		usage   bool
		refused int
	}{{false, 1}, {true, 0}} {
		e := NewEndpoint(EndpointConfig{TPM: 60000, Window: time.Second, ChargeUsage: c.usage}) // 1,000 tokens in the bucket
		client := newClient(t, e)
		for range 2 {
			client.Complete(context.Background(), req)
		}
		st := e.Stats()
		e.Close()
		if st.Refused != c.refused {
			t.Errorf("ChargeUsage %v: %d refused, want %d (charged %d, used %d)", c.usage, st.Refused, c.refused, st.Charged, st.Used)
		}
		if c.usage && st.Charged != st.Used || !c.usage && st.Charged < 900 {
			t.Errorf("ChargeUsage %v: charged %d, used %d", c.usage, st.Charged, st.Used)
		}
	}
}

// Busy, the basis of the ideal wall time, is the latency of every served
// request plus the token latency between its streamed chunks.
func TestEndpointBusyCountsLatencies(t *testing.T) {
	e := NewEndpoint(EndpointConfig{Latency: 5 * time.Millisecond, TokenLatency: time.Millisecond})
	defer e.Close()
	c := newClient(t, e)
	text := "Et kort stykke tekst med syv ord."
	if _, err := c.Complete(context.Background(), llm.Request{User: "<article>\n" + text + "\n</article>", MaxTokens: 100}); err != nil {
		t.Fatal(err)
	}
	chunks := len(llmtest.Tokens(llmtest.EnglishTranslation(text)))
	want := 5*time.Millisecond + time.Duration(chunks-1)*time.Millisecond
	if st := e.Stats(); st.Busy != want || st.Served["translate"] != 1 {
		t.Fatalf("busy %v served %v, want %v for one translate request of %d chunks", st.Busy, st.Served, want, chunks)
	}
}

// A digest is as long as a model's paragraph, whatever the batch size.
func TestEndpointDigestIsAParagraph(t *testing.T) {
	long := llmtest.FakeDigest("- a: x\n- b: x\n- c: x\n- d: x\n- e: x\n- f: x\n- g: x\n- h: x")
	if got := shortDigest(long); got != "Digest of 8 stories: a; b; c; d; e; f; and more." {
		t.Errorf("shortDigest(%q) = %q", long, got)
	}
	short := llmtest.FakeDigest("- a: x\n- b: x")
	if got := shortDigest(short); got != short {
		t.Errorf("shortDigest(%q) = %q, want it unchanged", short, got)
	}
}

// The timeline accounts for the whole run: its phases add up to the wall
// time, and a pool that never leaves a slot idle is at 100 %.
func TestTimelineAddsUp(t *testing.T) {
	t0 := time.Now()
	ms := time.Millisecond
	st := EndpointStats{Arrivals: []Arrival{
		{At: t0.Add(10 * ms), Stage: "translate", Busy: 50 * ms},
		{At: t0.Add(10 * ms), Stage: "translate", Busy: 50 * ms},
		{At: t0.Add(60 * ms), Stage: "summarize", Busy: 50 * ms},
		{At: t0.Add(60 * ms), Stage: "summarize", Busy: 50 * ms},
		{At: t0.Add(120 * ms), Stage: "digest", Busy: 50 * ms},
		{At: t0.Add(170 * ms), Stage: "digest", Busy: 50 * ms},
	}}
	tl := NewTimeline(Measurement{Start: t0, Wall: 230 * ms}, st, 2)
	if tl.Startup != 10*ms || tl.Articles != 100*ms || tl.Utilisation != 1 || tl.Organize != 10*ms || tl.Digest != 100*ms ||
		tl.DigestRequests != 2 || tl.DigestRounds != 2 || tl.Finish != 10*ms {
		t.Fatalf("timeline %+v", tl)
	}
	if sum := tl.Startup + tl.Articles + tl.Organize + tl.Digest + tl.Finish; sum != 230*ms {
		t.Fatalf("phases add up to %v, want the wall time 230ms", sum)
	}
}

// The whole harness end to end on a few articles: the real brief binary
// against the fake, measured as a child process.
func TestRunMeasuresTheBriefBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the brief binary")
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin, err := Build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &Suite{Bin: bin, Work: dir, Latency: 5 * time.Millisecond, Slots: 2, Seed: 1}
	w, err := s.Wall(ctx, 6, 0)
	if err != nil {
		t.Fatal(err)
	}
	if w.Requests != 13 || w.Stats.Served["digest"] != 1 || w.Run.MaxRSS == 0 || w.Run.CPU() == 0 || w.Run.Totals.OK != 6 {
		t.Fatalf("6 articles: %d requests (want 2 each and a digest), RSS %d, CPU %v, totals %+v",
			w.Requests, w.Run.MaxRSS, w.Run.CPU(), w.Run.Totals)
	}
	if w.Ratio < 1 || w.Floor < 1 || w.Stats.MaxServing > 2 {
		t.Fatalf("ratio %.3f, floor %.3f, most served at once %d: nothing beats the ideal, and never more than 2 slots", w.Ratio, w.Floor, w.Stats.MaxServing)
	}
	c, err := s.Cached(ctx, 6)
	if err != nil {
		t.Fatal(err)
	}
	if c.Requests != 0 || c.Again.Totals.Cached != 6 {
		t.Fatalf("cached re-run: %d requests, totals %+v; want none and 6 cached", c.Requests, c.Again.Totals)
	}
	rt, err := s.Rate(ctx, RateScenario{Name: "tiny", N: 3, RPM: 600, Window: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Stats.Total() != 7 || rt.RequestShare <= 0 || rt.Run.Totals.OK != 3 {
		t.Fatalf("rate run: %+v", rt)
	}
}

// articles returns the first n articles of the corpus with this seed, as
// WriteCorpus writes them.
func articles(seed uint64, n int) []string {
	g := newGen(seed)
	out := make([]string, n)
	for i := range out {
		out[i] = g.article(i + 1)
	}
	return out
}

// shapeBenchSize is BenchmarkShapes' article size: $SHAPE_BYTES, or 300 KB.
var shapeBenchSize = func() int {
	if n, err := strconv.Atoi(os.Getenv("SHAPE_BYTES")); err == nil && n > 0 {
		return n
	}
	return 300_000
}()
