package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Suite runs the figures of BENCHMARKS.md against one brief binary. Each
// figure is a fresh run in its own folders below Work (inputs are written
// once per size and shared).
type Suite struct {
	Bin  string // the brief binary
	Work string // scratch folder
	// Latency, TokenLatency and Slots describe the endpoint of the wall
	// time figures; Jobs is brief's -j (0: Slots).
	Latency, TokenLatency time.Duration
	Slots, Jobs           int
	Seed                  uint64
	// ShapeTimeout and MemLimit bound each run of the shapes suite (0:
	// none), so a pathological article ends as a figure.
	ShapeTimeout time.Duration
	MemLimit     int64
	// Logf, when set, is told what runs.
	Logf func(format string, args ...any)

	runs int
}

func (s *Suite) jobs() int {
	if s.Jobs > 0 {
		return s.Jobs
	}
	return max(s.Slots, 1)
}

func (s *Suite) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}

// Corpus returns a folder with n articles, writing it the first time.
func (s *Suite) Corpus(n int) (string, error) {
	dir := filepath.Join(s.Work, "corpus-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir, ".done")); err == nil {
		return dir, nil
	}
	os.RemoveAll(dir)
	if err := WriteCorpus(dir, n, s.Seed); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, ".done"), nil, 0o644)
}

// newRun makes fresh output, cache and home folders for one run.
func (s *Suite) newRun(name string, url, inputs string, args ...string) Run {
	s.runs++
	dir := filepath.Join(s.Work, fmt.Sprintf("run%02d-%s", s.runs, name))
	return Run{Bin: s.Bin, URL: url, Inputs: inputs, Out: filepath.Join(dir, "out"),
		Cache: filepath.Join(dir, "cache"), Home: filepath.Join(dir, "home"), Jobs: s.jobs(), Args: args}
}

// cleanup removes a run's output and cache, so a 10,000-article suite does
// not fill the disk.
func cleanup(r Run) { os.RemoveAll(filepath.Dir(r.Out)) }

// FloorSample is how many of a run's requests are replayed to measure
// the endpoint's own overhead (see Endpoint.Floor).
const FloorSample = 1000

// WallResult is a run against an endpoint with slots, compared with the
// endpoint's physical limit.
type WallResult struct {
	N        int
	Jobs     int
	Wall     time.Duration
	Ideal    time.Duration // Busy / Slots: the endpoint's own limit
	Ratio    float64       // Wall / Ideal
	Requests int           // chat requests served
	Stats    EndpointStats
	Run      Measurement
	// Host is the CPU time the whole machine spent during the run (brief
	// and the fake endpoint together), to tell a CPU-bound machine from
	// a pipeline that leaves slots idle.
	Host time.Duration
	// Endpoint is the CPU time this process (the fake endpoint) spent.
	Endpoint time.Duration
	Timeline Timeline
	// Floor is the endpoint's own overhead: the wall/ideal ratio of a
	// client that does nothing but keep requests open (Endpoint.Floor),
	// the best ratio any client can reach; RatioToFloor is Ratio/Floor,
	// what brief adds on top.
	Floor, RatioToFloor float64
}

// Wall runs n fresh articles with -j jobs (0: s.Jobs) against an endpoint
// with s.Slots slots and s.Latency per request, then measures the
// endpoint's floor on up to FloorSample of the same requests.
func (s *Suite) Wall(ctx context.Context, n, jobs int) (WallResult, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return WallResult{}, err
	}
	e := NewEndpoint(EndpointConfig{Latency: s.Latency, TokenLatency: s.TokenLatency, Slots: s.Slots})
	defer e.Close()
	r := s.newRun(fmt.Sprintf("wall-%d", n), e.URL(), in)
	if jobs > 0 {
		r.Jobs = jobs
	}
	defer cleanup(r)
	s.logf("wall time: %d articles, latency %v, %d slots, -j %d", n, s.Latency, s.Slots, r.Jobs)
	host0, self0 := hostCPU(), selfCPU()
	m, err := r.Exec(ctx)
	host, self := hostCPU()-host0, selfCPU()-self0
	if err != nil {
		return WallResult{}, err
	}
	st := e.Stats()
	res := WallResult{N: n, Jobs: r.Jobs, Wall: m.Wall, Ideal: st.Busy / time.Duration(max(s.Slots, 1)), Requests: st.Total(),
		Stats: st, Run: m, Host: host, Endpoint: self, Timeline: NewTimeline(m, st, s.Slots)}
	if res.Ideal > 0 {
		res.Ratio = float64(res.Wall) / float64(res.Ideal)
	}
	fw, fi, err := e.Floor(ctx, FloorSample, 4*max(s.Slots, 1))
	if err != nil {
		return res, fmt.Errorf("measuring the endpoint's floor: %w", err)
	}
	if fi > 0 {
		res.Floor = float64(fw) / float64(fi)
		res.RatioToFloor = res.Ratio / res.Floor
	}
	return res, nil
}

// CPUResult is brief's own CPU time over a run with an endpoint that
// answers at once.
type CPUResult struct {
	N          int
	Run        Measurement
	PerArticle time.Duration
}

// CPU runs n fresh articles against an endpoint with no latency and
// returns the child's user+system time per article: everything brief does
// except wait.
func (s *Suite) CPU(ctx context.Context, n int) (CPUResult, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return CPUResult{}, err
	}
	e := NewEndpoint(EndpointConfig{Slots: s.jobs()})
	defer e.Close()
	r := s.newRun(fmt.Sprintf("cpu-%d", n), e.URL(), in)
	defer cleanup(r)
	s.logf("CPU time: %d articles, no latency", n)
	m, err := r.Exec(ctx)
	if err != nil {
		return CPUResult{}, err
	}
	return CPUResult{N: n, Run: m, PerArticle: m.CPU() / time.Duration(n)}, nil
}

// RSS runs n fresh articles (no latency) and returns the child's peak RSS.
func (s *Suite) RSS(ctx context.Context, n int) (Measurement, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return Measurement{}, err
	}
	e := NewEndpoint(EndpointConfig{Slots: s.jobs()})
	defer e.Close()
	r := s.newRun(fmt.Sprintf("rss-%d", n), e.URL(), in)
	defer cleanup(r)
	s.logf("peak RSS: %d articles", n)
	return r.Exec(ctx)
}

// CachedResult is a re-run over articles that are all in the cache.
type CachedResult struct {
	N     int
	First Measurement // the run that filled the cache
	Again Measurement // the measured re-run
	// Requests is how many chat requests the re-run made (0 when every
	// translation, summary and the digest came from the cache).
	Requests int
}

// Cached runs n articles once to fill the cache and the output folder,
// then again unchanged: the weekly re-run where nothing is new.
func (s *Suite) Cached(ctx context.Context, n int) (CachedResult, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return CachedResult{}, err
	}
	e := NewEndpoint(EndpointConfig{Slots: s.jobs()})
	defer e.Close()
	r := s.newRun(fmt.Sprintf("cached-%d", n), e.URL(), in)
	defer cleanup(r)
	s.logf("cached re-run: %d articles", n)
	first, err := r.Exec(ctx)
	if err != nil {
		return CachedResult{}, err
	}
	e.Reset()
	again, err := r.Exec(ctx)
	if err != nil {
		return CachedResult{}, err
	}
	return CachedResult{N: n, First: first, Again: again, Requests: e.Stats().Total()}, nil
}

// RateScenario is an endpoint limited per minute and brief told the same
// limits with --rpm and --tpm.
type RateScenario struct {
	Name     string
	N        int
	RPM, TPM int           // the endpoint's limits, and brief's flags
	Window   time.Duration // see EndpointConfig.Window
	// ChargeUsage and RateHeaders as in EndpointConfig.
	ChargeUsage, RateHeaders bool
	// NoFlags runs brief without --rpm/--tpm: only the 429s pace it.
	NoFlags bool
}

// RateResult is how much of a rate-limited endpoint's ceiling a run used.
type RateResult struct {
	Scenario RateScenario
	Run      Measurement
	Stats    EndpointStats
	// RequestShare and TokenShare are the rates achieved over the run
	// (requests or charged tokens per minute of wall time) as a share of
	// RPM and TPM; Share is the larger: the budget that binds.
	RequestShare, TokenShare, Share float64
}

// Rate runs the scenario against an endpoint with s.Latency and s.Slots
// and those limits.
func (s *Suite) Rate(ctx context.Context, sc RateScenario) (RateResult, error) {
	in, err := s.Corpus(sc.N)
	if err != nil {
		return RateResult{}, err
	}
	e := NewEndpoint(EndpointConfig{Latency: s.Latency, TokenLatency: s.TokenLatency, Slots: s.Slots,
		RPM: sc.RPM, TPM: sc.TPM, Window: sc.Window, ChargeUsage: sc.ChargeUsage, RateHeaders: sc.RateHeaders})
	defer e.Close()
	var args []string
	if !sc.NoFlags {
		if sc.RPM > 0 {
			args = append(args, "--rpm", strconv.Itoa(sc.RPM))
		}
		if sc.TPM > 0 {
			args = append(args, "--tpm", strconv.Itoa(sc.TPM))
		}
	}
	r := s.newRun("rate-"+sc.Name, e.URL(), in, args...)
	r.AllowPartial = true
	defer cleanup(r)
	s.logf("rate limits %s: %d articles, rpm %d, tpm %d", sc.Name, sc.N, sc.RPM, sc.TPM)
	m, err := r.Exec(ctx)
	if err != nil {
		return RateResult{}, err
	}
	st := e.Stats()
	res := RateResult{Scenario: sc, Run: m, Stats: st}
	minutes := m.Wall.Minutes()
	if sc.RPM > 0 {
		res.RequestShare = float64(st.Total()) / minutes / float64(sc.RPM)
	}
	if sc.TPM > 0 {
		res.TokenShare = float64(st.Charged) / minutes / float64(sc.TPM)
	}
	res.Share = max(res.RequestShare, res.TokenShare)
	return res, nil
}

// hostCPU is the machine's total CPU time so far (user+system over all
// processes, from /proc/stat); 0 where that is not readable.
func hostCPU() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	var user, nice, system, idle int64
	if _, err := fmt.Sscanf(string(data), "cpu %d %d %d %d", &user, &nice, &system, &idle); err != nil {
		return 0
	}
	// /proc/stat counts in USER_HZ ticks, 100 a second on Linux.
	return time.Duration(user+nice+system) * 10 * time.Millisecond
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
