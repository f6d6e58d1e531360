package bench

import (
	"container/heap"
	"fmt"
	"time"
)

// Timeline splits a run's wall time into phases as the endpoint saw them,
// to tell where brief left slots idle.
type Timeline struct {
	// Startup is from starting the process to the first chat request:
	// finding and reading inputs, the preflight.
	Startup time.Duration
	// Articles is from the first chat request to the end of the last
	// translate or summarize request; Utilisation is the share of the
	// slots' time busy in it.
	Articles    time.Duration
	Utilisation float64
	// Organize is from the end of the last article request to the first
	// digest request: brief's own work on the whole set of stories
	// (grouping, folding resends, the digest's prompts).
	Organize time.Duration
	// Digest is from the first digest request to the end of the last;
	// DigestRequests is how many it made and DigestRounds how many of
	// them had to wait for the one before.
	Digest         time.Duration
	DigestRequests int
	DigestRounds   int
	// Finish is from the last request's end to the process's exit:
	// writing the briefing and the manifest.
	Finish time.Duration
}

func (t Timeline) String() string {
	return fmt.Sprintf("startup %v · articles %v at %.1f%% slot use · organize %v · digest %v (%d requests in %d rounds) · finish %v",
		t.Startup.Round(time.Millisecond), t.Articles.Round(time.Millisecond), 100*t.Utilisation,
		t.Organize.Round(time.Millisecond), t.Digest.Round(time.Millisecond), t.DigestRequests, t.DigestRounds, t.Finish.Round(time.Millisecond))
}

// NewTimeline replays the served requests through slots first come, first
// served (how llmtest queues them) to find when each ended.
func NewTimeline(m Measurement, st EndpointStats, slots int) Timeline {
	var t Timeline
	if len(st.Arrivals) == 0 {
		t.Finish = m.Wall
		return t
	}
	free := make(timeHeap, max(slots, 1))
	for i := range free {
		free[i] = st.Arrivals[0].At
	}
	heap.Init(&free)
	var lastArticle, lastAny, digestStart, prevDigestEnd time.Time
	var busyArticles time.Duration
	for _, a := range st.Arrivals {
		start := a.At
		if f := free[0]; f.After(start) {
			start = f
		}
		end := start.Add(a.Busy)
		free[0] = end
		heap.Fix(&free, 0)
		if end.After(lastAny) {
			lastAny = end
		}
		if a.Stage == "digest" {
			if t.DigestRequests == 0 {
				digestStart = a.At
			}
			t.DigestRequests++
			if !a.At.Before(prevDigestEnd) {
				t.DigestRounds++
			}
			if end.After(prevDigestEnd) {
				prevDigestEnd = end
			}
			continue
		}
		busyArticles += a.Busy
		if end.After(lastArticle) {
			lastArticle = end
		}
	}
	first := st.Arrivals[0].At
	t.Startup = first.Sub(m.Start)
	t.Articles = lastArticle.Sub(first)
	if t.Articles > 0 {
		t.Utilisation = float64(busyArticles) / float64(t.Articles*time.Duration(max(slots, 1)))
	}
	if t.DigestRequests > 0 && digestStart.After(lastArticle) {
		t.Organize = digestStart.Sub(lastArticle)
		t.Digest = lastAny.Sub(digestStart)
	}
	t.Finish = m.Start.Add(m.Wall).Sub(lastAny)
	return t
}

type timeHeap []time.Time

func (h timeHeap) Len() int           { return len(h) }
func (h timeHeap) Less(i, j int) bool { return h[i].Before(h[j]) }
func (h timeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timeHeap) Push(x any)        { *h = append(*h, x.(time.Time)) }
func (h *timeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
