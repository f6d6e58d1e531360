package pipeline

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/translate"
)

// Memory is the run's translation memory: paragraphs translated before
// the same way (model, --cache-tag, prompts, glossary, languages, the
// identity the cache keys translations by), kept in the cache; nil with
// --no-cache or --no-memory.
func (cfg Config) Memory() *tm.Memory {
	if cfg.NoMemory {
		return nil
	}
	return tm.New(cfg.Cache, cfg.From, cfg.Lang, append([]string{cfg.Translator.PromptHash()}, cfg.identity()...)...)
}

// remember stores the paragraphs of a's translation that passed QA (see
// translate.Translator.Passing), fresh or from the cache, so the next
// article repeating one is not sent it. A translation already remembered
// keeps its first wording.
func (r *runner) remember(a article.Article, tr translate.Result) {
	for _, p := range r.cfg.Translator.Passing(a, tr) {
		if _, err := r.mem.Remember(p.Source, p.Target); err != nil {
			r.cfg.Progress.Logf("warning: cannot store a paragraph in the translation memory: %v", err)
			return
		}
	}
}

// claim waits until no other article is translating one of a's long
// paragraphs, and holds them while a is translated (see inFlight).
func (r *runner) claim(ctx context.Context, a article.Article) (release func()) {
	src := translate.Original(a)
	if r.mem == nil || len(src) > translate.MemoryParagraphs {
		return func() {}
	}
	return r.inFlight.await(ctx, worthWaitingFor(src))
}

// inFlight lets an article wait, before it is translated, for the articles
// translating one of its paragraphs right now: an update started while its
// first version is still in flight then takes the repeated paragraphs from
// the memory instead of paying for them again, and reads the same. No two
// articles wait for each other: an article claims its paragraphs only once
// it waits for nothing, so whoever holds a claim is translating, not
// waiting. It holds only the paragraphs of articles in flight.
type inFlight struct {
	mu     sync.Mutex
	owners map[string]chan struct{} // normalised paragraph → closed when its translator is done
	// waiting counts the articles waiting now (a test waits for it).
	waiting int
}

// await waits until no other article translates one of paras, then claims
// them; release ends the claim (and may be called more than once). When
// ctx ends while it waits it stops waiting and claims nothing.
func (f *inFlight) await(ctx context.Context, paras []string) (release func()) {
	keys := make([]string, len(paras))
	for i, p := range paras {
		keys[i] = tm.Normalize(p)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		i := slices.IndexFunc(keys, func(k string) bool { return f.owners[k] != nil })
		if i < 0 {
			break
		}
		busy := f.owners[keys[i]]
		f.waiting++
		f.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
		}
		f.mu.Lock()
		f.waiting--
		if ctx.Err() != nil {
			return func() {}
		}
	}
	if f.owners == nil {
		f.owners = map[string]chan struct{}{}
	}
	done := make(chan struct{})
	for _, k := range keys {
		f.owners[k] = done
	}
	// No other article claims a key this one holds, so release deletes
	// only its own claims.
	return sync.OnceFunc(func() {
		f.mu.Lock()
		for _, k := range keys {
			delete(f.owners, k)
		}
		f.mu.Unlock()
		close(done)
	})
}

// worthWaitingFor are the paragraphs an article waits for another to
// translate: those of eight words or more. A one-line paragraph that
// many stories share ("Det oplyser politiet.") saves a few tokens, and
// waiting for it would line unrelated articles up one after another.
func worthWaitingFor(paras []string) []string {
	var long []string
	for _, p := range paras {
		if len(strings.Fields(p)) >= 8 {
			long = append(long, p)
		}
	}
	return long
}
