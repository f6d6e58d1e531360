package batch

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/wiring"
)

// Export finds the requests of the next stage a run with s would send and
// the cache cannot answer (brief batch export); it sends none.
func Export(ctx context.Context, s wiring.Settings, inputs []article.Input) (string, []Line, error) {
	s.Progress = nil
	run, err := wiring.New(s)
	if err != nil {
		return "", nil, err
	}
	if err := run.OpenCache(); err != nil {
		return "", nil, err
	}
	stage, lines, err := Collect(ctx, run, inputs, true)
	if err != nil {
		return "", nil, err
	}
	// Import takes answers only to requests exported with this cache.
	for _, l := range lines {
		if err := requestcache.MarkExported(run.Config.Cache, l.CustomID); err != nil {
			return "", nil, fmt.Errorf("recording the exported requests in the cache: %v", err)
		}
	}
	return stage, lines, nil
}

// Collect finds the requests of run's next stage the cache cannot answer,
// sending none and storing nothing (the steps' results are left to the
// run that reports them). Translations first: every part of every article
// not yet translated (a stand-in answer lets an article's later parts be
// asked for). When none is missing, each article's review and summary, as
// pipeline.Article asks for them; when those are all there, and with
// digest, the digest, which only the run itself asks for (in a scratch
// folder).
func Collect(ctx context.Context, run *wiring.Run, inputs []article.Input, digest bool) (string, []Line, error) {
	cfg := run.Config
	cfg.Cache = cfg.Cache.ReadOnly()
	run.Requests.SetCollecting(true)
	defer run.Requests.SetCollecting(false)
	steps := func(do func(article.Article)) ([]Line, map[string]int) {
		for _, in := range inputs {
			if in.Skip != "" || ctx.Err() != nil {
				continue
			}
			if a, err := cfg.Load(in); err == nil {
				do(a)
			}
		}
		return run.Requests.Collected()
	}
	run.Requests.Placeholder = true
	lines, stages := steps(func(a article.Article) {
		if !cfg.TranslationCached(a) {
			_, _ = cfg.Translator.WithMemory(cfg.Memory()).Translate(ctx, a)
		}
	})
	run.Requests.Placeholder = false
	if len(lines) == 0 {
		lines, stages = steps(func(a article.Article) { _, _ = pipeline.Article(ctx, cfg, a, true) })
	}
	if len(lines) == 0 && digest {
		tmp, err := os.MkdirTemp("", "brief-digest-")
		if err != nil {
			return "", nil, err
		}
		defer os.RemoveAll(tmp)
		cfg.OutDir = tmp
		pipeline.Run(ctx, cfg, inputs)
		lines, stages = run.Requests.Collected()
	}
	return stageNames(stages), lines, nil
}

// stageNames says what the collected requests are for ("summary", or
// "summary and review" with --review).
func stageNames(stages map[string]int) string {
	var names []string
	for _, st := range [][2]string{{"translate", "translation"}, {"summarize", "summary"}, {"review", "review"}, {"digest", "digest"}} {
		if stages[st[0]] > 0 {
			names = append(names, st[1])
		}
	}
	return cmp.Or(strings.Join(names, " and "), "model")
}

// WriteFiles writes lines to path, split into path, path.2.jsonl, ...
// when one file would pass the Batch API's limits.
func WriteFiles(path string, lines []Line) ([]string, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("-o %s is a folder: name the request file to write, e.g. -o requests.jsonl", path)
	}
	parts, err := Files(lines, MaxRequests, MaxBytes)
	if err != nil {
		return nil, err
	}
	var files []string
	for i, data := range parts {
		name := path
		if i > 0 {
			name = fmt.Sprintf("%s.%d.jsonl", strings.TrimSuffix(path, ".jsonl"), i+1)
		}
		if err := atomicfile.Write(name, data, 0o644); err != nil {
			return files, fmt.Errorf("writing %s: %v", name, err)
		}
		files = append(files, name)
	}
	return files, nil
}

// Imported is what Import read: the answers it stored, the lines with no
// usable answer (the first's key and reason), and the answers it refused
// (to requests brief batch export did not write with this cache).
type Imported struct {
	Stored, Failed, Refused    int
	FirstFailure, FirstRefused string
	seen                       map[string]bool
}

// Import reads result files (OpenAI's output and error files, vllm
// run-batch's output) into the cache under each line's custom_id: an
// answer is stored only for a request brief exported with that cache, and
// a repeated custom_id only once. A line with no usable answer is counted
// and left out: the next export or run asks for it again.
func Import(c *cache.Cache, files []string) (Imported, error) {
	n := Imported{seen: map[string]bool{}}
	for _, name := range files {
		if err := n.file(c, name); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (n *Imported) file(c *cache.Cache, name string) error {
	f, _, err := atomicfile.OpenRegular(name)
	if err != nil {
		return fmt.Errorf("result file %s: %v", safetext.Name(name), err)
	}
	defer f.Close()
	return ReadResults(f, filepath.Base(name), func(r Result) error {
		switch {
		case n.seen[r.Key]:
			return nil
		case r.Err != nil:
			if n.Failed++; n.FirstFailure == "" {
				n.FirstFailure = r.Key[:12] + ": " + safetext.Line(r.Err.Error())
			}
			return nil
		case !requestcache.Exported(c, r.Key):
			if n.Refused++; n.FirstRefused == "" {
				n.FirstRefused = r.Key[:12]
			}
			return nil
		}
		n.seen[r.Key] = true
		n.Stored++
		return requestcache.Store(c, r.Key, r.Answer)
	})
}
