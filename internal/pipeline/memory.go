package pipeline

import (
	"context"
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
	mem := r.cfg.Memory()
	for _, p := range r.cfg.Translator.Passing(a, tr) {
		if _, err := mem.Remember(p.Source, p.Target); err != nil {
			if r.cfg.Progress == nil {
				return
			}
			r.cfg.Progress.Logf("warning: cannot store a paragraph in the translation memory: %v", err)
			return
		}
	}
}

// inFlight lets an article wait, before it is translated, for the articles
// dispatched before it that are translating one of its paragraphs right
// now: an update started while its first version is still in flight then
// takes the repeated paragraphs from the memory instead of paying for them
// again, and reads the same. Only earlier articles are waited for, so no
// two articles ever wait for each other; it holds only the paragraphs of
// articles in flight.
type inFlight struct {
	mu     sync.Mutex
	owners map[string]*claim // normalised paragraph → who translates it
	// waiting counts the articles waiting now (a test waits for it).
	waiting int
}

type claim struct {
	index int
	done  chan struct{}
}

// await waits for the earlier articles translating one of paras, then
// claims those no other article translates; release ends the claim (and
// may be called more than once).
func (f *inFlight) await(ctx context.Context, index int, paras []string) (release func()) {
	keys := make([]string, len(paras))
	for i, p := range paras {
		keys[i] = tm.Normalize(p)
	}
	f.mu.Lock()
	if f.owners == nil {
		f.owners = map[string]*claim{}
	}
	var waits []chan struct{}
	for _, k := range keys {
		if c, ok := f.owners[k]; ok && c.index < index {
			waits = append(waits, c.done)
		}
	}
	f.waiting += min(len(waits), 1)
	f.mu.Unlock()
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
		}
	}
	f.mu.Lock()
	f.waiting -= min(len(waits), 1)
	f.mu.Unlock()
	mine := &claim{index: index, done: make(chan struct{})}
	var took []string
	f.mu.Lock()
	for _, k := range keys {
		if _, ok := f.owners[k]; !ok {
			f.owners[k] = mine
			took = append(took, k)
		}
	}
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			for _, k := range took {
				delete(f.owners, k)
			}
			f.mu.Unlock()
			close(mine.done)
		})
	}
}
