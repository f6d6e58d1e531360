package pipeline

import (
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
