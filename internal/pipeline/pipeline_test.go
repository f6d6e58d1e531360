package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/internal/wiring"
)

// writeArticles writes n small wire-format articles and returns their jobs.
func writeArticles(t *testing.T, n int) (string, []article.Input) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("nyhed-%03d.txt", i))
		text := fmt.Sprintf(" date 2026-%02d Artikel nummer %d om kommunens budget.\n\nByrådet i kommune %d vedtog tirsdag et budget på %d millioner kroner.\n\nBorgmesteren kalder det et ansvarligt budget.\n\n/ritzau/", i%12+1, i, i, 100+i)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	ids := article.UniqueIDs(paths)
	jobs := make([]article.Input, n)
	for i := range paths {
		jobs[i] = article.Input{Path: paths[i], ID: ids[i]}
	}
	return dir, jobs
}

// newConfig wires a run the way `brief run` does, against the fake
// endpoint, with fast retries.
func newConfig(t *testing.T, srv *llmtest.Server, c *cache.Cache) pipeline.Config {
	t.Helper()
	s := wiring.Defaults()
	s.Client.BaseURL, s.Client.Model = srv.URL(), llmtest.Model
	s.Client.Retries, s.Client.Backoff, s.Client.MaxBackoff = 1, time.Millisecond, time.Millisecond
	s.Out, s.Concurrency, s.CacheDir = filepath.Join(t.TempDir(), "out"), 3, ""
	run, err := wiring.New(s)
	if err != nil {
		t.Fatal(err)
	}
	run.Config.Cache = c
	return run.Config
}

func readManifest(t *testing.T, dir string) manifest.Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNeverMoreRequestsInFlightThanConcurrency(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithLatency(5*time.Millisecond, 0))
	_, jobs := writeArticles(t, 30)
	cfg := newConfig(t, srv, nil)
	out := pipeline.Run(context.Background(), cfg, jobs)
	if out.Fatal != nil || out.Failed() {
		t.Fatalf("run failed: %+v %v", out.Manifest.Totals, out.Fatal)
	}
	if got := srv.MaxInFlight(); got > cfg.Concurrency {
		t.Errorf("%d requests in flight at once with -j %d", got, cfg.Concurrency)
	}
	if got := srv.MaxInFlight(); got < 2 {
		t.Errorf("at most %d request in flight: the pool does not run articles in parallel", got)
	}
	if out.Manifest.Totals.OK != 30 {
		t.Errorf("%d ok, want 30", out.Manifest.Totals.OK)
	}
}

func TestManifestEntriesFollowInputOrderWhateverFinishesFirst(t *testing.T) {
	// The first articles are the slowest, so they finish last. (Each is
	// known by its budget, 100+i, a number its translation keeps: both its
	// translate and its summarize request are slow.)
	const n = 12
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		r := llmtest.Default(req)
		for i := 0; i < n; i++ {
			if strings.Contains(req.Messages[len(req.Messages)-1].Content, fmt.Sprintf(" %d ", 100+i)) {
				r.Latency = time.Duration(n-i) * 20 * time.Millisecond
			}
		}
		return r
	}))
	_, jobs := writeArticles(t, n)
	cfg := newConfig(t, srv, nil)
	cfg.Concurrency = 4
	var mu sync.Mutex
	var finished []string
	cfg.Progress = &recorder{done: func(source string) {
		mu.Lock()
		defer mu.Unlock()
		finished = append(finished, source)
	}}
	pipeline.Run(context.Background(), cfg, jobs)
	inOrder := make([]string, n)
	for i, j := range jobs {
		inOrder[i] = j.Path
	}
	if len(finished) != n || slices.Equal(finished, inOrder) {
		t.Fatalf("finish order %q: the test needs articles to finish out of input order", finished)
	}
	m := readManifest(t, cfg.OutDir)
	if len(m.Entries) != n {
		t.Fatalf("%d manifest entries, want %d", len(m.Entries), n)
	}
	for i, e := range m.Entries {
		if e.Source != jobs[i].Path || e.Output != "articles/"+jobs[i].ID+".md" || e.Status != manifest.StatusOK {
			t.Fatalf("entry %d is %s -> %s (%s), want %s", i, e.Source, e.Output, e.Status, jobs[i].Path)
		}
	}
}

// recorder is a progress reporter that tells done which article finished.
type recorder struct{ done func(source string) }

func (r *recorder) Done(status, source, detail string) { r.done(source) }
func (r *recorder) Logf(format string, args ...any)    {}
func (r *recorder) Finish()                            {}

func TestFatalErrorStopsTheRunOnceAndKeepsWhatFinished(t *testing.T) {
	var calls atomic.Int32
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		// the first article's two calls work, then the key is revoked
		if calls.Add(1) > 2 {
			return llmtest.Error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided")
		}
		return llmtest.Default(req)
	}))
	_, jobs := writeArticles(t, 10)
	cfg := newConfig(t, srv, nil)
	cfg.Concurrency = 1
	out := pipeline.Run(context.Background(), cfg, jobs)
	if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), "API key") {
		t.Fatalf("fatal error %v, want the API key message", out.Fatal)
	}
	if n := srv.Count(); n > 4 {
		t.Errorf("%d requests: the run went on sending after a fatal answer", n)
	}
	m := readManifest(t, cfg.OutDir)
	if m.Totals.OK != 1 || m.Totals.Pending != 9 || m.Totals.Failed != 0 {
		t.Errorf("totals %+v, want 1 ok and 9 pending (not failed: they are not at fault)", m.Totals)
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir, "articles", jobs[0].ID+".md")); err != nil {
		t.Errorf("the article that finished was not kept: %v", err)
	}
	b, _ := os.ReadFile(filepath.Join(cfg.OutDir, "briefing.md"))
	if !strings.Contains(string(b), jobs[0].ID) {
		t.Errorf("the briefing does not show the finished article")
	}
}

func TestDigestFailureStillWritesTheBriefing(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if llmtest.Stage(req) == "digest" {
			return llmtest.Error(400, "invalid_request_error", "", "bad request")
		}
		return llmtest.Default(req)
	}))
	_, jobs := writeArticles(t, 2)
	cfg := newConfig(t, srv, nil)
	out := pipeline.Run(context.Background(), cfg, jobs)
	if out.DigestErr == nil || !out.Failed() {
		t.Fatalf("digest error not reported: %+v", out)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, "briefing.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "digest could not be written") {
		t.Errorf("the briefing does not say why it has no digest:\n%s", b)
	}
}

func TestCachedRerunMakesNoCallsAndWritesTheSameBytes(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 5)
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(t, srv, c)
	pipeline.Run(context.Background(), cfg, jobs)
	first, _ := os.ReadFile(filepath.Join(cfg.OutDir, "briefing.md"))
	calls := srv.Count()

	out := pipeline.Run(context.Background(), cfg, jobs)
	if srv.Count() != calls {
		t.Errorf("re-run made %d model calls", srv.Count()-calls)
	}
	if out.Manifest.Totals.Cached != 5 {
		t.Errorf("totals %+v, want 5 cached", out.Manifest.Totals)
	}
	again, _ := os.ReadFile(filepath.Join(cfg.OutDir, "briefing.md"))
	if string(again) != string(first) {
		t.Errorf("the briefing changed on an unchanged re-run")
	}
}

func TestLeftoverTempFilesOfAKilledRunAreRemoved(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 1)
	cfg := newConfig(t, srv, nil)
	os.MkdirAll(filepath.Join(cfg.OutDir, "articles"), 0o755)
	stale := filepath.Join(cfg.OutDir, "articles", ".x.md.tmp-123")
	os.WriteFile(stale, []byte("half"), 0o644)
	pipeline.Run(context.Background(), cfg, jobs)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file survived the run")
	}
}

func TestCancelledRunMarksTheRestPendingAndMakesNoDigestCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if calls.Add(1) == 4 { // after the first two articles
			cancel()
			return llmtest.Reply{Hang: true}
		}
		return llmtest.Default(req)
	}))
	_, jobs := writeArticles(t, 6)
	cfg := newConfig(t, srv, nil)
	cfg.Concurrency = 1
	out := pipeline.Run(ctx, cfg, jobs)
	if !out.Interrupted || out.Fatal != nil {
		t.Fatalf("outcome %+v", out)
	}
	m := readManifest(t, cfg.OutDir)
	if !m.Interrupted || m.Totals.OK != 1 || m.Totals.Pending != 5 {
		t.Errorf("manifest interrupted=%v totals %+v, want 1 ok and 5 pending", m.Interrupted, m.Totals)
	}
	for _, r := range srv.Requests() {
		if r.Stage == "digest" {
			t.Error("an interrupted run asked for a digest")
		}
	}
}

func TestStrictFailsACachedTranslationWithWarnings(t *testing.T) {
	// a translation that loses the budget's number: a warning
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		r := llmtest.Default(req)
		if llmtest.Stage(req) == "translate" {
			r.Content = strings.Replace(r.Content, " 100 ", " many ", 1)
		}
		return r
	}))
	_, jobs := writeArticles(t, 1)
	c, _ := cache.Open(t.TempDir())
	cfg := newConfig(t, srv, c)
	if out := pipeline.Run(context.Background(), cfg, jobs); out.Manifest.Totals.OK != 1 || len(out.Manifest.Entries[0].Warnings) == 0 {
		t.Fatalf("lenient run: %+v", out.Manifest.Entries)
	}
	cfg.Strict = true
	out := pipeline.Run(context.Background(), cfg, jobs)
	if out.Manifest.Totals.Failed != 1 || !strings.Contains(out.Manifest.Entries[0].Error, "--strict") {
		t.Errorf("strict re-run over a cached translation with warnings: %+v", out.Manifest.Entries[0])
	}
}

func TestFatalErrorStillFinishesWhatTheCacheHolds(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 4)
	c, _ := cache.Open(t.TempDir())
	cfg := newConfig(t, srv, c)
	pipeline.Run(context.Background(), cfg, jobs[:3]) // last week: three articles done

	srv.SetHandler(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Error(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided")
	})
	out := pipeline.Run(context.Background(), cfg, jobs) // this week: one new article, and the key is gone
	if out.Fatal == nil {
		t.Fatal("no fatal error")
	}
	m := readManifest(t, cfg.OutDir)
	if m.Totals.Cached != 3 || m.Totals.Pending != 1 {
		t.Errorf("totals %+v, want the 3 cached articles kept and 1 pending", m.Totals)
	}
	if m.Interrupted || !strings.Contains(m.Stopped, "API key") {
		t.Errorf("interrupted=%v stopped=%q: a fatal error is not an interruption, and must be named", m.Interrupted, m.Stopped)
	}
	for _, e := range m.Entries {
		if e.Status == manifest.StatusPending && !strings.Contains(e.Error, "API key") {
			t.Errorf("pending entry without the reason: %+v", e)
		}
	}
	b, _ := os.ReadFile(filepath.Join(cfg.OutDir, "briefing.md"))
	for _, j := range jobs[:3] {
		if !strings.Contains(string(b), "articles/"+j.ID+".md") {
			t.Errorf("the briefing lost cached story %s after a fatal error", j.ID)
		}
	}
}

func TestCtrlCDuringTheDigestIsAnInterruption(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if llmtest.Stage(req) == "digest" {
			cancel()
			return llmtest.Reply{Hang: true}
		}
		return llmtest.Default(req)
	}))
	_, jobs := writeArticles(t, 2)
	cfg := newConfig(t, srv, nil)
	out := pipeline.Run(ctx, cfg, jobs)
	if !out.Interrupted {
		t.Fatalf("Ctrl-C during the digest was not reported as an interruption: %+v", out)
	}
	m := readManifest(t, cfg.OutDir)
	if !m.Interrupted || m.Totals.OK != 2 || m.Digest.Error == "" {
		t.Errorf("manifest interrupted=%v totals %+v digest %+v", m.Interrupted, m.Totals, m.Digest)
	}
}

func TestDeadlineCancelsRequestsInFlight(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if strings.Contains(req.Messages[len(req.Messages)-1].Content, "kommune 1 ") {
			return llmtest.Reply{Hang: true}
		}
		return llmtest.Default(req)
	}))
	_, jobs := writeArticles(t, 2)
	cfg := newConfig(t, srv, nil)
	// The deadline is the one clock here: long enough that the healthy
	// article finishes on a loaded 2-core machine with -race (500 ms did
	// not, once), short enough that the hung one is cut well before the
	// test's own timeout.
	cfg.Budget.Deadline = time.Now().Add(3 * time.Second)
	out := pipeline.Run(context.Background(), cfg, jobs)
	m := readManifest(t, cfg.OutDir)
	if m.Totals.OK != 1 || m.Totals.Pending != 1 || !strings.Contains(out.Stopped, "deadline") {
		t.Errorf("totals %+v stopped %q: want the hung article left pending by the deadline", m.Totals, out.Stopped)
	}
	if out.Interrupted {
		t.Error("a deadline is not an interruption")
	}
}

func TestManifestTotalsIncludeTheDigest(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 2)
	cfg := newConfig(t, srv, nil)
	pipeline.Run(context.Background(), cfg, jobs)
	m := readManifest(t, cfg.OutDir)
	if m.Digest.Requests != 1 || m.Totals.Requests != srv.Count() {
		t.Errorf("digest %+v, total requests %d, the endpoint saw %d", m.Digest, m.Totals.Requests, srv.Count())
	}
}

// A --max-tokens budget used up to the token starts no further article:
// "used up" is reaching the budget, not passing it.
func TestTokenBudgetReachedExactlyStartsNoMoreArticles(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 3)
	cfg := newConfig(t, srv, nil)
	one := pipeline.Run(context.Background(), cfg, jobs[:1])
	cost := one.Manifest.Entries[0].Usage.Total()
	if cost == 0 {
		t.Fatal("the fake reported no tokens")
	}

	cfg = newConfig(t, srv, nil)
	cfg.Concurrency, cfg.Budget.MaxTokens = 1, cost
	out := pipeline.Run(context.Background(), cfg, jobs)
	if m := out.Manifest.Totals; m.OK != 1 || m.Pending != 2 || !strings.Contains(out.Stopped, "max-tokens") {
		t.Errorf("totals %+v stopped %q: with a budget of exactly one article's %d tokens, want 1 ok and 2 pending", m, out.Stopped, cost)
	}
}

// A greedy answer and a sampled one are not the same answer: another
// --temperature misses the cache; the same one hits it.
func TestAnotherTemperatureIsAnotherCacheEntry(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 1)
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range []struct {
		temp   float64
		cached int
	}{{0, 0}, {0.7, 0}, {0.7, 1}, {0, 1}} {
		cfg := newConfig(t, srv, c)
		cfg.Temperature = run.temp
		if got := pipeline.Run(context.Background(), cfg, jobs).Manifest.Totals.Cached; got != run.cached {
			t.Errorf("temperature %g: %d cached, want %d", run.temp, got, run.cached)
		}
	}
}

// The tidy-up removes the page of an input that is gone only while it holds
// the bytes brief wrote: one the editor rewrote stays.
func TestTidyKeepsAPageTheEditorRewrote(t *testing.T) {
	srv := llmtest.New(t)
	_, jobs := writeArticles(t, 3)
	cfg := newConfig(t, srv, nil)
	pipeline.Run(context.Background(), cfg, jobs)
	mine := filepath.Join(cfg.OutDir, "articles", jobs[1].ID+".md")
	if err := os.WriteFile(mine, []byte("my own notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pipeline.Run(context.Background(), cfg, jobs[:1])
	if data, err := os.ReadFile(mine); err != nil || string(data) != "my own notes\n" {
		t.Errorf("the editor's rewritten page was removed or changed: %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir, "articles", jobs[2].ID+".md")); err == nil {
		t.Error("the page brief wrote for an input that is gone was kept")
	}
}

// longArticle is one article that goes in several parts, and a run of it
// wired as brief run opens its cache (the requests' answers too), one cache
// for every run of the test.
func longArticle(t *testing.T) ([]article.Input, func(srv *llmtest.Server) pipeline.Config) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(" date 2026-11 Byrådet vedtog budgettet efter en lang debat.\n\n")
	for i := range 60 {
		fmt.Fprintf(&b, "Byrådet i kommune %d drøftede i aftes budgettet for det kommende år, og borgmesteren sagde, at der er brug for %d nye lærere og flere penge til ældreplejen.\n\n", i, i+10)
	}
	b.WriteString("/ritzau/\n")
	path := filepath.Join(dir, "lang.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	return []article.Input{{Path: path, ID: "lang"}}, func(srv *llmtest.Server) pipeline.Config {
		s := wiring.Defaults()
		s.Client.BaseURL, s.Client.Model = srv.URL(), llmtest.Model
		s.Out, s.CacheDir = filepath.Join(t.TempDir(), "out"), cacheDir
		run, err := wiring.New(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := run.OpenCache(); err != nil {
			t.Fatal(err)
		}
		return run.Config
	}
}

func translateRequests(srv *llmtest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Stage == "translate" {
			n++
		}
	}
	return n
}

// An answer is paid for once: a run interrupted while an article is being
// translated keeps the answers that arrived, and the next run asks only
// for the rest (a run interrupted in its checks, after the last answer,
// asks for none).
func TestAnInterruptedArticlesAnswersAreNotPaidForAgain(t *testing.T) {
	jobs, _ := longArticle(t)
	whole := llmtest.New(t) // how many parts, on a cache of its own
	pipeline.Run(context.Background(), newConfig(t, whole, nil), jobs)
	parts := translateRequests(whole)
	if parts < 3 {
		t.Fatalf("the article went in %d parts; the test needs three or more", parts)
	}

	jobs, config := longArticle(t)
	ctx, cancel := context.WithCancel(context.Background())
	var asked atomic.Int32
	first := llmtest.New(t, llmtest.WithHandler(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if llmtest.Stage(req) == "translate" && asked.Add(1) == int32(parts) {
			cancel() // Ctrl-C with every part but the last answered
			return llmtest.Reply{Hang: true}
		}
		return llmtest.Default(req)
	}))
	if out := pipeline.Run(ctx, config(first), jobs); !out.Interrupted {
		t.Fatalf("the first run was not interrupted: %+v", out)
	}
	again := llmtest.New(t)
	cfg := config(again)
	pipeline.Run(context.Background(), cfg, jobs)
	if got := translateRequests(again); got != 1 {
		t.Errorf("the run after the interruption sent %d translate requests, want 1: the %d answered before it were paid again", got, parts-1)
	}
	if m := readManifest(t, cfg.OutDir); m.Totals.OK != 1 {
		t.Errorf("totals %+v, want the article done", m.Totals)
	}
}

// The answers of an article that failed are not kept: its retry asks anew
// (a model at temperature 0.2 may answer better), instead of getting the
// same failed translation from the cache.
func TestAFailedArticleIsAskedAnew(t *testing.T) {
	jobs, config := longArticle(t)
	danish := llmtest.New(t, llmtest.WithHandler(llmtest.Untranslated))
	pipeline.Run(context.Background(), config(danish), jobs)
	again := llmtest.New(t)
	cfg := config(again)
	pipeline.Run(context.Background(), cfg, jobs)
	if m := readManifest(t, cfg.OutDir); m.Totals.OK != 1 || translateRequests(again) != translateRequests(danish) {
		t.Errorf("the retry of a failed article sent %d translate requests (the failed run %d), totals %+v: want all asked anew and the article done",
			translateRequests(again), translateRequests(danish), m.Totals)
	}
}
