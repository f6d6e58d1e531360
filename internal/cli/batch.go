package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/wiring"
)

func newBatchCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "batch",
		Short: "Run the model requests elsewhere: Batch API request and result files",
		Long: `brief batch export writes the model requests a run still needs, in the Batch
API's JSONL format (OpenAI's /v1/batches, vllm run-batch); brief batch import
reads the result file into the cache. Then brief run builds everything from
the cache with no model call. The loop: export (translations), run the file,
import; export (summaries), run, import; export (the digest), run, import;
brief run.`,
	}
	cmd.AddCommand(newBatchExportCmd(io), newBatchImportCmd(io))
	return cmd
}

func newBatchExportCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "export PATH... -o requests.jsonl",
		Short: "Write the requests of the next stage (translations, summaries, the digest) to a JSONL file",
		Long: `Writes the model requests the next stage needs, as brief run would send them
(same flags), to a Batch API request file; calls nothing. Each line's custom_id
is the request's cache key. Translations come first; once their results are
imported, the summaries; then the digest.

Exit codes: 0 requests written, or nothing left to do; 1 bad flags or input.`,
		Example: `  brief batch export ./articles -o requests.jsonl
  vllm run-batch -i requests.jsonl -o results.jsonl --model Qwen/Qwen2.5-7B-Instruct
  brief batch import results.jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.configure(cmd); err != nil {
				return err
			}
			return runExport(cmd.Context(), io, o, args)
		},
	}
	o.registerRun(cmd.Flags())
	// -o is the request file here; a config file's `out` (the briefing
	// folder) must not become it.
	out := cmd.Flags().Lookup("out")
	out.Usage, out.DefValue = "the request file to write (split into FILE, FILE.2.jsonl, ... past the Batch API's limits)", "requests.jsonl"
	_ = out.Value.Set(out.DefValue)
	out.Changed = true
	return cmd
}

func runExport(ctx context.Context, io *iostreams.IOStreams, o *options, paths []string) error {
	start := time.Now()
	_, inputs, period, err := o.inputs(paths, start)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "brief-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s := o.settings(start, period, nil)
	s.Out, s.Collect = tmp, true
	run, err := wiring.New(s)
	if err != nil {
		return err
	}
	if err := run.OpenCache(); err != nil {
		return err
	}
	c := run.Config.Cache
	stage, lines := collectRequests(ctx, run, inputs)
	if err := ctx.Err(); err != nil {
		return reported{err}
	}
	if len(lines) == 0 {
		fmt.Fprintln(io.ErrOut, "brief: nothing to export: the cache answers every request; brief run builds everything from it")
		return nil
	}
	for _, l := range lines {
		if err := requestcache.MarkExported(c, l.CustomID); err != nil {
			return fmt.Errorf("recording the exported requests in the cache: %v", err)
		}
	}
	files, err := writeRequestFiles(o.Out, lines)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.ErrOut, "brief: %s → %s; run them (e.g. vllm run-batch -i FILE -o results.jsonl), then: brief batch import results.jsonl\n",
		requests(len(lines), stage), strings.Join(files, ", "))
	for _, f := range files {
		fmt.Fprintln(io.Out, f)
	}
	return nil
}

// collectRequests finds the requests of the next stage the cache cannot
// answer. Translations first: every part of every article not yet
// translated (a stand-in answer lets an article's later parts be asked
// for). When none is missing, the run itself, in a scratch folder,
// collects the summaries, and when those are all there, the digest.
func collectRequests(ctx context.Context, run *wiring.Run, inputs []article.Input) (string, []batch.Line) {
	// The steps' results are left to the run that reports them: this one
	// reads the cache and stores nothing.
	run.Config.Cache = run.Config.Cache.ReadOnly()
	cfg := run.Config
	run.Requests.Placeholder = true
	for _, in := range inputs {
		if in.Skip != "" || ctx.Err() != nil {
			continue
		}
		a, err := cfg.Load(in)
		if err != nil || cfg.TranslationCached(a) {
			continue
		}
		_, _ = cfg.Translator.WithMemory(cfg.Memory()).Translate(ctx, a)
	}
	if lines, _ := run.Requests.Collected(); len(lines) > 0 {
		return "translation", lines
	}
	run.Requests.Placeholder = false
	pipeline.Run(ctx, cfg, inputs)
	lines, stages := run.Requests.Collected()
	return stageNames(stages), lines
}

// requests is "1 digest request", "12 translation requests".
func requests(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s request", what)
	}
	return fmt.Sprintf("%d %s requests", n, what)
}

// stageNames says what the collected requests are for ("summary", or
// "summary and review" with --review).
func stageNames(stages map[string]int) string {
	var names []string
	for _, st := range []string{"translate", "summarize", "review", "digest"} {
		if stages[st] == 0 {
			continue
		}
		switch st {
		case "translate":
			names = append(names, "translation")
		case "summarize":
			names = append(names, "summary")
		default:
			names = append(names, st)
		}
	}
	if len(names) == 0 {
		return "model"
	}
	return strings.Join(names, " and ")
}

// writeRequestFiles writes lines to path, split into path, path.2.jsonl, ...
// when one file would pass the Batch API's limits.
func writeRequestFiles(path string, lines []batch.Line) ([]string, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("-o %s is a folder: name the request file to write, e.g. -o requests.jsonl", path)
	}
	parts := batch.Split(lines, batch.MaxRequests, batch.MaxBytes)
	var files []string
	for i, part := range parts {
		name := path
		if i > 0 {
			name = fmt.Sprintf("%s.%d.jsonl", strings.TrimSuffix(path, ".jsonl"), i+1)
		}
		data, err := batch.Encode(part)
		if err != nil {
			return files, err
		}
		if err := atomicfile.Write(name, data, 0o644); err != nil {
			return files, fmt.Errorf("writing %s: %v", name, err)
		}
		files = append(files, name)
	}
	return files, nil
}

func newBatchImportCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "import RESULTS.jsonl...",
		Short: "Read Batch API result files into the cache",
		Long: `Reads result files (OpenAI's batch output and error files, vllm run-batch's
output) into the cache, keyed by each line's custom_id. Only answers to
requests brief batch export wrote with the same cache are taken (a line
repeated counts once); any other line is refused and counted. A line with an
error or an unusable answer is reported and left out: the next export or run
asks for it again.

Exit codes: 0 every line imported; 1 a file is unreadable or not a result
file; 2 some lines had no usable answer or were refused.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.layer(cmd.Flags()); err != nil {
				return err
			}
			return runImport(io, o.CacheDir, args)
		},
	}
	cmd.Flags().StringVar(&o.ConfigFile, "config", "", "config file (its cache-dir is used)")
	cmd.Flags().StringVar(&o.CacheDir, "cache-dir", cache.DefaultDir(), "the cache to import into")
	return cmd
}

func runImport(io *iostreams.IOStreams, dir string, files []string) error {
	c, err := cache.Open(dir)
	if err != nil {
		return err
	}
	var im importer
	for _, name := range files {
		if err := im.file(c, name); err != nil {
			return err
		}
	}
	fmt.Fprintf(io.ErrOut, "brief: imported %d answers into %s\n", im.stored, dir)
	if im.refused > 0 {
		fmt.Fprintf(io.ErrOut, "brief: refused %d answer(s) to requests brief batch export did not write with this cache (first: %s): a result file answers the requests exported with the same --cache-dir; export again and run that file\n", im.refused, im.firstRefused)
	}
	if im.failed > 0 {
		fmt.Fprintf(io.ErrOut, "brief: %d lines had no usable answer (first: %s); the next export or run asks for them again\n", im.failed, im.firstFailure)
	}
	if im.refused > 0 || im.failed > 0 {
		return reported{pipeline.ErrPartial}
	}
	return nil
}

// importer reads result files into a cache: an answer is stored only for
// a request brief exported with that cache, and a repeated custom_id only
// once.
type importer struct {
	stored, failed, refused    int
	firstFailure, firstRefused string
	seen                       map[string]bool
}

func (im *importer) file(c *cache.Cache, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("result file: %v", err)
	}
	defer f.Close()
	return batch.ReadResults(f, filepath.Base(name), func(r batch.Result) error {
		switch {
		case im.seen[r.Key]:
			return nil
		case r.Err != nil:
			if im.failed++; im.firstFailure == "" {
				im.firstFailure = r.Key[:12] + ": " + safetext.Line(r.Err.Error())
			}
			return nil
		case !requestcache.Exported(c, r.Key):
			if im.refused++; im.firstRefused == "" {
				im.firstRefused = r.Key[:12]
			}
			return nil
		}
		if im.seen == nil {
			im.seen = map[string]bool{}
		}
		im.seen[r.Key] = true
		im.stored++
		return requestcache.Store(c, r.Key, r.Answer)
	})
}
