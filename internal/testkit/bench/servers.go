package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ServerSpec is one fake server of a run over several.
type ServerSpec struct {
	Slots   int
	Latency time.Duration
}

// ServersResult is a run over several servers.
type ServersResult struct {
	N       int
	Servers []ServerSpec
	// Served is each server's count of chat requests.
	Served []int
	Wall   time.Duration
	// Ideal is the requests over the servers' joint rate (the sum of
	// Slots/Latency): the shortest any client could take.
	Ideal time.Duration
	Ratio float64
	// ArticlesWall is from brief's start to the end of the last translate
	// or summarize request (the phase the servers' slots carry, before
	// the briefing is organised and digested); ArticlesIdeal is those
	// requests over the joint rate, and ArticlesRatio the two's ratio.
	ArticlesWall, ArticlesIdeal time.Duration
	ArticlesRatio               float64
	// Killed is the server stopped mid-run (-1: none) and KilledAfter how
	// many requests it had served then.
	Killed, KilledAfter int
	Run                 Measurement
}

// Servers runs n articles over the servers, given to brief as the config
// file's endpoints list (each with its slots as concurrency). With kill >= 0
// that server is stopped (connections cut, nothing listening) once it has
// served a quarter of its fair share of the requests.
func (s *Suite) Servers(ctx context.Context, n int, specs []ServerSpec, kill int) (ServersResult, error) {
	in, err := s.Corpus(n)
	if err != nil {
		return ServersResult{}, err
	}
	eps := make([]*Endpoint, len(specs))
	var cfg strings.Builder
	cfg.WriteString("endpoints:\n")
	rate := 0.0
	for i, sp := range specs {
		eps[i] = NewEndpoint(EndpointConfig{Latency: sp.Latency, Slots: sp.Slots})
		defer eps[i].Close()
		fmt.Fprintf(&cfg, "  - base-url: %s\n    concurrency: %d\n", eps[i].URL(), sp.Slots)
		rate += float64(sp.Slots) / sp.Latency.Seconds()
	}
	dir := filepath.Join(s.Work, fmt.Sprintf("servers-%d", len(specs)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ServersResult{}, err
	}
	conf := filepath.Join(dir, "brief.yaml")
	if err := os.WriteFile(conf, []byte(cfg.String()), 0o644); err != nil {
		return ServersResult{}, err
	}
	// No URL: the child's $OPENAI_BASE_URL is empty, so the endpoints
	// list names the servers. -j 1: brief fills the slots by itself.
	r := s.newRun("servers", "", in, "--config", conf)
	r.Jobs = 1
	defer cleanup(r)
	res := ServersResult{N: n, Servers: specs, Killed: kill}
	stop := make(chan struct{})
	defer close(stop)
	if kill >= 0 {
		share := int(float64(2*n) * float64(specs[kill].Slots) / specs[kill].Latency.Seconds() / rate)
		go func() {
			for eps[kill].Stats().Total() < max(share/4, 1) {
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
			res.KilledAfter = eps[kill].Stats().Total()
			eps[kill].Close()
		}()
	}
	s.logf("servers: %d articles over %d servers (kill %d)", n, len(specs), kill)
	m, err := r.Exec(ctx)
	if err != nil {
		return res, err
	}
	res.Run, res.Wall = m, m.Wall
	total := 0
	for _, e := range eps {
		c := e.Stats().Total()
		res.Served = append(res.Served, c)
		total += c
	}
	res.Ideal = time.Duration(float64(total) / rate * float64(time.Second))
	res.Ratio = float64(res.Wall) / float64(max(res.Ideal, 1))
	res.articlePhase(m.Start, eps, rate)
	return res, nil
}

// articlePhase measures the article phase from the endpoints' arrivals.
func (r *ServersResult) articlePhase(start time.Time, eps []*Endpoint, rate float64) {
	var end time.Time
	n := 0
	for _, e := range eps {
		for _, a := range e.Stats().Arrivals {
			if a.Stage != "translate" && a.Stage != "summarize" {
				continue
			}
			n++
			if t := a.At.Add(a.Busy); t.After(end) {
				end = t
			}
		}
	}
	if n == 0 || start.IsZero() {
		return
	}
	r.ArticlesWall = end.Sub(start)
	r.ArticlesIdeal = time.Duration(float64(n) / rate * float64(time.Second))
	r.ArticlesRatio = float64(r.ArticlesWall) / float64(max(r.ArticlesIdeal, 1))
}

// DescribeServers is one line about a run over several servers.
func DescribeServers(r ServersResult) string {
	var parts []string
	for i, sp := range r.Servers {
		parts = append(parts, fmt.Sprintf("%d slots at %v: %d requests", sp.Slots, sp.Latency, r.Served[i]))
	}
	kill := ""
	if r.Killed >= 0 {
		kill = fmt.Sprintf("; server %d killed after %d requests", r.Killed+1, r.KilledAfter)
	}
	return fmt.Sprintf("%d articles over %s%s: wall %v, ideal %v, ratio %.3f; article phase %v, ideal %v, ratio %.3f; %d ok, %d failed, exit %d",
		r.N, strings.Join(parts, ", "), kill, r.Wall.Round(time.Millisecond), r.Ideal.Round(time.Millisecond), r.Ratio,
		r.ArticlesWall.Round(time.Millisecond), r.ArticlesIdeal.Round(time.Millisecond), r.ArticlesRatio,
		r.Run.Totals.OK, r.Run.Totals.Failed, r.Run.ExitCode)
}
