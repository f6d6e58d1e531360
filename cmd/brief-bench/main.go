// Command brief-bench measures brief against a fake endpoint and prints the
// figures of BENCHMARKS.md as a Markdown table: wall time against the
// endpoint's physical limit, brief's own CPU time per article, peak RSS, a
// fully cached re-run, and the use of a rate-limited endpoint's ceiling.
//
// Run it from inside the brief module (it builds ./cmd/brief), or pass
// -brief with a built binary:
//
//	go run ./cmd/brief-bench                  # everything, a few minutes
//	go run ./cmd/brief-bench -only wall -sizes 50,500
//	go run ./cmd/brief-bench -only shapes     # one article of each shape and size
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/testkit/bench"
)

func main() {
	// First: this binary also launches brief, to measure its own peak RSS.
	bench.LauncherMain()
	var (
		bin      = flag.String("brief", "", "brief binary to measure (default: build ./cmd/brief)")
		work     = flag.String("work", "", "scratch folder (default: a temp folder, removed afterwards)")
		latency  = flag.Duration("latency", 50*time.Millisecond, "endpoint latency per request")
		tokLat   = flag.Duration("token-latency", 0, "endpoint latency per streamed output chunk (about a word)")
		slots    = flag.Int("slots", 4, "requests the endpoint serves at once")
		jobs     = flag.String("j", "", "brief's -j for the wall time figure, comma-separated (default: -slots and 2 × -slots)")
		sizes    = flag.String("sizes", "50,500,5000", "article counts for the wall time figure")
		cpuN     = flag.Int("cpu", 1000, "article count for the CPU time figure")
		rssN     = flag.String("rss", "1000,10000", "article counts for the peak RSS figure")
		cachedN  = flag.Int("cached", 1000, "article count for the cached re-run")
		prefixN  = flag.Int("prefix", 200, "article count for the shared-prefix figure")
		serversN = flag.Int("servers", 500, "article count for the several-servers figure")
		week     = flag.Int("week", 60, "stories in the translation-memory week (each with 1-3 updates, some resent)")
		shapeSz  = flag.String("shape-sizes", "100000,300000,1048576", "article sizes in bytes for the shapes figure")
		shapeN   = flag.String("shape-list", strings.Join(bench.Shapes, ","), "shapes for the shapes figure")
		shapeT   = flag.Duration("shape-timeout", 2*time.Minute, "kill a shapes run after this long")
		memLimit = flag.Int64("mem-limit", 4096, "address-space limit of each shapes run, MB (0: none)")
		only     = flag.String("only", "", "run only these figures: wall,cpu,rss,cached,rate,prefix,servers,week,shapes (comma-separated)")
		seed     = flag.Uint64("seed", 1, "corpus seed")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o := options{*bin, *work, *latency, *tokLat, *slots, ints(*jobs), ints(*sizes), *cpuN, ints(*rssN), *cachedN, *prefixN, *serversN, *week, *only, *seed,
		ints(*shapeSz), strings.Split(*shapeN, ","), *shapeT, *memLimit << 20}
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "brief-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	bin, work       string
	latency, tokLat time.Duration
	slots           int
	jobs, sizes     []int
	cpuN            int
	rssN            []int
	cachedN         int
	prefixN         int
	serversN        int
	week            int
	only            string
	seed            uint64
	shapeSizes      []int
	shapes          []string
	shapeTimeout    time.Duration
	memLimit        int64
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// newSuite makes the scratch folder and builds brief unless -brief names
// a binary; cleanup removes a scratch folder it made.
func newSuite(ctx context.Context, o *options) (*bench.Suite, func(), error) {
	work, cleanup := o.work, func() {}
	if work == "" {
		dir, err := os.MkdirTemp("", "brief-bench-")
		if err != nil {
			return nil, nil, err
		}
		work, cleanup = dir, func() { os.RemoveAll(dir) }
	}
	bin := o.bin
	if bin == "" {
		var err error
		if bin, err = bench.Build(ctx, work); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	if len(o.jobs) == 0 {
		o.jobs = []int{o.slots, 2 * o.slots}
	}
	s := &bench.Suite{Bin: bin, Work: work, Latency: o.latency, TokenLatency: o.tokLat, Slots: o.slots, Jobs: o.jobs[0], Seed: o.seed,
		ShapeTimeout: o.shapeTimeout, MemLimit: o.memLimit,
		Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "brief-bench: "+f+"\n", a...) }}
	return s, cleanup, nil
}

// run measures the figures -only names (all by default) and prints them
// as BENCHMARKS.md's tables. It is long on purpose: one short block per figure,
// in the report's order, reads better than a function per figure.
func run(ctx context.Context, o options) error {
	s, cleanup, err := newSuite(ctx, &o)
	if err != nil {
		return err
	}
	defer cleanup()
	want := func(name string) bool {
		return o.only == "" || strings.Contains(","+o.only+",", ","+name+",")
	}
	var rep bench.Report
	rep.Setup = s
	if want("wall") {
		if rep.Wall, err = wallFigures(ctx, s, o); err != nil {
			return err
		}
	}
	if want("cpu") {
		r, err := s.CPU(ctx, o.cpuN)
		if err != nil {
			return err
		}
		rep.CPU = &r
		fmt.Fprintln(os.Stderr, "  ", bench.DescribeCPU(r))
	}
	if want("rss") {
		for _, n := range o.rssN {
			m, err := s.RSS(ctx, n)
			if err != nil {
				return err
			}
			rep.RSS = append(rep.RSS, bench.RSSResult{N: n, Run: m})
			fmt.Fprintln(os.Stderr, "  ", bench.DescribeRSS(n, m))
		}
	}
	if want("cached") {
		r, err := s.Cached(ctx, o.cachedN)
		if err != nil {
			return err
		}
		rep.Cached = &r
		fmt.Fprintln(os.Stderr, "  ", bench.DescribeCached(r))
	}
	if want("week") {
		r, err := s.Week(ctx, o.week)
		if err != nil {
			return err
		}
		rep.Week = &r
		fmt.Fprintln(os.Stderr, "  ", bench.DescribeWeek(r))
	}
	if want("rate") {
		if rep.Rate, err = rateFigures(ctx, s); err != nil {
			return err
		}
	}
	if want("prefix") {
		r, err := s.Prefix(ctx, o.prefixN)
		if err != nil {
			return err
		}
		rep.Prefix = &r
		fmt.Fprintln(os.Stderr, "  ", bench.DescribePrefix(r))
	}
	if want("servers") {
		if rep.Servers, err = serverFigures(ctx, s, o); err != nil {
			return err
		}
	}
	if want("shapes") {
		rep.Shapes, err = shapeFigures(ctx, s, o)
	}
	fmt.Print(rep.Markdown())
	return err
}

// rateFigures runs the rate-limited scenarios.
func rateFigures(ctx context.Context, s *bench.Suite) ([]bench.RateResult, error) {
	var out []bench.RateResult
	for _, sc := range bench.RateScenarios() {
		r, err := s.Rate(ctx, sc)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		fmt.Fprintln(os.Stderr, "  ", bench.DescribeRate(r))
	}
	return out, nil
}

// serverFigures runs the two servers, 2 slots at 300 ms and 6 at
// 100 ms; then the same with the slow one killed mid-run.
func serverFigures(ctx context.Context, s *bench.Suite, o options) ([]bench.ServersResult, error) {
	var out []bench.ServersResult
	specs := []bench.ServerSpec{{Slots: 2, Latency: 300 * time.Millisecond}, {Slots: 6, Latency: 100 * time.Millisecond}}
	for _, kill := range []int{-1, 0} {
		r, err := s.Servers(ctx, o.serversN, specs, kill)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		fmt.Fprintln(os.Stderr, "  ", bench.DescribeServers(r))
	}
	return out, nil
}

// shapeFigures runs one article of each shape and size.
func shapeFigures(ctx context.Context, s *bench.Suite, o options) ([]bench.ShapeResult, error) {
	var out []bench.ShapeResult
	for _, sh := range o.shapes {
		for _, n := range o.shapeSizes {
			r, err := s.Shape(ctx, sh, n)
			if err != nil {
				return out, err
			}
			out = append(out, r)
			fmt.Fprintln(os.Stderr, "  ", bench.DescribeShape(r))
		}
	}
	return out, nil
}

// wallFigures measures the wall time for each -j and article count.
func wallFigures(ctx context.Context, s *bench.Suite, o options) ([]bench.WallResult, error) {
	var out []bench.WallResult
	for _, j := range o.jobs {
		for _, n := range o.sizes {
			r, err := s.Wall(ctx, n, j)
			if err != nil {
				return out, err
			}
			out = append(out, r)
			fmt.Fprintln(os.Stderr, "  ", bench.DescribeWall(r))
		}
	}
	return out, nil
}
